/// Weights of a Keras 3 `.keras` archive: `model.weights.h5` holds `layers/<group>/[<attribute>/…]vars/<i>`.
///
/// Group names are not the layer names of config.json: Keras names each layer of a model's `layers` list after its
/// class in snake_case, with a per-model counter for repeats (`dense`, `dense_1`, …). `groupNames` reproduces that
/// rule; the loader then checks that every weight-holding group was claimed by some layer.
struct ArchiveWeights {
    let h5: HDF5File
    let file: String

    /// Keras' `naming.to_snake_case`: `Conv1D` → `conv1d`, `MultiHeadAttention` → `multi_head_attention`,
    /// `ConvLSTM1D` → `conv_lstm1d`.
    static func snakeCase(_ name: String) -> String {
        let s = Array(name.unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" })
        func isUpper(_ c: Unicode.Scalar) -> Bool { ("A"..."Z").contains(c) }
        func isLower(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) }
        // re.sub("(.)([A-Z][a-z]+)", r"\1_\2"): an underscore before every capital that starts a lowercase run,
        // except at the very start. Matches do not overlap, so scan left to right as the regex engine does.
        var first: [Unicode.Scalar] = []
        var k = 0
        while k < s.count {
            if k + 2 < s.count, isUpper(s[k + 1]), isLower(s[k + 2]) {
                first.append(s[k]); first.append("_"); first.append(s[k + 1])
                var j = k + 2
                while j < s.count, isLower(s[j]) { first.append(s[j]); j += 1 }
                k = j
            } else {
                first.append(s[k]); k += 1
            }
        }
        // re.sub("([a-z])([A-Z])", r"\1_\2")
        var second: [Unicode.Scalar] = []
        k = 0
        while k < first.count {
            second.append(first[k])
            if k + 1 < first.count, isLower(first[k]), isUpper(first[k + 1]) {
                second.append("_"); second.append(first[k + 1]); k += 2
            } else { k += 1 }
        }
        return String(String.UnicodeScalarView(second)).lowercased()
    }

    /// Group names Keras gives the layers of one `layers` list, in order.
    static func groupNames(forClasses classes: [String]) -> [String] {
        var used: [String: Int] = [:]
        return classes.map { cls in
            let base = snakeCase(cls)
            if let n = used[base] {
                used[base] = n + 1
                return "\(base)_\(n + 1)"
            }
            used[base] = 0
            return base
        }
    }

    /// The weight tree under `path` (a layer group). Missing group → empty node (layers without weights may have none).
    func node(at path: String, depth: Int = 0) throws -> WeightReader.Node {
        guard h5.kind(path) == .group else { return WeightReader.Node(vars: [], flat: false) }
        guard depth < 16 else { throw KerasError(.corruptContainer, file: file, location: "HDF5 '\(path)'", "weight groups nest too deeply; the file is corrupt") }
        var vars: [WeightReader.Tensor] = []
        var children: [String: WeightReader.Node] = [:]
        for name in try h5.children(path) {
            let sub = "\(path)/\(name)"
            if name == "vars" {
                guard h5.kind(sub) == .group else { continue }
                var indexed: [(Int, String)] = []
                for v in try h5.children(sub) {
                    guard let i = Int(v), i >= 0 else {
                        throw KerasError(.badWeights, file: file, location: "HDF5 '\(sub)/\(v)'", "unexpected entry in a vars group (expected 0, 1, 2, …)")
                    }
                    indexed.append((i, v))
                }
                indexed.sort { $0.0 < $1.0 }  // numeric: vars/10 comes after vars/9
                for (n, (i, v)) in indexed.enumerated() where i != n {
                    throw KerasError(.badWeights, file: file, location: "HDF5 '\(sub)'", "variable \(n) is missing (found \(v)); the weights file is incomplete")
                }
                for (_, v) in indexed {
                    let p = "\(sub)/\(v)"
                    let (shape, values) = try h5.readFloats(p)
                    vars.append(WeightReader.Tensor(path: p, shape: shape, values: values))
                }
            } else if h5.kind(sub) == .group {
                children[name] = try node(at: sub, depth: depth + 1)
            }
        }
        return WeightReader.Node(vars: vars, children: children, flat: false)
    }

    /// Whether a group holds any variable, directly or in a child (used to spot weights no layer claimed).
    func holdsWeights(_ path: String, depth: Int = 0) throws -> Bool {
        guard depth < 16, h5.kind(path) == .group else { return false }
        for name in try h5.children(path) {
            let sub = "\(path)/\(name)"
            if name == "vars" {
                if h5.kind(sub) == .group, try !h5.children(sub).isEmpty { return true }
            } else if try holdsWeights(sub, depth: depth + 1) { return true }
        }
        return false
    }
}

/// Weights of a legacy `.h5`: group `model_weights` (attribute `layer_names`), one group per layer named as in the
/// config with attribute `weight_names` listing its tensors in `layer.weights` order. Weight names carry global
/// counters (`lstm_3/lstm_cell_3/kernel:0`), so only their order is used, never their names.
struct LegacyWeights {
    let h5: HDF5File
    let file: String
    let root: String
    let layerNames: [String]

    init(h5: HDF5File, file: String) throws {
        self.h5 = h5
        self.file = file
        if h5.kind("model_weights") == .group {
            root = "model_weights"
        } else {
            root = ""
        }
        guard let names = try h5.stringsAttribute(root, "layer_names") else {
            throw KerasError(.badWeights, file: file, location: "HDF5 '\(root.isEmpty ? "/" : root)'", "has no 'layer_names' attribute: the file holds no Keras weights")
        }
        layerNames = names
    }

    /// The weight paths of layer group `name`, in order (empty when the layer has no group or no weights).
    func weightPaths(_ name: String) throws -> [String] {
        let group = root.isEmpty ? name : "\(root)/\(name)"
        guard layerNames.contains(name), h5.kind(group) == .group else { return [] }
        let names = try h5.stringsAttribute(group, "weight_names") ?? []
        return names.map { "\(group)/\($0)" }
    }

    /// A flat reader node over the given dataset paths.
    func node(paths: [String]) throws -> WeightReader.Node {
        let vars = try paths.map { p -> WeightReader.Tensor in
            let (shape, values) = try h5.readFloats(p)
            return WeightReader.Tensor(path: p, shape: shape, values: values)
        }
        return WeightReader.Node(vars: vars, flat: true)
    }
}
