import Foundation

/// When to run one cycle per candle, for every Binance futures interval: the EventBridge Scheduler expression
/// (UTC) and the systemd `OnCalendar=` value, from one table, `offset` minutes after each candle closes (the
/// exchange needs a moment to close the candle; the cycle only uses closed candles either way).
/// `{m}` in a template is the offset minute, `{mm}` the same with two digits.
public enum ScheduleTable {
    public struct Row: Sendable, Equatable {
        public var interval: String
        public var eventBridge: String
        public var onCalendar: String
        /// Why the schedule is not exactly one run per candle, when it is not.
        public var note: String?
        /// Offsets must stay below this many minutes (within the candle).
        public var maxOffset: Int
    }

    public static let rows: [Row] = [
        Row(interval: "1m", eventBridge: "rate(1 minute)", onCalendar: "*-*-* *:*:05 UTC",
            note: "1-minute candles: no minute offset is possible; systemd waits 5 s, EventBridge fires at the close", maxOffset: 0),
        Row(interval: "3m", eventBridge: "cron({m}/3 * * * ? *)", onCalendar: "*-*-* *:{mm}/3:00 UTC", note: nil, maxOffset: 2),
        Row(interval: "5m", eventBridge: "cron({m}/5 * * * ? *)", onCalendar: "*-*-* *:{mm}/5:00 UTC", note: nil, maxOffset: 4),
        Row(interval: "15m", eventBridge: "cron({m}/15 * * * ? *)", onCalendar: "*-*-* *:{mm}/15:00 UTC", note: nil, maxOffset: 14),
        Row(interval: "30m", eventBridge: "cron({m}/30 * * * ? *)", onCalendar: "*-*-* *:{mm}/30:00 UTC", note: nil, maxOffset: 29),
        Row(interval: "1h", eventBridge: "cron({m} * * * ? *)", onCalendar: "*-*-* *:{mm}:00 UTC", note: nil, maxOffset: 59),
        Row(interval: "2h", eventBridge: "cron({m} 0/2 * * ? *)", onCalendar: "*-*-* 00/2:{mm}:00 UTC", note: nil, maxOffset: 59),
        Row(interval: "4h", eventBridge: "cron({m} 0/4 * * ? *)", onCalendar: "*-*-* 00/4:{mm}:00 UTC", note: nil, maxOffset: 59),
        Row(interval: "6h", eventBridge: "cron({m} 0/6 * * ? *)", onCalendar: "*-*-* 00/6:{mm}:00 UTC", note: nil, maxOffset: 59),
        Row(interval: "8h", eventBridge: "cron({m} 0/8 * * ? *)", onCalendar: "*-*-* 00/8:{mm}:00 UTC", note: nil, maxOffset: 59),
        Row(interval: "12h", eventBridge: "cron({m} 0/12 * * ? *)", onCalendar: "*-*-* 00/12:{mm}:00 UTC", note: nil, maxOffset: 59),
        Row(interval: "1d", eventBridge: "cron({m} 0 * * ? *)", onCalendar: "*-*-* 00:{mm}:00 UTC", note: nil, maxOffset: 59),
        Row(interval: "3d", eventBridge: "cron({m} 0 * * ? *)", onCalendar: "*-*-* 00:{mm}:00 UTC",
            note: "3-day candles follow the exchange's 3-day grid, which no calendar expression can name: the schedule is daily, and the two runs that find no newly closed candle answer already-done / duplicate without trading",
            maxOffset: 59),
        Row(interval: "1w", eventBridge: "cron({m} 0 ? * MON *)", onCalendar: "Mon *-*-* 00:{mm}:00 UTC", note: nil, maxOffset: 59),
    ]

    public struct Schedule: Sendable, Equatable, Encodable {
        public var interval: String
        public var offsetMinutes: Int
        public var eventBridge: String
        public var onCalendar: String
        public var note: String?
    }

    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    /// The schedule for `interval`, `offset` minutes after each close (default 1, or 0 where no offset fits).
    public static func schedule(interval: String, offsetMinutes: Int? = nil) throws -> Schedule {
        guard let row = rows.first(where: { $0.interval == interval }) else {
            throw Problem(description: "unknown interval '\(interval)'; one of \(rows.map(\.interval).joined(separator: ", "))")
        }
        let offset = offsetMinutes ?? min(1, row.maxOffset)
        guard (0...row.maxOffset).contains(offset) else {
            throw Problem(description: "--offset-minutes \(offset) does not fit \(interval) candles: 0...\(row.maxOffset)")
        }
        func fill(_ template: String) -> String {
            template.replacingOccurrences(of: "{mm}", with: String(format: "%02d", offset)).replacingOccurrences(of: "{m}", with: String(offset))
        }
        return Schedule(interval: interval, offsetMinutes: offset, eventBridge: fill(row.eventBridge), onCalendar: fill(row.onCalendar), note: row.note)
    }
}
