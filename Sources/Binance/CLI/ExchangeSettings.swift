import Foundation
import Exchange
import Yams

/// How the `exchange` command reaches Binance: MODE, EXCHANGE_URL, EXCHANGE_API_KEY, EXCHANGE_API_SECRET from
/// the environment over `config.yaml` (`default:` then the section named by ENVIRONMENT).
public struct ExchangeSettings: Sendable {
    public enum Mode: String, Sendable, CaseIterable { case dryRun = "dry-run", testnet, demo, live }

    public var mode: Mode
    /// EXCHANGE_URL: wins over the mode's URL (a loopback test server, a proxy...).
    public var urlOverride: String?
    public var apiKey: String?
    public var apiSecret: String?
    /// Where values came from, for messages (never the values of secrets).
    public var configFile: String?

    public init(mode: Mode, urlOverride: String? = nil, apiKey: String? = nil, apiSecret: String? = nil) {
        self.mode = mode; self.urlOverride = urlOverride; self.apiKey = apiKey; self.apiSecret = apiSecret
    }

    /// Reads `config.yaml` (if present) then the environment, which overrides it.
    public static func load(environment env: [String: String], configPath: String?) throws -> ExchangeSettings {
        var values: [String: String] = [:]
        var used: String?
        let path = configPath ?? "config.yaml"
        if FileManager.default.fileExists(atPath: path) {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let sections = try ConfigSections.read(text, file: path)
            values.merge(sections["default"] ?? [:]) { $1 }
            if let envName = env["ENVIRONMENT"], !envName.isEmpty {
                guard let section = sections[envName] else {
                    throw ExchangeFailure(.badRequest, message: "\(path): no section '\(envName):' for ENVIRONMENT=\(envName); sections: \(sections.keys.sorted().joined(separator: ", "))")
                }
                values.merge(section) { $1 }
            }
            used = path
        } else if configPath != nil {
            throw ExchangeFailure(.badRequest, message: "config file \(path) not found; pass an existing file to --config")
        }
        for key in ["MODE", "EXCHANGE_URL", "EXCHANGE_API_KEY", "EXCHANGE_API_SECRET"] {
            if let v = env[key], !v.isEmpty { values[key] = v }
        }
        let modeText = values["MODE"] ?? "dry-run"
        guard let mode = Mode(rawValue: modeText) else {
            throw ExchangeFailure(.badRequest, message: "MODE=\(modeText) is not one of dry-run, testnet, demo, live")
        }
        var s = ExchangeSettings(mode: mode, urlOverride: values["EXCHANGE_URL"].flatMap { $0.isEmpty ? nil : $0 },
                                 apiKey: values["EXCHANGE_API_KEY"], apiSecret: values["EXCHANGE_API_SECRET"])
        s.configFile = used
        return s
    }

    /// The base URL: EXCHANGE_URL, else testnet/demo/mainnet by mode (dry-run reads public data from mainnet).
    public var baseURL: String {
        if let urlOverride { return urlOverride }
        switch mode {
        case .testnet: return BinanceEnvironment.testnet.baseURL
        case .demo: return BinanceEnvironment.demo.baseURL
        case .live, .dryRun: return BinanceEnvironment.mainnet.baseURL
        }
    }

    /// Private (account) calls need an account: none exists in dry-run unless EXCHANGE_URL points at one.
    public var allowsPrivateCalls: Bool { mode != .dryRun || urlOverride != nil }

    public var credentials: BinanceCredentials? {
        guard let apiKey, !apiKey.isEmpty, let apiSecret, !apiSecret.isEmpty else { return nil }
        return BinanceCredentials(apiKey: apiKey, secret: apiSecret)
    }
}

/// The sections of config.yaml as plain strings, parsed with Yams (the parser the bot's own config loader uses), so
/// quoting, escapes and comments follow YAML rather than a line-by-line approximation.
enum ConfigSections {
    static func read(_ text: String, file: String) throws -> [String: [String: String]] {
        let root: Node?
        do { root = try Yams.compose(yaml: text) } catch {
            throw ExchangeFailure(.badRequest, message: "\(file): not valid YAML (\(String(describing: error).split(separator: "\n").first ?? "")); fix the file")
        }
        guard let top = root?.mapping else { return [:] }
        var out: [String: [String: String]] = [:]
        for (name, section) in top {
            guard let key = name.string else { continue }
            var values: [String: String] = [:]
            for (k, v) in section.mapping ?? [:] {
                if let k = k.string, let v = v.scalar?.string { values[k] = v }
            }
            out[key] = values
        }
        return out
    }
}
