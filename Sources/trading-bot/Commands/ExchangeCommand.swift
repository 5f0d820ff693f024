import ArgumentParser
import Foundation
import Exchange
import Binance

/// `trading-bot exchange METHOD [ARGS...]`: one CCXT-style call against Binance USDⓈ-M, printed as JSON.
/// Meant for emergencies too (close everything now), so it needs neither the model nor the bot's state.
struct ExchangeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exchange",
        abstract: "Call one unified (CCXT-style) exchange method and print the result as JSON.",
        discussion: """
        Arguments are read as JSON where they parse (numbers, null, true/false, [..]) and as strings otherwise.
        Examples:
          trading-bot exchange fetchOHLCV BTC/USDT:USDT 1h 1700000000000 10
          trading-bot exchange createOrder BTC/USDT:USDT limit buy 0.002 60000 --params '{"timeInForce":"GTC"}'
          trading-bot exchange fetchOrder null BTC/USDT:USDT --params '{"clientOrderId":"tb-abc"}'
          trading-bot exchange cancelAllOrders BTC/USDT:USDT --params '{"trigger":true}'
        Settings: MODE (dry-run|testnet|demo|live), EXCHANGE_URL, EXCHANGE_API_KEY, EXCHANGE_API_SECRET from the
        environment, else from config.yaml (`default:` plus the ENVIRONMENT section). Public methods work in every
        mode; account methods need testnet/demo/live or EXCHANGE_URL; in live mode, methods that change the account
        also need --confirm-live.
        Methods:
        \(ExchangeCall.usage)
        """)

    @Argument(help: "Unified method name, e.g. fetchTicker.") var method: String
    @Argument(parsing: .allUnrecognized, help: "Positional arguments of the method.") var args: [String] = []
    @Option(name: .long, help: "CCXT-style params as a JSON object.") var params: String?
    @Flag(name: .long, help: "Print each HTTP request and response to stderr (the secret is never shown).") var verbose = false
    @Flag(name: .customLong("confirm-live"), help: "Allow account-changing methods when MODE=live.") var confirmLive = false
    @Option(name: .long, help: "config.yaml to read (default: ./config.yaml if present).") var config: String?

    func run() async throws {
        do {
            let settings = try ExchangeSettings.load(environment: ProcessInfo.processInfo.environment, configPath: config)
            let parsedParams = try parseParamsJSON(params)
            if ExchangeCall.privateMethods.contains(method) && !settings.allowsPrivateCalls {
                fail("\(method) needs an exchange account and MODE=dry-run has none; set MODE=testnet, demo or live (with EXCHANGE_API_KEY and EXCHANGE_API_SECRET), or EXCHANGE_URL")
            }
            if settings.mode == .live && ExchangeCall.mutatingMethods.contains(method) && !confirmLive {
                fail("MODE=live: \(method) changes a real account; add --confirm-live to proceed")
            }
            var conf = BinanceConfiguration(baseURL: settings.baseURL, credentials: settings.credentials)
            if verbose {
                conf.trace = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
            }
            let exchange = BinanceUSDM(configuration: conf)
            print(try await ExchangeCall.run(exchange, method: method, args: args, params: parsedParams))
        } catch let failure as ExchangeFailure {
            FileHandle.standardError.write(Data("error: \(failure.description)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// A local refusal (before anything is sent): one line on stderr, exit status 1.
    private func fail(_ message: String) -> Never {
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        Foundation.exit(1)
    }
}
