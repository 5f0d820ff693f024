import Foundation

/// The small JSON answer of one invocation: what the candle, the decision and the orders were, or why nothing ran.
public struct InvocationSummary: Encodable, Sendable, Equatable {
    /// done, skipped, already-done, duplicate, failed (a cycle's own handled failure), journal-conflict, journal-busy.
    public var status: String
    public var requestId: String
    public var candle: String?
    public var candleTime: Int64?
    public var decision: String?
    public var orders: [String] = []
    public var clientOrderIds: [String] = []
    public var message: String?
    public var journal: String?
    public var alerts: String?

    public init(status: String, requestId: String) { self.status = status; self.requestId = requestId }

    public func json() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data("{\"status\":\"\(status)\"}".utf8)
    }
}
