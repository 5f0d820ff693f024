import Bot
import Exchange
import Foundation
import Scaling

/// What evaluate and backtest share: the configuration (with command-line overrides), the candle file, the bot's
/// predictor, and the honesty checks.
public struct OfflineSetup {
    public var config: BotConfig
    public var input: CandleInput
    public var predictor: Predictor
    /// max − min of the target column as the fitted scaler saw it (for the min-max-scaled RMSE).
    public var targetScaleRange: Double?
    public var metadata: (path: String, metadata: ModelMetadata)?
    /// The data's symbol and interval against the configuration and the training record.
    public var identity: DataIdentity
    public var warnings: [String]

    /// - Parameter overrides: config keys set on the command line (MODEL_PATH, SCALERS_PATH, …).
    public static func load(configPath: String?, overrides: [String: String], input: CandleInput,
                            maxBatch: Int = 4096) throws -> OfflineSetup {
        var overrides = overrides
        overrides["INTERVAL"] = input.timeframe.name        // the file decides the interval
        let loaded = try ConfigLoader(path: configPath, overrides: overrides).load()
        var config = loaded.config
        // With SYMBOLS the loader names the first symbol; a per-symbol run (SYMBOL=…) checks its own file's identity.
        if let wanted = overrides["SYMBOL"], config.symbolConfigs.contains(where: { $0.symbol == wanted }) { config.symbol = wanted }
        var warnings = loaded.warnings + input.gapWarnings()
        let predictor = try Predictor.load(config: config, maxBatch: maxBatch)
        let scalers = try Predictor.loadScalers(path: config.scalersPath)
        var range: Double?
        if config.targetColumnIndex < scalers.count {
            let s = scalers[config.targetColumnIndex]
            let width = s.featureMax - s.featureMin
            if s.dataRange > 0, width > 0 { range = s.dataRange / width }
        }
        let metadata = try ModelMetadata.near(modelPath: config.modelPath)
        let identity = DataIdentity.resolve(file: input.path, fileSymbol: input.symbol, interval: input.timeframe.name,
                                            configSymbol: config.symbol, metadata: metadata)
        warnings += identity.warnings
        if let m = metadata?.metadata {
            if let t = m.targetColumn, t != config.targetColumn {
                warnings.append("TARGET_COLUMN is \(config.targetColumn) but the model was trained to predict \(t) (\(metadata?.path ?? ""))")
            }
        } else {
            warnings.append("no training record next to \(config.modelPath) (model.json): cannot check whether this period was used for training")
        }
        return OfflineSetup(config: config, input: input, predictor: predictor, targetScaleRange: range,
                            metadata: metadata, identity: identity, warnings: warnings)
    }

    /// Honesty guard for the period [from, to] (ms) the figures are computed over.
    /// Applies only when the candles are the market and interval the model was trained on.
    public func overlapWarnings(from: Int64, to: Int64, what period: String = "evaluated") -> [String] {
        guard let m = metadata, identity.sameMarketAsModel else { return [] }
        return OverlapGuard.warnings(from: from, to: to, metadata: m.metadata, source: m.path, what: period, parse: { UTCTime.parse($0) })
    }
}
