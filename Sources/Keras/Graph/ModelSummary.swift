/// A Keras-style summary of a loaded model (what `trading-bot model inspect` prints).
public struct ModelSummary: CustomStringConvertible {
    public struct Row {
        public var name: String
        public var className: String
        public var outputShape: Shape
        public var parameters: Int
        /// Axes (batch excluded) whose size follows a variable input dimension: printed as `None`.
        public var variableAxes: Set<Int> = []
    }

    public var rows: [Row]
    public var totalParameters: Int
    /// Weights training never updates: BatchNormalization statistics and every weight of a frozen layer.
    public var nonTrainableParameters: Int
    public var inputs: [(name: String, shape: Shape, dtype: String)]
    public var outputShapes: [Shape]
    /// Variable axes of each input and output (see `Row.variableAxes`).
    public var inputVariableAxes: [Set<Int>] = []
    public var outputVariableAxes: [Set<Int>] = []
    public var format: ModelFormat
    public var modelKind: String
    public var metadata: [String: String]

    init(model: KerasModel) {
        let plan = model.plan
        var rows: [Row] = []
        if model.modelKind == "Functional" {
            rows += plan.inputs.map { Row(name: $0.name, className: "InputLayer", outputShape: $0.shape, parameters: 0) }
        }
        rows += plan.steps.map {
            Row(name: $0.layer.name, className: $0.layer.className, outputShape: plan.slotShapes[$0.outputSlot], parameters: $0.layer.parameterCount)
        }
        self.rows = rows
        totalParameters = plan.parameterCount
        nonTrainableParameters = plan.nonTrainableParameterCount
        inputs = plan.inputs.map { ($0.name, $0.shape, $0.dtype) }
        outputShapes = model.outputShapes
        format = model.format
        modelKind = model.modelKind
        metadata = model.metadata
    }

    /// This summary with every dimension that differs from `other` (the same model built at another input size)
    /// marked variable.
    func markingVariableDimensions(comparedTo other: ModelSummary) -> ModelSummary {
        func differing(_ a: Shape, _ b: Shape) -> Set<Int> { Set(a.indices.filter { $0 >= b.count || a[$0] != b[$0] }) }
        var marked = self
        for i in marked.rows.indices where i < other.rows.count {
            marked.rows[i].variableAxes = differing(rows[i].outputShape, other.rows[i].outputShape)
        }
        marked.inputVariableAxes = zip(inputs, other.inputs).map { differing($0.shape, $1.shape) }
        marked.outputVariableAxes = zip(outputShapes, other.outputShapes).map { differing($0, $1) }
        return marked
    }

    static func describe(_ shape: Shape, variable: Set<Int>) -> String {
        "(None" + shape.indices.map { variable.contains($0) ? ", None" : ", \(shape[$0])" }.joined() + ")"
    }

    /// A table in the layout of Keras' `model.summary()`.
    public var description: String {
        let header = ["Layer (type)", "Output Shape", "Param #"]
        let cells = rows.map { ["\($0.name) (\($0.className))", Self.describe($0.outputShape, variable: $0.variableAxes), String($0.parameters)] }
        var widths = header.map(\.count)
        for c in cells { for k in 0..<3 { widths[k] = max(widths[k], c[k].count) } }
        func line(_ c: [String]) -> String {
            c[0].padding(widths[0]) + "  " + c[1].padding(widths[1]) + "  " + String(repeating: " ", count: widths[2] - c[2].count) + c[2]
        }
        let rule = String(repeating: "─", count: widths.reduce(4, +))
        var out = ["Model: \(modelKind) (\(format == .kerasArchive ? ".keras" : "legacy .h5")"
                   + (metadata["keras_version"].map { ", keras_version \($0)" } ?? "") + ")"]
        out.append(rule)
        out.append(line(header))
        out.append(rule)
        out += cells.map(line)
        out.append(rule)
        out.append("Total params: \(totalParameters) (\(totalParameters * 4) bytes as float32)")
        out.append("Trainable params: \(totalParameters - nonTrainableParameters)")
        out.append("Non-trainable params: \(nonTrainableParameters)")
        for (k, i) in inputs.enumerated() {
            let shape = Self.describe(i.shape, variable: k < inputVariableAxes.count ? inputVariableAxes[k] : [])
            out.append("Input '\(i.name)': shape \(shape), dtype \(i.dtype)")
        }
        for (k, o) in outputShapes.enumerated() {
            out.append("Output \(k): shape \(Self.describe(o, variable: k < outputVariableAxes.count ? outputVariableAxes[k] : []))")
        }
        return out.joined(separator: "\n")
    }
}

private extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
