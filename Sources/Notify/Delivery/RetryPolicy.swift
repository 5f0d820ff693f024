import Foundation

/// What a channel's attempt to deliver one payload came to.
public enum DeliveryOutcome: Sendable, Equatable {
    case delivered
    /// The service asked to wait exactly this long (Telegram 429 `parameters.retry_after`, HTTP Retry-After).
    case retryAfter(seconds: Double, reason: String)
    /// Worth retrying with back-off: network error, time-out, 5xx.
    case transient(String)
    /// This message can never be sent (e.g. 400 that names the message); it is skipped and reported once.
    case rejected(String)
    /// The channel cannot work until a person fixes it (401 bad token, 403 blocked, 400 chat not found): reported
    /// once and not retried in this process.
    case permanent(String)
}

/// The next step after an outcome. Pure, so the whole retry behaviour is a table in tests.
public enum RetryAction: Sendable, Equatable {
    case next
    case wait(Double)
    case skip(String)
    case disable(String)
}

public enum RetryPolicy {
    public static let maxBackoff: Double = 60

    /// `failures` counts the consecutive transient failures before this one.
    public static func action(for outcome: DeliveryOutcome, failures: Int) -> RetryAction {
        switch outcome {
        case .delivered: return .next
        case .retryAfter(let seconds, _): return .wait(max(0, seconds))
        case .transient: return .wait(backoff(failures))
        case .rejected(let reason): return .skip(reason)
        case .permanent(let reason): return .disable(reason)
        }
    }

    /// 1, 2, 4, … seconds, at most `maxBackoff`.
    public static func backoff(_ failures: Int) -> Double {
        min(maxBackoff, pow(2, Double(min(max(failures, 0), 16))))
    }
}
