import Exchange
import Foundation

/// The project's unified candle (`Exchange.Candle`, Doubles), named here because inside
/// `BinanceTestServer` the name `Candle` means the server's own exact-decimal bar.
public typealias UnifiedCandle = Candle

extension BinanceTestServer {
    /// Serves unified candles: each Double goes through its shortest decimal text (so
    /// 144.5399932861328 stays that number) and prices are then rounded to the tick.
    public func loadCandles(symbol: String, interval: String, candles: [UnifiedCandle]) {
        func d(_ x: Double) -> Decimal { x.isFinite ? (WireDecimal.parse(String(x)) ?? Decimal(x)) : 0 }
        loadCandles(symbol: symbol, interval: interval, candles: candles.map {
            BinanceTestServer.Candle(openTime: $0.timestamp, open: d($0.open), high: d($0.high), low: d($0.low),
                                     close: d($0.close), volume: d($0.volume))
        })
    }
}
