/// Reading `MinMaxScaler`s out of an unpickled value: sklearn's `__dict__` state, and the arrangements the
/// training code may write (dict keyed by column index or by column name, list/tuple, or one scaler fitted on all
/// columns).
enum ScalerPickleDecoding {
    static func columns(from root: PickleValue, file: String) throws -> [ColumnScaler] {
        func fail(_ what: String) -> ScalerError { ScalerError(file: file, kind: .notScalers(what)) }

        func singleColumn(_ value: PickleValue, label: String) throws -> ColumnScaler {
            guard case .object(.minMaxScaler, let state) = value else {
                throw fail("\(label) is a \(value.kindName), not a MinMaxScaler")
            }
            let scaler = try scaler(state: state, file: file, label: label)
            guard scaler.featuresIn == 1 else {
                throw fail("\(label) was fitted on \(scaler.featuresIn) features but a per-column scaler needs exactly 1")
            }
            return scaler.column(0)
        }

        switch root {
        case let .object(.minMaxScaler, state):
            return try scaler(state: state, file: file, label: "the scaler").columns
        case let .list(items), let .tuple(items):
            guard !items.isEmpty else { throw fail("the pickle holds an empty \(root.kindName)") }
            return try items.enumerated().map { try singleColumn($1, label: "item \($0)") }
        case let .dict(entries):
            guard !entries.isEmpty else { throw fail("the pickle holds an empty dict") }
            // Keyed by column name ({'open': scaler, ...}): columns in the dict's (insertion) order, each named by
            // its key; `ScalerSet.keyedByName` tells users of the set to match columns by name instead.
            if entries.allSatisfy({ if case .string = $0.key { return true } else { return false } }) {
                return try entries.map { entry in
                    guard case let .string(name) = entry.key else { throw fail("dict key \(describe(entry.key)) is not a name") }
                    return try singleColumn(entry.value, label: "entry '\(OneLine.quote(name, limit: 60))'").named(name)
                }
            }
            var byIndex: [Int: ColumnScaler] = [:]
            for entry in entries {
                let key: Int
                switch entry.key {
                case let .int(k): key = k
                default: throw fail("dict key \(describe(entry.key)) is neither a column index nor (with all other keys) a column name")
                }
                guard key >= 0, key < entries.count else {
                    throw fail("dict key \(key) is outside 0..<\(entries.count): column indices must be 0, 1, 2, ... without gaps")
                }
                byIndex[key] = try singleColumn(entry.value, label: "entry \(key)")
            }
            return try (0..<entries.count).map { i in
                guard let c = byIndex[i] else { throw fail("dict has no entry for column \(i)") }
                return c
            }
        default:
            throw fail("the pickle holds a \(root.kindName)")
        }
    }

    static func describe(_ key: PickleValue) -> String {
        if case let .string(s) = key { return "'\(OneLine.quote(s, limit: 60))'" }
        return "of type \(key.kindName)"
    }

    /// Builds a `MinMaxScaler` from its pickled `__dict__`.
    static func scaler(state: PickleValue?, file: String, label: String) throws -> MinMaxScaler {
        func bad(_ field: String, _ problem: String) -> ScalerError {
            ScalerError(file: file, kind: .badField(field: label == "the scaler" ? field : "\(label).\(field)", problem: problem))
        }
        guard let state, case .dict = state else {
            throw ScalerError(file: file, kind: .notScalers("\(label) has no fitted state (was it fitted before saving?)"))
        }

        func number(_ v: PickleValue) -> Double? {
            switch v {
            case let .int(i): return Double(exactly: i)
            case let .float(d): return d
            case let .bool(b): return b ? 1 : 0
            default: return nil
            }
        }

        // feature_range
        let range: (min: Double, max: Double)
        switch state["feature_range"] {
        case nil: range = (0, 1)
        case let .tuple(items)?, let .list(items)?:
            guard items.count == 2, let lo = number(items[0]), let hi = number(items[1]), lo.isFinite, hi.isFinite, lo < hi else {
                throw bad("feature_range", "must be two finite numbers (min < max)")
            }
            range = (lo, hi)
        case let other?:
            throw bad("feature_range", "is a \(other.kindName), not a (min, max) tuple")
        }

        // clip (absent before scikit-learn 0.24: no clipping)
        var clip = false
        if let c = state["clip"] {
            guard case let .bool(b) = c else { throw bad("clip", "is a \(c.kindName), not a bool") }
            clip = b
        }

        func array(_ field: String) throws -> [Double] {
            guard let v = state[field] else {
                throw bad(field, "is missing (was the scaler fitted before saving?)")
            }
            guard case let .array(a) = v else { throw bad(field, "is a \(v.kindName), not a numpy array") }
            guard a.shape.count <= 1, a.dtype.kind == .float, let values = a.exactDoubles else {
                throw bad(field, "is a \(v.kindName); expected a 1-D float array")
            }
            guard values.allSatisfy({ $0.isFinite }) else {
                throw bad(field, "holds NaN or infinity (a column with no finite values was fitted)")
            }
            return values
        }
        let dataMin = try array("data_min_")
        let dataMax = try array("data_max_")
        let dataRange = try array("data_range_")
        let scale = try array("scale_")
        let min = try array("min_")
        let n = scale.count
        guard n > 0 else { throw bad("scale_", "is empty") }
        for (field, values) in [("data_min_", dataMin), ("data_max_", dataMax), ("data_range_", dataRange), ("min_", min)]
        where values.count != n {
            throw bad(field, "has \(values.count) values but scale_ has \(n)")
        }
        guard scale.allSatisfy({ $0 != 0 }) else { throw bad("scale_", "holds 0, so inverse_transform is undefined") }

        if let f = state["n_features_in_"] {
            guard case let .int(k) = f, k == n else { throw bad("n_features_in_", "does not match the \(n) fitted values") }
        }

        var samples: Int?
        switch state["n_samples_seen_"] {
        case nil: samples = nil
        case let .int(k)?: samples = k
        case let .array(a)?:
            if case let .int(v) = a.elements, let first = v.first, v.allSatisfy({ $0 == first }) {
                samples = Int(first)
            } else {
                throw bad("n_samples_seen_", "is not an integer")
            }
        case let other?: throw bad("n_samples_seen_", "is a \(other.kindName), not an integer")
        }

        var names: [String]?
        if let v = state["feature_names_in_"] {
            guard case let .array(a) = v, case let .object(items) = a.elements, items.count == n else {
                throw bad("feature_names_in_", "is not an array of \(n) names")
            }
            names = try items.map { item in
                guard case let .string(s) = item else { throw bad("feature_names_in_", "holds a non-string") }
                return s
            }
        }

        var version: String?
        if case let .string(s)? = state["_sklearn_version"] { version = s }

        let scaler = MinMaxScaler(featureRange: range, clip: clip, dataMin: dataMin, dataMax: dataMax, dataRange: dataRange,
                                  scale: scale, min: min, samplesSeen: samples, featureNames: names, sklearnVersion: version)
        for (i, column) in scaler.columns.enumerated() where !ScalerConsistency.holds(column) {
            throw bad(n == 1 ? "scale_" : "scale_[\(i)]",
                      "or min_ / data_range_ does not follow from data_min_, data_max_ and feature_range as scikit-learn computes them (corrupt or edited file)")
        }
        return scaler
    }
}
