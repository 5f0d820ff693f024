import Foundation

/// A candle interval by CCXT name ("1m".."1M") with its length in milliseconds.
public struct Timeframe: Sendable, Hashable, Codable, CustomStringConvertible {
    public let name: String
    public let milliseconds: Int64

    private init(_ name: String, _ ms: Int64) { self.name = name; self.milliseconds = ms }

    private static let minute: Int64 = 60_000
    /// The table, in CCXT order. `1M` is 30 days as in CCXT's `parse_timeframe`.
    public static let all: [Timeframe] = [
        .init("1m", minute), .init("3m", 3 * minute), .init("5m", 5 * minute), .init("15m", 15 * minute),
        .init("30m", 30 * minute), .init("1h", 60 * minute), .init("2h", 120 * minute), .init("4h", 240 * minute),
        .init("6h", 360 * minute), .init("8h", 480 * minute), .init("12h", 720 * minute), .init("1d", 1440 * minute),
        .init("3d", 3 * 1440 * minute), .init("1w", 7 * 1440 * minute), .init("1M", 30 * 1440 * minute),
    ]

    /// Looks a timeframe up by name; throws BadRequest naming the valid ones.
    public init(_ name: String) throws {
        guard let tf = Timeframe.all.first(where: { $0.name == name }) else {
            throw ExchangeFailure(.badRequest,
                message: "unknown timeframe '\(name)'; use one of \(Timeframe.all.map(\.name).joined(separator: " "))")
        }
        self = tf
    }

    public static let oneMinute = Timeframe("1m", minute)
    public static let oneHour = Timeframe("1h", 60 * minute)
    public static let oneDay = Timeframe("1d", 1440 * minute)

    public var seconds: Int64 { milliseconds / 1000 }
    public var description: String { name }

    public init(from decoder: Decoder) throws { try self.init(try decoder.singleValueContainer().decode(String.self)) }
    public func encode(to encoder: Encoder) throws { var c = encoder.singleValueContainer(); try c.encode(name) }
}
