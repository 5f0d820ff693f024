import Bot
import Foundation
import Keras
import Scaling

/// One model of a leaderboard: the Keras file, its training record and its scalers, found by a fixed convention.
///
/// Convention (what `tools/train.py`, `tools/lab/make_lab_fixtures.py` and `tools/study/reproduce.py` write):
/// - `NAME.keras` (or `.h5`) and beside it `NAME.json`, the training record (`models/model.json`'s fields);
/// - the record's `"scalers_file"` names the scalers, relative to the record's folder (`"scalers.pkl"`,
///   `"../scalers/scalers.pkl"`); without it, `NAME.scalers.pkl`, `NAME.scalers.json`, then `scalers.pkl` /
///   `scalers.json` in the same folder;
/// - `"features"`: the input columns in order (default the bot's `[open, high, low, close, volume]`), any of those
///   five; `"scaler_columns"`: the column each scaler of the file was fitted on, when that is not `features`
///   (the study's `["close", "open", "high", "low"]` for inputs `["open", "high", "low"]`);
/// - the window size is the model's input shape and the horizon its output size (the record's `window_size` and
///   `horizon` must agree); the target is the record's `target_column` (default close). Step j of the output
///   forecasts the target j candles after the window's last one.
public struct LabModel {
    public var name: String
    public var modelPath: String
    public var scalersPath: String
    public var record: (path: String, metadata: ModelMetadata)?
    public var windowSize: Int
    public var horizon: Int
    public var features: [String]
    public var targetColumn: String
    /// Candle field of the target (0 open … 4 volume).
    public var targetIndex: Int
    public var model: WindowModel
    /// max − min of the target column as its scaler saw it (for the scaled RMSE).
    public var targetScaleRange: Double?

    /// Loads `path` by the convention above; errors name the file and what to add.
    public static func load(path: String, name: String? = nil, maxBatch: Int = 4096) throws -> LabModel {
        guard FileManager.default.fileExists(atPath: path) else {
            throw LabError(file: path, problem: "no such model file; pass NAME.keras (with NAME.json beside it)")
        }
        let record = try ModelMetadata.near(modelPath: path)
        let recordFile = record?.path ?? path
        let scalersPath = try scalers(for: path, record: record)
        let keras: KerasModel
        do { keras = try KerasModel.load(path: path) } catch { throw LabError(file: path, problem: "\(error)") }
        let fieldNames = WindowModel.fieldNames
        func fields(_ names: [String], _ key: String) throws -> [Int] {
            try names.map { n in
                guard let i = fieldNames.firstIndex(of: n.lowercased()) else {
                    throw LabError(file: recordFile, problem: "\(key) names '\(n)', not one of \(fieldNames.joined(separator: ", "))")
                }
                return i
            }
        }
        let features = record?.metadata.features?.map { $0.lowercased() } ?? fieldNames
        let inputFields = try fields(features, "features")
        guard keras.inputShape.count == 2, keras.inputShape[1] == features.count else {
            let said = record?.metadata.features == nil ? "no \"features\" in the record, so the bot's 5" : "\"features\" in \(recordFile)"
            throw LabError(file: path, problem: "input shape \(keras.inputShape) is not (window, \(features.count) features \(features)) (\(said)); name the model's input columns in \"features\"")
        }
        let window = keras.inputShape[0]
        if let w = record?.metadata.windowSize, w != window {
            throw LabError(file: recordFile, problem: "window_size \(w) but the model's input takes \(window) candles")
        }
        let horizon = keras.outputShape.reduce(1, *)
        if let h = record?.metadata.horizon, h != horizon {
            throw LabError(file: recordFile, problem: "horizon \(h) but the model's output has \(horizon) values (\(keras.outputShape))")
        }
        let target = (record?.metadata.targetColumn ?? "close").lowercased()
        guard let index = fieldNames.firstIndex(of: target) else {
            throw LabError(file: recordFile, problem: "target_column '\(target)' is not one of \(fieldNames.joined(separator: ", "))")
        }
        var scalerSet: ScalerSet
        do { scalerSet = try ScalerSet.load(path: scalersPath) } catch { throw LabError(file: scalersPath, problem: "\(error)") }
        let scalerNames: [String]
        if let named = record?.metadata.scalerColumns { scalerNames = named.map { $0.lowercased() } }
        else if scalerSet.count == features.count { scalerNames = features }
        else if scalerSet.count == fieldNames.count { scalerNames = fieldNames }
        else {
            throw LabError(file: scalersPath, problem: "has \(scalerSet.count) scalers for the \(features.count) features \(features): add \"scaler_columns\" to \(recordFile) naming the column of each scaler in order")
        }
        if scalerSet.keyedByName {
            do { scalerSet = try scalerSet.ordered(by: scalerNames, file: scalersPath) } catch { throw LabError(file: scalersPath, problem: "\(error)") }
        }
        let model = try WindowModel(model: keras, scalers: scalerSet, scalerFields: try fields(scalerNames, "scaler_columns"),
                                    inputFields: inputFields, targetField: index, modelPath: path, scalersPath: scalersPath, maxBatch: maxBatch)
        let s = model.targetScaler
        let width = s.featureMax - s.featureMin
        let range: Double? = s.dataRange > 0 && width > 0 ? s.dataRange / width : nil
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return LabModel(name: name ?? stem, modelPath: path, scalersPath: scalersPath, record: record, windowSize: window,
                        horizon: horizon, features: features, targetColumn: target, targetIndex: index, model: model,
                        targetScaleRange: range)
    }

