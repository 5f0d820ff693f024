import Bot
import Exchange
import Foundation
import HTTPClient
import Notify

/// Wires what a person uses to watch and steer a running bot: one outbox dispatcher per channel, Telegram control,
/// the watchdog (dead-man, daily summary) and, when configured, the status page and REST API — each in its own
/// task beside the candle loop, never inside it.
public final class Operator: @unchecked Sendable {
    public let settings: OperateSettings
    public let journal: Journal
    public let center: CommandCenter
    public private(set) var dispatchers: [OutboxDispatcher]
    public let telegram: TelegramControl?
    public let watchdog: Watchdog
    public let api: APIServer?
    private let log: @Sendable (String) -> Void
    private var tasks: [Task<Void, Never>] = []

    /// `symbols`: every traded symbol's configuration when there are several (SYMBOLS); close-all then covers all of
    /// them and `/status` shows each.
    public init(config: BotConfig, journal: Journal, exchange: any Exchange, gate: TradeGate?, symbols: [BotConfig]? = nil,
                exchangeNow: @escaping @Sendable () async -> Int64?, log: @escaping @Sendable (String) -> Void) throws {
        let settings = try OperateSettings(values: config.operate)
        self.settings = settings
        self.journal = journal
        self.log = log
        let info = BotInfo(config: config)
        let now: @Sendable () async -> Int64 = { await exchangeNow() ?? OperateClock.wallMilliseconds() }
        let traded = symbols ?? [config]
        let closeAll = CloseAll(exchange: exchange, journal: journal, symbols: traded.map { ($0.symbol, $0.marketID) }, gate: gate)
        center = CommandCenter(journal: journal, info: traded.first.map(BotInfo.init(config:)) ?? info, exchange: exchange, closeAll: closeAll,
                               exchangeNow: now)
        center.infos = traded.map(BotInfo.init(config:))
        let store = JournalOutbox(journal: journal)
        var dispatchers: [OutboxDispatcher] = []
        var telegram: TelegramControl?
        if let t = settings.telegram {
            let sendAPI = TelegramBotAPI(token: t.token, apiURL: t.apiURL, transport: CurlTransport(connectTimeoutMs: 5_000, totalTimeoutMs: t.timeoutSeconds * 1000))
            dispatchers.append(OutboxDispatcher(channel: TelegramChannel(api: sendAPI, chatID: t.chatID, settings: t.notifications),
                                                store: store, log: log))
            let pollAPI = TelegramBotAPI(token: t.token, apiURL: t.apiURL, transport: CurlTransport(connectTimeoutMs: 5_000, totalTimeoutMs: 40_000))
            telegram = TelegramControl(api: pollAPI, settings: t, center: center, journal: journal, liveMode: config.mode == .live, log: log)
        }
        if let w = settings.webhook {
            dispatchers.append(OutboxDispatcher(channel: WebhookChannel(url: w.url, format: w.format, settings: w.notifications,
                                                                        transport: CurlTransport(connectTimeoutMs: 5_000, totalTimeoutMs: 10_000)),
                                                store: store, log: log))
        }
        self.dispatchers = dispatchers
        self.telegram = telegram
        watchdog = Watchdog(journal: journal, info: info, unreachableMinutes: settings.unreachableMinutes, exchangeNow: exchangeNow,
                            probe: { (try? await exchange.fetchTime()) != nil }, log: log)
        let all = dispatchers
        center.channels = { all.map { $0.health() } }
        let center = self.center
        api = settings.api.map { APIServer(settings: $0, center: center, log: log) }
    }

    /// Adds a channel made elsewhere (e.g. SNS from the Cloud module); call before `prepare` and `start`.
    @discardableResult
    public func add(channel: any NotificationChannel) -> OutboxDispatcher {
        let dispatcher = OutboxDispatcher(channel: channel, store: JournalOutbox(journal: journal), log: log)
        dispatchers.append(dispatcher)
        let all = dispatchers
        center.channels = { all.map { $0.health() } }
        return dispatcher
    }

    /// Registers the channels' cursors, then writes `startup` (so it is the first message of this run).
    public func prepare(startup: OutboxEvent?, at now: Int64) throws {
        for dispatcher in dispatchers { try dispatcher.register() }
        if let startup { try journal.appendOutbox([startup], at: now) }
    }

    /// Starts the background tasks. `run --once` passes `poll: false, watch: false`: it handles pending commands
    /// with `pollOnce()` and keeps no dead-man watch for a single cycle.
    /// Binds the status page / REST API when configured; returns its port. Throws one line naming the address.
    @discardableResult
    public func startAPI() throws -> UInt16? {
        guard let api else { return nil }
        return try api.start()
    }

    public func start(poll: Bool, watch: Bool, watchEveryMilliseconds: Int64? = nil) {
        for dispatcher in dispatchers { tasks.append(Task.detached { await dispatcher.run() }) }
        if poll, let telegram { tasks.append(Task.detached { await telegram.run() }) }
        if watch {
            if let every = watchEveryMilliseconds { watchdog.checkEveryMilliseconds = every }
            let watchdog = self.watchdog
            tasks.append(Task.detached { await watchdog.run() })
        }
    }

    /// Handles the commands that arrived since the last run without waiting for more (`run --once`).
    public func pollOnce() async {
        _ = await telegram?.poll(timeout: 0)
    }

    /// Waits until every channel has delivered what is in the outbox (or is disabled), at most `timeout` seconds.
    public func drain(timeout: Double) async {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if dispatchers.allSatisfy({ let h = $0.health(); return h.pending == 0 || h.status == .disabled }) { return }
            try? await Task.sleep(nanoseconds: 50_000_000)
        }
    }

    public func stop() {
        for dispatcher in dispatchers { dispatcher.stop() }
        telegram?.stop()
        watchdog.stop()
        api?.stop()
    }
}
