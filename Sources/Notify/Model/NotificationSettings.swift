import Foundation

/// How one event type reaches a channel: `on`, `silent` (delivered without a sound: Telegram's
/// `disable_notification`) or `off`.
public enum EventSetting: String, Sendable, Equatable, CaseIterable {
    case on, silent, off
}

/// Per-event-type settings, written like Freqtrade's `notification_settings` but flat:
/// `"entry=on,entry_fill=silent,status=off"`. Unlisted types are `on`; `reply` (answers to commands) cannot be
/// turned off.
public struct NotificationSettings: Sendable, Equatable {
    public var byKind: [String: EventSetting]

    /// Every event type a setting can name.
    public static let kinds = [
        "startup", "entry", "entry_fill", "entry_cancel", "exit", "exit_fill", "exit_cancel", "stoploss", "stoploss_fill",
        "stoploss_cancel", "rejected", "error", "warning", "status", "daily",
    ]

    public init(_ byKind: [String: EventSetting] = [:]) { self.byKind = byKind }

    public func setting(for kind: String) -> EventSetting {
        if kind == "reply" { return .on }
        return byKind[kind] ?? .on
    }

    /// Parses `"kind=setting,…"`; throws one line naming the bad pair and what is allowed.
    public static func parse(_ text: String, key: String) throws -> NotificationSettings {
        var result: [String: EventSetting] = [:]
        for pair in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !pair.isEmpty {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, kinds.contains(parts[0]) else {
                throw NotifyConfigError(key: key, message: "'\(pair)' is not TYPE=SETTING with TYPE one of \(kinds.joined(separator: ", "))")
            }
            guard let setting = EventSetting(rawValue: parts[1].lowercased()) else {
                throw NotifyConfigError(key: key, message: "'\(pair)': the setting must be on, silent or off")
            }
            result[parts[0]] = setting
        }
        return NotificationSettings(result)
    }
}

/// A notification setting that cannot be used, naming the key and what to write instead.
public struct NotifyConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    public var key: String
    public var message: String
    public init(key: String, message: String) {
        self.key = key
        self.message = message
    }
    public var description: String { "\(key): \(message)" }
}
