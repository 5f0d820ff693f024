import Bot
import Cloud
import Foundation

/// One decision per candle under at-least-once delivery: before anything is decided, the invocation creates a small
/// object named after strategy, symbol, interval and candle open time with `If-None-Match: *`. S3 lets exactly one
/// writer create it; every other delivery of the same schedule event (or a retry) gets 412 and does nothing.
public struct CandleClaims: Sendable {
    public let s3: S3Client
    public let prefix: S3Location
    public let strategy: String
    public let symbol: String
    public let interval: String

    public init(s3: S3Client, prefix: S3Location, strategy: String, symbol: String, interval: String) {
        self.s3 = s3; self.prefix = prefix; self.strategy = strategy; self.symbol = symbol; self.interval = interval
    }

    /// `PREFIX/STRATEGY/BTCUSDT-USDT/4h/2026-12-03T08:00:00Z` (the unified symbol with `/` and `:` made key-safe).
    public func location(candleOpen: Int64) -> S3Location {
        let safeSymbol = String(symbol.compactMap { $0 == "/" ? nil : ($0 == ":" ? "-" : $0) })
        return prefix.sibling("\(prefix.key)/\(strategy)/\(safeSymbol)/\(interval)/\(CandleClaims.iso(candleOpen))")
    }

    /// nil when this invocation now holds the candle; otherwise a note naming who holds it.
    public func claim(candleOpen: Int64, requestID: String, at wallMs: Int64) async throws -> String? {
        let object = location(candleOpen: candleOpen)
        let body = Data(JSONLine.encode(["request_id": .string(requestID), "claimed_at": .string(CandleClaims.iso(wallMs))]).utf8)
        switch try await s3.put(object, body: body, contentType: "application/json", condition: .ifNoneMatch) {
        case .stored: return nil
        case .preconditionFailed:
            var holder = "another delivery"
            if case .found(let held) = try? await s3.get(object),
               let json = try? JSONSerialization.jsonObject(with: held.body) as? [String: Any], let id = json["request_id"] as? String {
                holder = id == requestID ? "this same request earlier (a retry)" : "request \(id)"
            }
            return "candle \(CandleClaims.iso(candleOpen)) already claimed by \(holder) (\(object)); this delivery (request \(requestID)) did nothing"
        }
    }

    static func iso(_ ms: Int64) -> String {
        var seconds = time_t(ms / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }
}
