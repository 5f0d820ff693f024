import Foundation

extension BinanceTestServer {
    /// One tradable USDⓈ-M perpetual and the exchange filters the server enforces for it.
    /// Defaults mirror Binance's published BTCUSDT / ETHUSDT rules, except `minPrice`,
    /// which is lowered so that historical candle files (BTC at $100 in 2013) stay tradable.
    public struct SymbolSpec: Sendable, Equatable {
        public var symbol: String
        public var baseAsset: String
        public var quoteAsset: String
        public var pricePrecision: Int
        public var quantityPrecision: Int
        public var tickSize: Decimal
        public var minPrice: Decimal
        public var maxPrice: Decimal
        public var stepSize: Decimal
        public var minQty: Decimal
        public var maxQty: Decimal
        public var marketMaxQty: Decimal
        public var minNotional: Decimal
        public var multiplierUp: Decimal
        public var multiplierDown: Decimal
        public var maxLeverage: Int

        public init(symbol: String, baseAsset: String, quoteAsset: String = "USDT",
                    pricePrecision: Int, quantityPrecision: Int,
                    tickSize: Decimal, minPrice: Decimal, maxPrice: Decimal,
                    stepSize: Decimal, minQty: Decimal, maxQty: Decimal, marketMaxQty: Decimal,
                    minNotional: Decimal, multiplierUp: Decimal? = nil,
                    multiplierDown: Decimal? = nil, maxLeverage: Int = 125) {
            self.symbol = symbol; self.baseAsset = baseAsset; self.quoteAsset = quoteAsset
            self.pricePrecision = pricePrecision; self.quantityPrecision = quantityPrecision
            self.tickSize = tickSize; self.minPrice = minPrice; self.maxPrice = maxPrice
            self.stepSize = stepSize; self.minQty = minQty; self.maxQty = maxQty
            self.marketMaxQty = marketMaxQty; self.minNotional = minNotional
            self.multiplierUp = multiplierUp ?? dec("1.0500"); self.multiplierDown = multiplierDown ?? dec("0.9500")
            self.maxLeverage = maxLeverage
        }

        /// BTCUSDT: tick 0.10, step 0.001, minQty 0.001, maxQty 1000 (market 120), notional 100.
        public static let btcusdt = SymbolSpec(
            symbol: "BTCUSDT", baseAsset: "BTC", pricePrecision: 2, quantityPrecision: 3,
            tickSize: dec("0.10"), minPrice: dec("0.10"), maxPrice: dec("4529764"),
            stepSize: dec("0.001"), minQty: dec("0.001"), maxQty: dec("1000"), marketMaxQty: dec("120"),
            minNotional: dec("100"))

        /// ETHUSDT: tick 0.01, step 0.001, minQty 0.001, maxQty 10000 (market 2000), notional 20.
        public static let ethusdt = SymbolSpec(
            symbol: "ETHUSDT", baseAsset: "ETH", pricePrecision: 2, quantityPrecision: 3,
            tickSize: dec("0.01"), minPrice: dec("0.01"), maxPrice: dec("306177"),
            stepSize: dec("0.001"), minQty: dec("0.001"), maxQty: dec("10000"), marketMaxQty: dec("2000"),
            minNotional: dec("20"))

        /// LTCUSDT: tick 0.01, step 0.001, minQty 0.001, maxQty 100000 (market 5000), notional 20.
        public static let ltcusdt = SymbolSpec(
            symbol: "LTCUSDT", baseAsset: "LTC", pricePrecision: 2, quantityPrecision: 3,
            tickSize: dec("0.01"), minPrice: dec("0.01"), maxPrice: dec("100000"),
            stepSize: dec("0.001"), minQty: dec("0.001"), maxQty: dec("100000"), marketMaxQty: dec("5000"),
            minNotional: dec("20"))

        /// DOGEUSDT: tick 0.00001, step 1, minQty 1, maxQty 50000000 (market 30000000), notional 5.
        public static let dogeusdt = SymbolSpec(
            symbol: "DOGEUSDT", baseAsset: "DOGE", pricePrecision: 6, quantityPrecision: 0,
            tickSize: dec("0.00001"), minPrice: dec("0.00001"), maxPrice: dec("30"),
            stepSize: dec("1"), minQty: dec("1"), maxQty: dec("50000000"), marketMaxQty: dec("30000000"),
            minNotional: dec("5"))
    }

    /// Everything configurable about a server instance; the defaults are Binance's own numbers.
    public struct Options: Sendable {
        /// Port to bind on 127.0.0.1; 0 picks an ephemeral port.
        public var port: UInt16 = 0
        /// Markets served, each with its own filters, prices (candles) and margin type per account; one wallet.
        public var symbols: [SymbolSpec] = [.btcusdt, .ethusdt, .ltcusdt, .dogeusdt]
        public var makerFeeRate: Decimal = dec("0.0002")
        public var takerFeeRate: Decimal = dec("0.0005")
        public var defaultLeverage: Int = 20
        /// Largest recvWindow accepted (Binance: 60000); larger values get -1130.
        public var maxRecvWindow: Int64 = 60_000
        /// REQUEST_WEIGHT per rolling minute (Binance: 2400).
        public var weightLimitPerMinute: Int = 2400
        /// ORDERS per rolling minute / 10 s per account (Binance: 1200 / 300).
        public var orderLimitPerMinute: Int = 1200
        public var orderLimitPer10s: Int = 300
        /// After this many requests refused with 429, the next one gets an IP ban (418).
        public var requestsAfter429BeforeBan: Int = 5
        /// Length of an automatic ban, seconds (Binance starts at 2 minutes).
        public var autoBanSeconds: Int = 120
        /// Initial server time (ms since epoch). Nil: the current wall time.
        public var startTimeMs: Int64? = nil
        /// True: the clock moves with wall time from its start; false: it moves only by set/advance.
        public var clockRunning: Bool = true
        /// Longest a request may take, seconds: a latency fault beyond it is answered 500 at this point (the
        /// request is still executed), and a keep-alive connection idle this long is closed.
        public var handlerTimeoutSeconds: Double = 300

        public init() {}

        public func spec(_ symbol: String) -> SymbolSpec? { symbols.first { $0.symbol == symbol } }
    }
}

/// Decimal from a literal known to be valid at compile time (falls back to 0, never crashes).
func dec(_ text: String) -> Decimal { WireDecimal.parse(text) ?? 0 }