    /// Every model of `paths` that loads, and one line per file that does not (the file and why), so one broken
    /// file in a folder does not hide the others. Throws only when none loads.
    public static func loadUsable(paths: [String], names: [String], maxBatch: Int = 4096) throws -> (models: [LabModel], skipped: [LabError]) {
        var models: [LabModel] = [], skipped: [LabError] = []
        for (p, n) in zip(paths, names) {
            do { models.append(try load(path: p, name: n, maxBatch: maxBatch)) }
            catch let e as LabError { skipped.append(LabError(file: p, problem: oneLine(e.file == p ? e.problem : e.description))) }
            catch { skipped.append(LabError(file: p, problem: oneLine("\(error)"))) }
        }
        guard !models.isEmpty else {
            throw LabError(file: paths.count == 1 ? paths[0] : "\(paths.count) models", problem: "none is usable: " + skipped.map(\.description).joined(separator: "; "))
        }
        return (models, skipped)
    }

    static func oneLine(_ s: String) -> String { s.split(whereSeparator: \.isNewline).joined(separator: " ") }

    /// The scalers file of `modelPath` by the convention; throws naming every place looked at.
    public static func scalers(for modelPath: String, record: (path: String, metadata: ModelMetadata)?) throws -> String {
        let absolute = modelPath.hasPrefix("/") ? modelPath : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(modelPath)
        let url = URL(fileURLWithPath: (absolute as NSString).standardizingPath)
        let dir = url.deletingLastPathComponent()
        if let named = record?.metadata.scalersFile {
            let p = named.hasPrefix("/") ? named : dir.appendingPathComponent(named).standardized.path
            guard FileManager.default.fileExists(atPath: p) else {
                throw LabError(file: record?.path ?? modelPath, problem: "scalers_file '\(named)' does not exist (\(p))")
            }
            return p
        }
        let stem = url.deletingPathExtension().lastPathComponent
        let candidates = ["\(stem).scalers.pkl", "\(stem).scalers.json", "scalers.pkl", "scalers.json"].map { dir.appendingPathComponent($0).path }
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) { return found }
        throw LabError(file: modelPath, problem: "no scalers found: add \"scalers_file\" to \(stem).json or put one of \(candidates.joined(separator: ", ")) beside it")
    }

    /// Every `*.keras` / `*.h5` file under `folder` (recursively), sorted by path.
    public static func discover(folder: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LabError(file: folder, problem: "is not a folder of models")
        }
        let root = URL(fileURLWithPath: folder)
        let found = (FileManager.default.enumerator(atPath: folder)?.compactMap { $0 as? String } ?? [])
            .filter { $0.hasSuffix(".keras") || $0.hasSuffix(".h5") }
            .map { root.appendingPathComponent($0).path }
            .sorted()
        guard !found.isEmpty else { throw LabError(file: folder, problem: "holds no .keras or .h5 model") }
        return found
    }

    /// Short unique names: the file stem, with parent folders added while two models share one.
    public static func names(for paths: [String]) -> [String] {
        var depth = Array(repeating: 1, count: paths.count)
        func name(_ i: Int) -> String {
            let parts = URL(fileURLWithPath: paths[i]).deletingPathExtension().pathComponents
            return parts.suffix(depth[i]).joined(separator: "/")
        }
        for _ in 0..<6 {
            let current = paths.indices.map(name)
            var changed = false
            for i in paths.indices where current.filter({ $0 == current[i] }).count > 1 { depth[i] += 1; changed = true }
            if !changed { break }
        }
        return paths.indices.map(name)
    }
}

/// A model or folder the lab cannot use: the file and what to change.
public struct LabError: Error, CustomStringConvertible, Encodable {
    public var file: String
    public var problem: String
    public var description: String { "\(file): \(problem)" }
}
