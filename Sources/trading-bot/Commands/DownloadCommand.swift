import ArgumentParser
import Backtest
import Binance
import Exchange
import Foundation

/// `trading-bot download`: closed candles from Binance USDⓈ-M into a CSV, resumable.
struct DownloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Download closed candles from Binance USDⓈ-M futures into a CSV file (resumable).",
        discussion: """
        Writes timestamp,open,high,low,close,volume (timestamp = open time in ms). If FILE exists, the download \
        resumes after its last candle. Only closed candles are written; holes in the exchange's history are \
        reported, never filled in.
        """)

    @Option(help: "Unified symbol, e.g. BTC/USDT:USDT (or the exchange id BTCUSDT).") var symbol: String
    @Option(help: "Candle interval: 1m 3m 5m 15m 30m 1h 2h 4h 6h 8h 12h 1d 3d 1w.") var interval: String
    @Option(help: "First candle (ISO 8601 UTC, e.g. 2024-01-01, or ms).") var since: String
    @Option(help: "End (exclusive; default: now, last closed candle).") var until: String?
    @Option(help: "Output CSV file.") var out: String
    @Option(name: .customLong("exchange-url"), help: "Base URL (default: EXCHANGE_URL or https://fapi.binance.com).")
    var exchangeURL: String?

    func run() async throws {
        let timeframe: Timeframe
        let sinceMs: Int64, untilMs: Int64?
        do {
            timeframe = try Timeframe(interval)
            sinceMs = try Console.time(since, option: "--since") ?? 0
            untilMs = try Console.time(until, option: "--until")
        } catch {
            Console.error("download: \(error)")
            throw ExitCode(2)
        }
        let url = exchangeURL ?? ProcessInfo.processInfo.environment["EXCHANGE_URL"] ?? BinanceEnvironment.mainnet.baseURL
        let exchange = BinanceUSDM(configuration: BinanceConfiguration(baseURL: url))
        let file = CandleCSVAppender(path: out)
        let bar = Console.ProgressBar(label: "download \(symbol) \(interval)")
        do {
            let market = try await exchange.market(symbol)
            let now = try await exchange.fetchTime()
            let resume = try file.lastTimestamp()
            let downloader = CandleDownloader(exchange: exchange, symbol: market.symbol, timeframe: timeframe)
            let summary = try await downloader.download(since: sinceMs, until: untilMs, now: now, resumeAfter: resume,
                                                        write: { try file.append($0) },
                                                        progress: { bar.update(done: $0, total: $1) })
            bar.finish()
            var line = "wrote \(summary.written) candles to \(out)"
            if let f = summary.first, let l = summary.last { line += " (\(Self.iso(f)) … \(Self.iso(l)))" }
            if let resume { line += ", resumed after \(Self.iso(resume))" }
            print(line)
            for g in summary.gaps {
                Console.error("gap: \(g.missing) candle\(g.missing == 1 ? "" : "s") missing from \(Self.iso(g.from)) to \(Self.iso(g.to)) (not invented)")
            }
            if summary.duplicates > 0 { Console.error("dropped \(summary.duplicates) duplicate or out-of-range candles sent by the exchange") }
        } catch {
            bar.finish()
            Console.error("download: \(error)")
            throw ExitCode(1)
        }
    }

    static func iso(_ ms: Int64) -> String { AxisTicks.format(ms, "yyyy-MM-dd'T'HH:mm'Z'") }
}
