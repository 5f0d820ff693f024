import ArgumentParser
import Bot
import Exchange
import Foundation
import Operate

/// `trading-bot close-all`: the square-off button from a shell.
struct CloseAllCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close-all",
        abstract: "Cancel every open order (conditional ones too) and close every position with reduce-only market orders.",
        discussion: """
        Reports each step and pauses new entries (a running bot sees the pause; /resume or POST /api/v1/resume ends it).
        The close orders are journaled before they are sent, like every order, so running it twice never doubles one.
        In live mode it needs --confirm-live. Exit 0 when the account ends flat, 1 when it does not.
        """)

    @Option(name: .long, help: "Configuration file (default: ./config.yaml).") var config: String?
    @Flag(name: .customLong("confirm-live"), help: "Required, with MODE=live, to close real positions.") var confirmLive = false

    func run() async throws {
        let config = try BotCommandSupport.loadConfig(path: self.config, overrides: [:], requireCredentials: true, requireModelFiles: false)
        if config.mode == .live && !confirmLive {
            BotCommandSupport.printError("trading-bot close-all: MODE is live; add --confirm-live to close real positions (nothing was sent)")
            throw ExitCode(2)
        }
        let journal: Journal
        let exchange: any Exchange
        do {
            journal = try Journal(path: config.journalPath)
            if config.mode == .dryRun {
                let market = try BotCommandSupport.marketDataExchange(config: config)
                let clock = ExchangeClock(exchange: market)
                exchange = try PaperExchange(market: market, journal: journal, symbol: config.symbol, timeframe: try Timeframe(config.interval),
                                             startingBalance: config.dryRunBalance, now: { try await clock.now() })
            } else {
                exchange = try BotCommandSupport.tradingExchange(config: config)
            }
        } catch {
            BotCommandSupport.printError("trading-bot close-all: \(error)")
            throw ExitCode(2)
        }
        let now = (try? await exchange.fetchTime()) ?? Int64(Date().timeIntervalSince1970 * 1000)
        let report = await CloseAll(exchange: exchange, journal: journal, symbol: config.symbol, marketID: config.marketID, gate: nil)
            .run(now: now, source: "cli")
        for step in report.steps { print("- \(step)") }
        print(report.flat && report.failures == 0 ? "close-all: done, the account is flat" : "close-all: INCOMPLETE, see the steps above")
        if !(report.flat && report.failures == 0) { throw ExitCode(1) }
    }
}
