import ArgumentParser
import Foundation
import Serverless

/// `trading-bot schedule --interval 4h`: when to run one cycle per candle, for EventBridge Scheduler and systemd.
struct ScheduleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Print the EventBridge Scheduler expression and the systemd OnCalendar= for a candle interval.",
        discussion: "Both run OFFSET minutes after each candle closes, in UTC (the exchange's candles are UTC).")

    @Option(name: .long, help: "Candle interval (1m … 1M); default: INTERVAL from the environment, else 1d.") var interval: String?
    @Option(name: .customLong("offset-minutes"), help: "Minutes after the close (default 1; 0 for 1m).") var offsetMinutes: Int?
    @Flag(name: .long, help: "Every interval (with --json: the table the SAM template's mapping is made from).") var all = false
    @Flag(name: .long, help: "JSON output.") var json = false

    func run() throws {
        let intervals = all ? ScheduleTable.rows.map(\.interval) : [interval ?? ProcessInfo.processInfo.environment["INTERVAL"] ?? "1d"]
        let schedules: [ScheduleTable.Schedule]
        do { schedules = try intervals.map { try ScheduleTable.schedule(interval: $0, offsetMinutes: offsetMinutes) } } catch {
            FileHandle.standardError.write(Data("trading-bot schedule: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
            let data = try all ? encoder.encode(schedules) : encoder.encode(schedules[0])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        for s in schedules {
            print("\(s.interval): \(s.offsetMinutes) min after each close (UTC)")
            print("  EventBridge Scheduler: ScheduleExpression: \"\(s.eventBridge)\"  ScheduleExpressionTimezone: UTC")
            print("  systemd timer:         OnCalendar=\(s.onCalendar)")
            if let note = s.note { print("  note: \(note)") }
        }
    }
}
