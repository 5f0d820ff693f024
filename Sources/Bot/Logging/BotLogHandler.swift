import Foundation
import Logging

/// Log output for `run`: one human line per event (`text`) or one JSON object per line (`json`) for machines.
/// Written to standard output with a lock so lines never interleave.
public struct BotLogHandler: LogHandler {
    public enum Format: String, Sendable, CaseIterable { case text, json }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    private let label: String
    private let format: Format

    public init(label: String, format: Format) {
        self.label = label
        self.format = format
    }

    /// Installs the handler process-wide.
    public static func bootstrap(format: Format, level: Logger.Level = .info) {
        LoggingSystem.bootstrap { label in
            var handler = BotLogHandler(label: label, format: format)
            handler.logLevel = level
            return handler
        }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String,
                    file: String, function: String, line: UInt) {
        let merged = metadata.merging(explicit ?? [:]) { _, new in new }
        let time = UTCTime.iso(Int64((Date().timeIntervalSince1970 * 1000).rounded()))
        let text: String
        switch format {
        case .text:
            text = "\(time) \(level.rawValue.uppercased()) \(message)"
        case .json:
            var fields: [String: JSONLine.Value] = ["time": .string(time), "level": .string(level.rawValue),
                                                    "message": .string(message.description)]
            for (key, value) in merged { fields[key] = BotLogHandler.plain(value) }
            text = JSONLine.encode(fields)
        }
        BotLogHandler.write(text + "\n")
    }

    private static func plain(_ value: Logger.Metadata.Value) -> JSONLine.Value {
        switch value {
        case .string(let s): return .string(s)
        case .stringConvertible(let c): return .string(c.description)
        case .array(let a): return .array(a.map(plain))
        case .dictionary(let d): return .object(d.mapValues(plain))
        }
    }

    private static let lock = NSLock()

    static func write(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        FileHandle.standardOutput.write(Data(text.utf8))
    }
}

extension CycleReport {
    /// Structured fields of the cycle for JSON logs.
    public var metadata: Logger.Metadata {
        var m: Logger.Metadata = ["status": .string(status.rawValue)]
        if let candleTime { m["candle_time"] = .string(UTCTime.iso(candleTime)) }
        if let close { m["close"] = .string("\(close)") }
        if let predicted { m["predicted"] = .string(String(predicted)) }
        if let change { m["change"] = .string(String(change)) }
        if let decision {
            m["decision"] = .string(decision.label)
            m["reason"] = .string(decision.reason)
        }
        if !orders.isEmpty { m["orders"] = .array(orders.map { .string($0) }) }
        if !notes.isEmpty { m["not_placed"] = .array(notes.map { .string($0) }) }
        if let exitReason { m["exit_reason"] = .string(exitReason.rawValue) }
        if let position {
            m["position"] = .string("\(position.side.rawValue) \(position.amount) @ \(position.entryPrice)")
        }
        if let balance { m["balance"] = .string("\(balance)") }
        if let error { m["error"] = .string(error) }
        if let cycleID { m["cycle_id"] = .string(String(cycleID)) }
        return m
    }
}
