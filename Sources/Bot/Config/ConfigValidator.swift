import Foundation
import Exchange

/// Turns raw strings into a typed `BotConfig`, collecting every problem instead of stopping at the first.
struct ConfigValidator {
    let raw: [String: ConfigLoader.RawValue]
    let checkFiles: Bool
    private(set) var issues: [ConfigIssue] = []

    init(raw: [String: ConfigLoader.RawValue], checkFiles: Bool = true) {
        self.raw = raw
        self.checkFiles = checkFiles
    }

    mutating func build(environment: String?, requireCredentials: Bool) -> BotConfig? {
        for key in ConfigKey.all { _ = check(key.name) }
        let mode = TradingMode(rawValue: text("MODE") ?? "dry-run") ?? .dryRun
        var apiKey = text("EXCHANGE_API_KEY"), apiSecret = text("EXCHANGE_API_SECRET")
        if apiKey?.isEmpty == true { apiKey = nil }
        if apiSecret?.isEmpty == true { apiSecret = nil }
        if requireCredentials && mode.needsCredentials {
            for (name, value) in [("EXCHANGE_API_KEY", apiKey), ("EXCHANGE_API_SECRET", apiSecret)] where value == nil {
                issues.append(ConfigIssue(key: name, value: nil, origin: raw[name]?.origin ?? "configuration",
                                          problem: "required in \(mode.rawValue) mode; set the environment variable \(name)"))
            }
        }
        guard issues.isEmpty else { return nil }
        let interval = text("INTERVAL") ?? "1d"
        var config = BotConfig(
            exchangeID: text("EXCHANGE_ID") ?? "binanceusdm",
            mode: mode,
            exchangeURL: text("EXCHANGE_URL"),
            symbol: text("SYMBOL") ?? "BTC/USDT:USDT",
            interval: interval,
            intervalMilliseconds: Timeframes.milliseconds(interval) ?? 86_400_000,
            leverage: Int(text("LEVERAGE") ?? "1") ?? 1,
            marginType: text("MARGIN_TYPE") ?? "isolated",
            orderType: text("ORDER_TYPE") ?? "market",
            minOrderAmount: decimal("MIN_ORDER_AMOUNT") ?? 0,
            threshold: double("THRESHOLD") ?? 0.01,
            stopLoss: double("STOP_LOSS") ?? 0.05,
            stopLossOnExchange: ConfigValidator.parseBool(text("STOP_LOSS_ON_EXCHANGE") ?? "false") ?? false,
            windowSize: Int(text("WINDOW_SIZE") ?? "5") ?? 5,
            maxRetries: Int(text("MAX_RETRIES") ?? "3") ?? 3,
            retryDelay: double("RETRY_DELAY") ?? 1,
            modelPath: path("MODEL_PATH") ?? "models/model.keras",
            scalersPath: path("SCALERS_PATH") ?? "scalers/scalers.pkl",
            targetColumn: text("TARGET_COLUMN") ?? "close",
            journalPath: path("JOURNAL_PATH") ?? "journal.sqlite",
            dryRunBalance: decimal("DRY_RUN_BALANCE") ?? 10_000,
            apiKey: apiKey,
            apiSecret: apiSecret,
            environment: environment)
        config.tradableBalanceRatio = decimal("TRADABLE_BALANCE_RATIO") ?? PositionSizer.defaultTradableBalanceRatio
        for key in ConfigKey.operateKeys { if let value = text(key.name), !value.isEmpty { config.operate[key.name] = value } }
        config.stakeFraction = decimal("STAKE_FRACTION")
        config.candlesPath = path("CANDLES_PATH")
        config.stakeAmount = decimal("STAKE_AMOUNT")
        config.maxOpenPositions = text("MAX_OPEN_POSITIONS").flatMap { Int($0) }
        config.maxMarginRatio = decimal("MAX_MARGIN_RATIO")
        config.dailyLossLimit = decimal("DAILY_LOSS_LIMIT")
        return config
    }

    /// SYMBOLS as a list (comma-separated text; the loader joins a YAML list with commas).
    static func symbolList(_ text: String) -> [String] {
        text.split(separator: ",").map { Whitespace.trimmed(String($0)) }.filter { !$0.isEmpty }
    }

    private func text(_ name: String) -> String? {
        raw[name].map { Whitespace.trimmed($0.text) }
    }

    private func decimal(_ name: String) -> Decimal? { text(name).flatMap(ConfigValidator.parseDecimal) }
    private func double(_ name: String) -> Double? { text(name).flatMap(Double.init) }

    private func path(_ name: String) -> String? {
        guard let value = raw[name] else { return nil }
        return ConfigValidator.resolve(value.text, against: value.baseDirectory)
    }

    static func resolve(_ path: String, against base: String) -> String {
        if path.hasPrefix("s3://") { return path }  // an S3 location (trading-bot lambda downloads it), not a path
        let expanded = (path as NSString).expandingTildeInPath
        if expanded.hasPrefix("/") { return expanded }
        return URL(fileURLWithPath: expanded, relativeTo: URL(fileURLWithPath: base, isDirectory: true)).standardizedFileURL.path
    }

