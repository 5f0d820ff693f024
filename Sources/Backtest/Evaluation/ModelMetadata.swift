import Foundation

/// The training record shipped beside the model (`models/model.json`): which period the model and scalers saw.
public struct ModelMetadata: Sendable, Decodable {
    public var trainStart: String?
    public var trainEnd: String?
    public var scalerFitStart: String?
    public var scalerFitEnd: String?
    public var interval: String?
    public var windowSize: Int?
    public var targetColumn: String?
    /// The market the model was trained on ("BTC/USDT"); compared by base asset with the candles' symbol.
    public var symbol: String?
    /// Input feature order, e.g. ["open", "high", "low", "close", "volume"].
    public var features: [String]?
    /// The scalers file, relative to the record's folder ("scalers.pkl", "../scalers/scalers.pkl").
    public var scalersFile: String?
    /// Network family ("lstm", "conv-lstm", …) and training setup, when the training script records them.
    public var family: String?
    public var setup: String?
    public var seed: Int?
    /// Output steps: the model forecasts the target of each of the next `horizon` candles (default 1).
    public var horizon: Int?
    /// The column each scaler of the scalers file was fitted on, in the file's order, when not `features`.
    public var scalerColumns: [String]?

    enum CodingKeys: String, CodingKey {
        case trainStart = "train_start", trainEnd = "train_end", scalerFitStart = "scaler_fit_start"
        case scalerFitEnd = "scaler_fit_end", interval, windowSize = "window_size", targetColumn = "target_column"
        case symbol, features, scalersFile = "scalers_file", family, setup, seed, horizon, scalerColumns = "scaler_columns"
    }

    /// Reads `model.json` next to a model file (`models/model.keras` → `models/model.json`); nil if absent.
    public static func near(modelPath: String) throws -> (path: String, metadata: ModelMetadata)? {
        let url = URL(fileURLWithPath: modelPath).deletingPathExtension().appendingPathExtension("json")
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        do { return (url.path, try JSONDecoder().decode(ModelMetadata.self, from: data)) }
        catch { throw MetadataError(file: url.path, reason: "\(error)") }
    }
}

public struct MetadataError: Error, CustomStringConvertible {
    public var file: String
    public var reason: String
    public var description: String { "\(file): not a valid model record (\(reason)); fix or delete it" }
}

/// The honesty guard: results over data the model or scalers were fitted on flatter the model.
public enum OverlapGuard {
    /// Warnings for every fitted period that overlaps [from, to] (ms): the span of the *predicted* candles (inputs
    /// reaching back into the fitted period are no leak; targets inside it are). `parse` turns the record's ISO text into ms.
    public static func warnings(from: Int64, to: Int64, metadata: ModelMetadata, source: String, what period: String = "evaluated",
                                parse: (String) -> Int64?) -> [String] {
        var out: [String] = []
        func check(_ what: String, _ s: String?, _ e: String?) {
            guard let s, let e, let ps = parse(s), let pe = parse(e) else { return }
            let lo = max(from, ps), hi = min(to, pe)
            guard lo <= hi else { return }
            let iso = { (t: Int64) in AxisTicks.format(t, "yyyy-MM-dd") }
            out.append("the \(period) period overlaps the \(what) (\(s) … \(e), from \(source)) from \(iso(lo)) to \(iso(hi)): figures over that part are in-sample and flatter the model")
        }
        check("model's training period", metadata.trainStart, metadata.trainEnd)
        check("scalers' fit period", metadata.scalerFitStart, metadata.scalerFitEnd)
        return out
    }
}
