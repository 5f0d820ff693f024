import Foundation

extension BinanceTestServer {
    /// Misbehaviour the server can be told to show, so clients' recovery paths are tested for real.
    public enum Fault: Sendable, Equatable {
        /// Waits this long before handling the request (a slow network or backend).
        case latency(seconds: Double)
        /// Answers with this 5xx status and Binance's "Internal error ... Please try again." body;
        /// the request is NOT executed.
        case http5xx(status: Int)
        /// Executes the request, then answers 503 "Unknown error, please check your request or try
        /// again later." (Binance: execution status UNKNOWN; the order may exist).
        case unknown503
        /// Answers 503 -1008 "Request throttled by system-level protection…" (Binance: a certain failure, not
        /// executed). Orders that reduce exposure (reduceOnly=true or closePosition=true) are exempt, as on
        /// Binance: they pass through and leave the fault waiting for the next order.
        case throttled1008
        /// Answers 429 -1003 with `Retry-After: retryAfter`; not executed.
        case rateLimit429(retryAfter: Int)
        /// Bans the client for `retryAfter` seconds of wall time: every request until then gets
        /// 418 -1003 with the remaining `Retry-After`; not executed.
        case ban418(retryAfter: Int)
        /// Executes the request, then closes the connection without sending a byte back.
        case acceptThenDrop
        /// Shifts the server's time by `ms` for `/fapi/v1/time` and the recvWindow check
        /// (klines and fills keep the test clock). Persistent until `clearFaults()`; count ignored.
        case clockSkew(ms: Int64)
        /// Answers 400 -2019 "Margin is insufficient." (Binance's refusal of an order the account cannot margin);
        /// not executed. Aim it with method POST, path /fapi/v1/order.
        case marginInsufficient
        /// Executes the request, then moves the symbol's price (the request's `symbol`) by `percent` (e.g. 0.3 or
        /// -0.3): ticker, mark and market fills use the moved price from then on, as if the market moved between this
        /// request and the next. Aim it at the ticker a client reads before ordering (GET /fapi/v1/ticker/24hr).
        case movePrice(percent: Decimal)
    }

    /// A fault waiting for matching requests.
    struct PendingFault {
        var fault: Fault
        var remaining: Int
        var method: String?
        var path: String?

        func matches(method: String, path: String) -> Bool {
            (self.method == nil || self.method?.uppercased() == method.uppercased()) && (self.path == nil || self.path == path)
        }
    }
}