    /// Strict decimal parse: digits with an optional sign, point and exponent; no trailing text ("0.01abc" fails).
    static func parseDecimal(_ text: String) -> Decimal? {
        let trimmed = Whitespace.trimmed(text)
        guard !trimmed.isEmpty, Double(trimmed) != nil, trimmed.allSatisfy({ "0123456789.-+eE".contains($0) }) else { return nil }
        return Precision.decimal(trimmed)
    }

    static func parseBool(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "on", "1": return true
        case "false", "no", "off", "0": return false
        default: return nil
        }
    }

    /// Validates one key; records an issue and returns false when its value is not allowed.
    @discardableResult
    private mutating func check(_ name: String) -> Bool {
        guard let key = ConfigKey.byName[name], let value = raw[name] else { return true }
        let text = Whitespace.trimmed(value.text)
        let shown = key.isSecret ? "<redacted>" : value.text
        func fail(_ problem: String) -> Bool {
            issues.append(ConfigIssue(key: name, value: shown, origin: value.origin, problem: "\(problem); allowed: \(key.allowed)"))
            return false
        }
        switch key.kind {
        case .text:
            return true
        case .secret:
            return true
        case .choice(let values):
            return values.contains(text) ? true : fail("not an allowed value")
        case .integer(let range):
            guard let number = Int(text) else { return fail(Double(text) != nil ? "not a whole number" : "not a number") }
            return range.contains(number) ? true : fail("out of range")
        case .decimal(let min, let max, let minInclusive):
            guard let number = ConfigValidator.parseDecimal(text) else { return fail("not a number") }
            if minInclusive ? number < min : number <= min { return fail("out of range") }
            if let max, number > max { return fail("out of range") }
            return true
        case .boolean:
            return ConfigValidator.parseBool(text) != nil ? true : fail("not a boolean")
        case .symbol:
            return ConfigValidator.isUnifiedLinearSymbol(text) ? true : fail(ConfigValidator.symbolHint(text))
        case .symbolList:
            let symbols = ConfigValidator.symbolList(text)
            guard !symbols.isEmpty else { return fail("empty") }
            if let bad = symbols.first(where: { !ConfigValidator.isUnifiedLinearSymbol($0) }) {
                return fail("'\(bad)' is \(ConfigValidator.symbolHint(bad))")
            }
            var seen = Set<String>()
            if let twice = symbols.first(where: { !seen.insert($0).inserted }) { return fail("\(twice) is listed twice") }
            return true
        case .timeframe:
            return Timeframes.all.contains(text) ? true : fail("not a Binance futures interval")
        case .existingFile:
            guard checkFiles else { return true }
            if text.hasPrefix("s3://") {
                return fail("an S3 location: only `trading-bot lambda` downloads from S3; give a local file here")
            }
            let path = ConfigValidator.resolve(text, against: value.baseDirectory)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return fail("no such file (\(path))") }
            return isDirectory.boolValue ? fail("is a directory (\(path))") : true
        case .url:
            guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
                return fail("not a URL")
            }
            return true
        case .timestamp:
            return ConfigValidator.parseTimestamp(text) != nil ? true : fail("not a date")
        }
    }

    static func isUnifiedLinearSymbol(_ text: String) -> Bool {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        let pair = parts[0].split(separator: "/", omittingEmptySubsequences: false)
        guard pair.count == 2 else { return false }
        let isCode: (Substring) -> Bool = { code in
            !code.isEmpty && code.count <= 20 && code.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber) }
        }
        return isCode(pair[0]) && isCode(pair[1]) && isCode(parts[1]) && pair[1] == parts[1]
    }

    static func symbolHint(_ text: String) -> String {
        let upper = text.uppercased()
        for quote in ["USDT", "USDC", "BUSD"] where upper.hasSuffix(quote) && !upper.contains("/") && upper.count > quote.count {
            return "not a unified symbol (did you mean \(upper.dropLast(quote.count))/\(quote):\(quote)?)"
        }
        if upper.contains("/") && !upper.contains(":") { return "spot symbol; futures need the settle currency (e.g. \(upper):\(upper.split(separator: "/").last ?? "USDT"))" }
        return "not a unified linear-futures symbol"
    }

    /// ISO 8601 date or date-time, or integer milliseconds since 1970.
    static func parseTimestamp(_ text: String) -> Int64? {
        if let ms = Int64(text), ms >= 0 { return ms }
        let full = ISO8601DateFormatter()
        if let date = full.date(from: text) { return Int64(date.timeIntervalSince1970 * 1000) }
        let dateOnly = ISO8601DateFormatter()
        dateOnly.formatOptions = [.withFullDate]
        if let date = dateOnly.date(from: text) { return Int64(date.timeIntervalSince1970 * 1000) }
        return nil
    }
}
