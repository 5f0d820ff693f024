import ArgumentParser
import Foundation
import Keras
import Scaling

/// `trading-bot bench`: in-process speed of the native forward pass, measured the way the bot uses it.
///
/// Per-iteration times come from `clock_gettime(CLOCK_MONOTONIC)` (ns) after a real warm-up; the table reports
/// median and tail percentiles, batched throughput, and heap growth per prediction (glibc `mallinfo2`).
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark native inference: one window end to end, forward pass alone, batched throughput, allocations.",
        discussion: """
        Cold-process figure (measure separately, it includes process start):
          /usr/bin/time -v .build/release/trading-bot model predict models/model.keras --input one_window.json
        Build with `swift build -c release --product trading-bot` first: debug builds are ~50x slower.
        """)

    @Option(help: "Model file.") var model = "models/model.keras"
    @Option(help: "Scalers file (pickle or JSON); used for the end-to-end window.") var scalers = "scalers/scalers.pkl"
    @Option(help: "Column whose scaler turns the output back into a price (3 = close).") var targetColumn = 3
    @Option(help: "Timed iterations for single-window figures.") var iterations = 200_000
    @Option(help: "Batch sizes for throughput, comma separated.") var batches = "1024,4096,65536"
    @Option(help: "Minimum seconds per batched measurement.") var seconds = 1.0
    @Option(help: "Samples per pass through the layers for big batches (default: sized for cache).") var tile: Int?
    @Flag(help: "Print JSON instead of a markdown table.") var json = false

    struct Row: Encodable {
        var name: String
        var unit: String
        var median: Double
        var p90: Double?
        var p99: Double?
        var min: Double?
        var note: String
    }

    struct Report: Encodable {
        var model: String
        var machine: String
        var loadMilliseconds: Double
        var rows: [Row]
    }

    static func now() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    /// Times `body` `n` times after `warmUp` calls; returns sorted per-call nanoseconds.
    static func timeEach(_ n: Int, warmUp: Int, _ body: () -> Void) -> [Double] {
        for _ in 0..<warmUp { body() }
        var samples = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let t0 = now()
            body()
            samples[i] = Double(now() - t0)
        }
        samples.sort()
        return samples
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        sorted[min(sorted.count - 1, Int(Double(sorted.count - 1) * p))]
    }

    static func machine() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
              let name = line.split(separator: ":", maxSplits: 1).last else { return "unknown CPU" }
        return "\(name.trimmingCharacters(in: .whitespaces)), \(ProcessInfo.processInfo.activeProcessorCount) cores"
    }

    func run() throws {
        let t0 = Self.now()
        let net: KerasModel
        do { net = try KerasModel.load(path: model) } catch { throw ModelCommand.fail("\(error)") }
        let loadMs = Double(Self.now() - t0) / 1e6
        let scalerSet: ScalerSet?
        do { scalerSet = try ScalerSet.load(path: scalers) } catch {
            FileHandle.standardError.write(Data("note: \(error); end-to-end figure skipped\n".utf8))
            scalerSet = nil
        }
        var rows: [Row] = []
        let perWindow = net.inputShape.reduce(1, *)
        let features = net.inputShape.last ?? 1

        // A realistic raw window: each column inside its scaler's fitted range.
        var raw = [Double](repeating: 0, count: perWindow)
        for i in 0..<perWindow {
            let c = i % features
            let t = Double(i / features + 1) / Double(perWindow / features + 1)
            if let s = scalerSet, c < s.count { raw[i] = s[c].dataMin + t * (s[c].dataMax - s[c].dataMin) } else { raw[i] = t }
        }

        let session = net.makeSession(maxBatch: 1)
        for i in 0..<perWindow { session.input[i] = Float(raw[i] / (raw.max() ?? 1)) }
        var sink: Float = 0

        func heapPerCall(_ n: Int, _ body: () -> Void) -> Double {
            guard HeapUsage.isAvailable else { return .nan }
            body()
            let before = HeapUsage.bytesInUse
            for _ in 0..<n { body() }
            return Double(HeapUsage.bytesInUse - before) / Double(n)
        }

        // Forward pass alone, one window.
        let forward = { session.run(batch: 1); sink += session.output[0] }
        let f = Self.timeEach(iterations, warmUp: min(iterations, 20_000), forward)
        let fHeap = heapPerCall(10_000, forward)
        rows.append(Row(name: "forward pass, 1 window", unit: "µs", median: Self.percentile(f, 0.5) / 1e3,
                        p90: Self.percentile(f, 0.9) / 1e3, p99: Self.percentile(f, 0.99) / 1e3, min: f[0] / 1e3,
                        note: "heap growth \(fHeap) bytes/prediction"))

        // End to end: scale raw candles (float64, sklearn-exact) → forward → inverse of the target column.
        if let s = scalerSet, s.count == features {
            var price: Float = 0
            let target = s[min(targetColumn, s.count - 1)]
            let endToEnd = {
                raw.withUnsafeBufferPointer { s.transform(rows: $0, into: UnsafeMutableBufferPointer(rebasing: session.input[0..<perWindow])) }
                session.run(batch: 1)
                price = target.inverseTransform(session.output[0])
                sink += price
            }
            let e = Self.timeEach(iterations, warmUp: min(iterations, 20_000), endToEnd)
            let eHeap = heapPerCall(10_000, endToEnd)
            rows.append(Row(name: "scale + forward + inverse, 1 window", unit: "µs", median: Self.percentile(e, 0.5) / 1e3,
                            p90: Self.percentile(e, 0.9) / 1e3, p99: Self.percentile(e, 0.99) / 1e3, min: e[0] / 1e3,
                            note: "heap growth \(eHeap) bytes/prediction; last price \(price)"))
        }

        // Batched throughput.
        for b in batches.split(separator: ",").compactMap({ Int($0.trimmingCharacters(in: .whitespaces)) }) where b > 0 {
            let big = net.makeSession(maxBatch: b, tile: tile)
            for i in 0..<big.input.count { big.input[i] = Float((i * 7919) % 1000) / 1000 }
            big.run(batch: b)  // warm-up (touches every buffer)
            var runs = 0
            let start = Self.now()
            var elapsed = 0.0
            var times: [Double] = []
            while elapsed < seconds || runs < 3 {
                let t = Self.now()
                big.run(batch: b)
                times.append(Double(Self.now() - t))
                sink += big.output[0]
                runs += 1
                elapsed = Double(Self.now() - start) / 1e9
            }
            times.sort()
            let grown = heapPerCall(20) { big.run(batch: b) }
            let perSecond = Double(b) / (Self.percentile(times, 0.5) / 1e9)
            rows.append(Row(name: "batched throughput, batch \(b)", unit: "windows/s", median: perSecond, p90: nil, p99: nil,
                            min: nil, note: "tile \(big.tile); heap growth \(grown) bytes/run; \(runs) runs; mean \(Int(Double(b * runs) / elapsed)) windows/s"))
        }

        let report = Report(model: model, machine: Self.machine(), loadMilliseconds: loadMs, rows: rows)
        if json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try enc.encode(report), as: UTF8.self))
        } else {
            print("Model: \(model) (\(net.parameterCount) parameters), loaded in \(String(format: "%.2f", loadMs)) ms")
            print("Machine: \(report.machine)\n")
            print("| measurement | median | p90 | p99 | min | unit | note |")
            print("|---|---:|---:|---:|---:|---|---|")
            func fmt(_ v: Double?) -> String { v.map { $0 >= 1000 ? String(format: "%.0f", $0) : String(format: "%.3f", $0) } ?? "" }
            for r in rows {
                print("| \(r.name) | \(fmt(r.median)) | \(fmt(r.p90)) | \(fmt(r.p99)) | \(fmt(r.min)) | \(r.unit) | \(r.note) |")
            }
        }
        if sink.isNaN { FileHandle.standardError.write(Data("note: the model produced NaN\n".utf8)) }
    }
}
