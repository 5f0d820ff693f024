import Foundation

/// One trading action at a time on an account: the candle cycle and a person's close-all (Telegram, the status page)
/// take turns, so a close-all never interleaves with a cycle's entry. FIFO, async, never blocks a thread.
public actor TradeGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    public init() {}

    public func acquire() async {
        if !busy { busy = true; return }
        await withCheckedContinuation { waiting.append($0) }
    }

    public func release() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }

    /// Runs `body` holding the gate.
    public func run<T: Sendable>(_ body: @Sendable () async -> T) async -> T {
        await acquire()
        let result = await body()
        release()
        return result
    }
}
