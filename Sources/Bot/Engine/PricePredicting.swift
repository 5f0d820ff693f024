import Exchange

/// Anything that turns a window of closed candles into a predicted price. The native `Predictor` is the real one;
/// the protocol lets the backtester batch predictions and lets tests pin a prediction to exercise the Trader.
public protocol PricePredicting: AnyObject, Sendable {
    var windowSize: Int { get }
    func predict(_ candles: [Candle]) throws -> Double
}

extension Predictor: PricePredicting {}
