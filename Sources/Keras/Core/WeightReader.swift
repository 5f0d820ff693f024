/// Hands a layer builder its saved weights, one by one, in the order Keras lists `layer.weights`.
///
/// The two file formats organise weights differently (`.keras`: `layers/<class>_<n>/[child/]vars/<i>`;
/// legacy `.h5`: a flat `weight_names` list per layer). The loader hides that behind this class: builders
/// ask for `take(...)` in `layer.weights` order, and for nested layers first call `child("forward_layer")`,
/// `child("cell")`, … with the Keras attribute name. Shapes are checked on every take, and `finish()`
/// refuses weights nobody asked for.
public final class WeightReader {
    /// A stored tensor: its path in the file (for errors), its shape, its values as float32 row-major.
    public struct Tensor {
        public var path: String
        public var shape: [Int]
        public var values: [Float]
        public init(path: String, shape: [Int], values: [Float]) {
            self.path = path
            self.shape = shape
            self.values = values
        }
    }

    /// One node of the weight tree: own variables in order, plus named children (Keras attribute names).
    public final class Node {
        public var vars: [Tensor]
        public var children: [String: Node]
        /// For formats with no child structure (legacy `.h5`), children share the parent's cursor.
        public let flat: Bool
        var cursor = 0
        public init(vars: [Tensor], children: [String: Node] = [:], flat: Bool) {
            self.vars = vars
            self.children = children
            self.flat = flat
        }
    }

    public let file: String
    public let location: String
    let node: Node

    public init(file: String, location: String, node: Node) {
        self.file = file
        self.location = location
        self.node = node
    }

    /// Weights for a layer that has none.
    public static func empty(file: String, location: String) -> WeightReader {
        WeightReader(file: file, location: location, node: Node(vars: [], flat: true))
    }

    func error(_ message: String) -> KerasError {
        KerasError(.badWeights, file: file, location: location, message)
    }

    /// The next weight, which must have `shape`. `label` names it in errors ("kernel", "recurrent_kernel", …).
    public func take(_ label: String, shape: [Int]) throws -> [Float] {
        guard node.cursor < node.vars.count else {
            throw error("weight '\(label)' \(shape) is missing from the file; the file does not match its config")
        }
        let t = node.vars[node.cursor]
        guard t.shape == shape else {
            throw error("weight '\(label)' at '\(t.path)' has shape \(t.shape), expected \(shape)")
        }
        guard t.values.count == shape.elementCount else {
            throw error("weight '\(label)' at '\(t.path)' holds \(t.values.count) values, expected \(shape.elementCount)")
        }
        node.cursor += 1
        return t.values
    }

    /// Shape of the next weight without consuming it (e.g. to learn `units` from a kernel). Nil when none is left.
    public func peekShape() -> [Int]? {
        node.cursor < node.vars.count ? node.vars[node.cursor].shape : nil
    }

    /// Weights of a nested layer held in attribute `attribute` (`cell`, `forward_layer`, `query_dense`, …).
    public func child(_ attribute: String) throws -> WeightReader {
        if node.flat { return WeightReader(file: file, location: location, node: node) }
        guard let c = node.children[attribute] else {
            throw error("weights of '\(attribute)' are missing from the file")
        }
        return WeightReader(file: file, location: "\(location)/\(attribute)", node: c)
    }

    /// Fails when the file holds weights no builder asked for: the model would not be what the file says.
    public func finish() throws {
        if node.cursor < node.vars.count {
            let extra = node.vars[node.cursor...].map(\.path).joined(separator: ", ")
            throw error("the file holds weights this layer does not use: \(extra)")
        }
        if !node.flat {
            for (name, child) in node.children.sorted(by: { $0.key < $1.key }) {
                try WeightReader(file: file, location: "\(location)/\(name)", node: child).finish()
            }
        }
    }
}
