import ArgumentParser
import Foundation
import Keras

/// `trading-bot model …`: look inside a saved Keras model and run it on windows from a JSON file.
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Inspect a Keras model file (.keras or legacy .h5) or run it natively.",
        subcommands: [Inspect.self, Predict.self]
    )

    /// Prints one line on stderr and exits 1: every failure of these commands is a single readable line.
    static func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data(("error: " + message + "\n").utf8))
        return ExitCode.failure
    }

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "inspect",
            abstract: "Summary like Keras' model.summary(): layers, output shapes, parameters, inputs.")

        @Argument(help: "Path to a .keras or .h5 model file.")
        var path: String

        func run() throws {
            let summary: ModelSummary
            do { summary = try KerasModel.inspect(path: path) } catch { throw ModelCommand.fail("\(error)") }
            print(summary.description)
        }
    }

    struct Predict: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "predict",
            abstract: "Run the model on windows of already-scaled features; prints one array of raw outputs per window.",
            discussion: """
            --input holds a JSON array of windows; each window is an array of rows of features matching the model's \
            input shape (e.g. 5 rows of 5 features). The output is a JSON array with, per window, the model's raw \
            outputs flattened, printed with full float32 precision.
            """)

        @Argument(help: "Path to a .keras or .h5 model file.")
        var path: String

        @Option(name: .long, help: "JSON file: an array of windows (arrays of rows of scaled features).")
        var input: String

        func run() throws {
            // The windows are read first: a model saved with a variable time axis (keras.Input((None, 5))) is built
            // for their length. Errors about the input file still come after the model's own.
            let root = WindowFile.parse(input)
            let model: KerasModel
            do { model = try KerasModel.load(path: path, variableDimensions: root.flatMap(WindowFile.firstWindowShape).map { [$0] }) } catch {
                throw ModelCommand.fail("\(error)")
            }
            let windows: [Float]
            let count: Int
            do { (windows, count) = try WindowFile.read(input, shape: model.inputShapes, root: root) } catch {
                throw ModelCommand.fail("\(error)")
            }
            let outputs: [[Float]]
            do { outputs = try model.predictAll(inputs: [windows], batch: count) } catch { throw ModelCommand.fail("\(error)") }
            var text = "["
            for w in 0..<count {
                text += w == 0 ? "[" : ", ["
                var first = true
                for (k, out) in outputs.enumerated() {
                    let per = model.outputShapes[k].reduce(1, *)
                    for v in out[(w * per)..<((w + 1) * per)] {
                        text += first ? "" : ", "
                        first = false
                        text += v.isFinite ? v.description : "null"
                    }
                }
                text += "]"
            }
            print(text + "]")
        }
    }
}

/// Reads `--input` files: a JSON array of windows, each a nested array whose numbers fill one model input.
enum WindowFile {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// The parsed file, or nil when it cannot be read or parsed (`read` then reports why).
    static func parse(_ path: String) -> JSONValue? {
        FileManager.default.contents(atPath: path).flatMap { try? JSONValue.parse($0) }
    }

    /// The nested-array dimensions of the first window (e.g. [5, 5]), following first elements; nil if not an array.
    static func firstWindowShape(_ root: JSONValue) -> [Int]? {
        guard var v = root.arrayValue?.first else { return nil }
        var dims: [Int] = []
        while let a = v.arrayValue, let first = a.first {
            dims.append(a.count)
            v = first
        }
        return dims.isEmpty ? nil : dims
    }

    static func read(_ path: String, shape inputShapes: [[Int]], root parsed: JSONValue? = nil) throws -> (values: [Float], count: Int) {
        guard inputShapes.count == 1 else {
            throw Failure(description: "\(path): the model takes \(inputShapes.count) inputs; model predict supports single-input models")
        }
        let shape = inputShapes[0]
        let per = shape.reduce(1, *)
        let root: JSONValue
        if let parsed {
            root = parsed
        } else {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw Failure(description: "\(path): cannot read the input file (missing, a directory, or unreadable)")
            }
            do { root = try JSONValue.parse(data) } catch {
                throw Failure(description: "\(path): not valid JSON (\(error))")
            }
        }
        guard let windows = root.arrayValue, !windows.isEmpty else {
            throw Failure(description: "\(path): expected a non-empty JSON array of windows")
        }
        var values: [Float] = []
        values.reserveCapacity(windows.count * per)
        for (w, window) in windows.enumerated() {
            let start = values.count
            guard flatten(window, shape: shape[...], into: &values) else {
                throw Failure(description: "\(path): window \(w) does not have the model's input shape \(shape) (nested arrays of numbers)")
            }
            for k in start..<values.count where !values[k].isFinite {
                throw Failure(description: "\(path): window \(w) holds a number that is not finite in float32")
            }
        }
        return (values, windows.count)
    }

    /// Appends the numbers of `v`, which must be nested arrays exactly of `shape`.
    private static func flatten(_ v: JSONValue, shape: ArraySlice<Int>, into out: inout [Float]) -> Bool {
        guard let first = shape.first else {
            guard let d = v.doubleValue else { return false }
            out.append(Float(d))
            return true
        }
        guard let a = v.arrayValue, a.count == first else { return false }
        for e in a where !flatten(e, shape: shape.dropFirst(), into: &out) { return false }
        return true
    }
}
