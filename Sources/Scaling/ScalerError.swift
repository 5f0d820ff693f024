/// Why a scaler file could not be used. The description is one line naming the file and what to do.
public struct ScalerError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        case missingFile
        case isDirectory
        case unreadable(String)
        case emptyFile
        /// Neither `.pkl` / `.pickle` / `.json` nor recognisable content.
        case unknownFormat(String)
        /// The pickle reader refused the bytes (forbidden global, truncation, limits...).
        case pickle(PickleError)
        /// The file parsed but does not hold MinMaxScalers in a supported arrangement.
        case notScalers(String)
        /// A scaler field is missing, of the wrong type, or holds an unusable number.
        case badField(field: String, problem: String)
        /// The JSON form is not valid JSON or not `tradingbot.scalers.v1`.
        case invalidJSON(String)
        /// Scalers keyed by column name do not name exactly the columns the model reads.
        case columnNames(expected: [String], problem: String)
    }

    public let file: String
    public let kind: Kind

    public init(file: String, kind: Kind) {
        self.file = file
        self.kind = kind
    }

    public var description: String { OneLine.escaped(message) }

    private var message: String {
        switch kind {
        case .missingFile:
            return "\(file): no such file; pass the scalers.pkl written by the training script or its JSON export"
        case .isDirectory:
            return "\(file): is a directory, not a scaler file; pass the .pkl or .json file inside it"
        case let .unreadable(why):
            return "\(file): cannot be read (\(OneLine.quote(why, limit: 200))); check its permissions"
        case .emptyFile:
            return "\(file): the file is empty; re-save the scalers"
        case let .unknownFormat(what):
            return "\(file): not a scaler file (\(what)); expected a pickle (.pkl, .pickle) or the JSON form (.json)"
        case let .pickle(error):
            return error.description
        case let .notScalers(what):
            return "\(file): \(OneLine.quote(what, limit: 200)); expected a dict {0: MinMaxScaler, ...} or {'open': MinMaxScaler, ...}, a list of MinMaxScaler, or one MinMaxScaler"
        case let .columnNames(expected, problem):
            return "\(file): the scalers are keyed by column name but \(OneLine.quote(problem, limit: 200)); key them by \(expected.joined(separator: ", ")) (any case) or by position 0...\(expected.count - 1)"
        case let .badField(field, problem):
            return "\(file): scaler field '\(field)' \(problem); re-fit and re-save the scalers"
        case let .invalidJSON(what):
            return "\(file): invalid scaler JSON: \(OneLine.quote(what, limit: 200)); re-export it with `trading-bot scalers export`"
        }
    }
}
