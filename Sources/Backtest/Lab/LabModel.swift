import Bot
import Foundation
import Keras

/// One model of a leaderboard: the Keras file, its training record and its scalers, found by a fixed convention.
///
/// Convention (what `tools/train.py`, `tools/lab/make_lab_fixtures.py` and `tools/study/reproduce.py` write):
/// - `NAME.keras` (or `.h5`) and beside it `NAME.json`, the training record (`models/model.json`'s fields);
/// - the record's `"scalers_file"` names the scalers, relative to the record's folder (`"scalers.pkl"`,
///   `"../scalers/scalers.pkl"`); without it, `NAME.scalers.pkl`, `NAME.scalers.json`, then `scalers.pkl` /
///   `scalers.json` in the same folder;
/// - the window size is the model's input shape (the record's `window_size` must agree); the target is the
///   record's `target_column` (default close); inputs must be `[open, high, low, close, volume]` candles.
public struct LabModel {
    public var name: String
    public var modelPath: String
    public var scalersPath: String
    public var record: (path: String, metadata: ModelMetadata)?
    public var windowSize: Int
    public var targetColumn: String
    public var targetIndex: Int
    public var predictor: Predictor
    /// max − min of the target column as its scaler saw it (for the scaled RMSE).
    public var targetScaleRange: Double?

    /// Loads `path` by the convention above; errors name the file and what to add.
    public static func load(path: String, name: String? = nil, maxBatch: Int = 4096) throws -> LabModel {
        guard FileManager.default.fileExists(atPath: path) else {
            throw LabError(file: path, problem: "no such model file; pass NAME.keras (with NAME.json beside it)")
        }
        let record = try ModelMetadata.near(modelPath: path)
        let scalersPath = try scalers(for: path, record: record)
        let model: KerasModel
        do { model = try KerasModel.load(path: path) } catch { throw LabError(file: path, problem: "\(error)") }
        guard model.inputShape.count == 2, model.inputShape[1] == Predictor.features.count else {
            throw LabError(file: path, problem: "input shape \(model.inputShape) is not (window, 5 features [open, high, low, close, volume]); the leaderboard runs the bot's kind of model only")
        }
        let window = model.inputShape[0]
        if let features = record?.metadata.features, features.map({ $0.lowercased() }) != Predictor.features {
            throw LabError(file: record?.path ?? path, problem: "features \(features) are not [open, high, low, close, volume] in that order")
        }
        if let w = record?.metadata.windowSize, w != window {
            throw LabError(file: record?.path ?? path, problem: "window_size \(w) but the model's input takes \(window) candles")
        }
        let target = (record?.metadata.targetColumn ?? "close").lowercased()
        guard let index = Predictor.features.firstIndex(of: target) else {
            throw LabError(file: record?.path ?? path, problem: "target_column '\(target)' is not one of open, high, low, close, volume")
        }
        let scalers = try Predictor.loadScalers(path: scalersPath)
        let predictor = try Predictor(model: model, scalers: scalers, windowSize: window, targetColumn: index,
                                      modelPath: path, scalersPath: scalersPath, maxBatch: maxBatch)
        var range: Double?
        if index < scalers.count {
            let s = scalers[index]
            let width = s.featureMax - s.featureMin
            if s.dataRange > 0, width > 0 { range = s.dataRange / width }
        }
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return LabModel(name: name ?? stem, modelPath: path, scalersPath: scalersPath, record: record, windowSize: window,
                        targetColumn: target, targetIndex: index, predictor: predictor, targetScaleRange: range)
    }

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
public struct LabError: Error, CustomStringConvertible {
    public var file: String
    public var problem: String
    public var description: String { "\(file): \(problem)" }
}
