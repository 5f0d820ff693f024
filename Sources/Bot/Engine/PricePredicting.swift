import Exchange

/// Anything that turns a window of closed candles into a predicted price. The native `Predictor` is the real one;
/// the protocol lets the backtester batch predictions and lets tests pin a prediction to exercise the Trader.
public protocol PricePredicting: AnyObject, Sendable {
    var windowSize: Int { get }
    func predict(_ candles: [Candle]) throws -> Double
    /// A warning when the window's inputs lie outside what the model's scalers were fitted on (nil: none, or unknown).
    func inputWarning(_ candles: [Candle]) -> String?
}

extension PricePredicting {
    public func inputWarning(_ candles: [Candle]) -> String? { nil }
}

extension Predictor: PricePredicting {}
