import Foundation
import Yams

/// Reads `config.yaml` (a `default:` section plus environment sections chosen by `ENVIRONMENT`), applies
/// environment-variable and command-line overrides, and validates every key at once.
///
/// Precedence, lowest first: built-in defaults, `default:`, the `ENVIRONMENT` section, environment variables named
/// like the keys, command-line overrides. Nothing here touches the network, so a bad config fails fast (exit 2).
public struct ConfigLoader {
    public struct Result: Sendable {
        public let config: BotConfig
        /// Non-fatal findings, e.g. an unknown key with the closest known one.
        public let warnings: [String]
    }

    /// A raw value and where it came from, before validation.
    struct RawValue {
        var text: String
        var origin: String
        /// Directory against which relative paths from this origin are resolved.
        var baseDirectory: String
    }

    public var path: String
    /// True when the path was given explicitly (a missing explicit file is an error, a missing default one is not).
    public var pathIsExplicit: Bool
    public var environment: [String: String]
    public var overrides: [String: String]
    public var requireCredentials: Bool
    /// False for commands that never load the model (e.g. `journal`): MODEL_PATH/SCALERS_PATH need not exist.
    public var requireModelFiles: Bool

    public init(path: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                overrides: [String: String] = [:], requireCredentials: Bool = false, requireModelFiles: Bool = true) {
        self.requireModelFiles = requireModelFiles
        self.path = path ?? "config.yaml"
        self.pathIsExplicit = path != nil
        self.environment = environment
        self.overrides = overrides
        self.requireCredentials = requireCredentials
    }

    public func load() throws -> Result {
        var warnings: [String] = []
        var issues: [ConfigIssue] = []
        let fileManager = FileManager.default
        let cwd = fileManager.currentDirectoryPath
        let configURL = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: cwd, isDirectory: true)).standardizedFileURL
        let configDir = configURL.deletingLastPathComponent().path

        var raw: [String: RawValue] = [:]
        var symbolSections = SymbolSections()
        for key in ConfigKey.all {
            if let value = key.defaultValue {
                raw[key.name] = RawValue(text: value, origin: "built-in default", baseDirectory: configDir)
            }
        }

        let selected = environment["ENVIRONMENT"].flatMap { $0.isEmpty ? nil : $0 }
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: configURL.path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw ConfigError.unreadable(file: path, reason: "is a directory; pass the path of a config.yaml file") }
            let split = SymbolSections.split(try ConfigLoader.readSections(file: path, url: configURL), file: path, issues: &issues)
            let sections = split.rest
            symbolSections = split.symbols
            let fileValues = ConfigLoader.apply(sections: sections, selected: selected, file: path, baseDirectory: configDir,
                                                issues: &issues, warnings: &warnings)
            raw.merge(fileValues) { _, new in new }
        } else if pathIsExplicit {
            throw ConfigError.unreadable(file: path, reason: "no such file; pass --config with the path of an existing config.yaml")
        } else {
            warnings.append("\(path) not found in \(cwd); using built-in defaults and environment variables")
            if let selected, selected != "default" {
                issues.append(ConfigIssue(key: "ENVIRONMENT", value: selected, origin: "environment",
                                          problem: "no \(path) to take section '\(selected)' from"))
            }
        }

        for key in ConfigKey.all {
            if let value = environment[key.name] {
                raw[key.name] = RawValue(text: value, origin: "environment", baseDirectory: cwd)
            }
        }
        for (name, value) in overrides.sorted(by: { $0.key < $1.key }) {
            raw[name] = RawValue(text: value, origin: "command line", baseDirectory: cwd)
        }

        var validator = ConfigValidator(raw: raw, checkFiles: requireModelFiles)
        var config = validator.build(environment: selected, requireCredentials: requireCredentials)
        issues += validator.issues
        let symbolsValid = !issues.contains { $0.key == "SYMBOLS" }
        let perSymbol = !symbolsValid ? [] : symbolSections.configurations(global: raw, configDirectory: configDir, environment: selected,
                                                      checkFiles: requireModelFiles, issues: &issues, warnings: &warnings)
        if let first = perSymbol.first {
            config?.symbolConfigs = perSymbol
            // The process-wide view (banners, the journal) names the first symbol.
            config?.symbol = first.symbol
        }
        if !issues.isEmpty { throw ConfigError.invalid(issues) }
        guard let config else { throw ConfigError.invalid([]) }
        return Result(config: config, warnings: warnings)
    }

    /// Parses the YAML into `section -> key -> (value, line)`; a flat file (keys at top level) is one `default` section.
    static func readSections(file: String, url: URL) throws -> [(name: String, entries: [(key: String, node: Node)])] {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw ConfigError.unreadable(file: file, reason: "cannot be read as UTF-8 text (\(error.localizedDescription))")
        }
        let root: Node?
        // Only the scalars' text and style are read (every value is validated as text), so the node tags need no
        // resolving: `.basic` skips compiling Yams' regular-expression rules, a millisecond or two of each start.
        do { root = try Yams.compose(yaml: text, .basic) } catch {
            let reason = String(describing: error).split(separator: "\n").joined(separator: " ")
            throw ConfigError.unreadable(file: file, reason: "is not valid YAML: \(reason)")
        }
        guard let root else { return [] }
        guard let mapping = root.mapping else {
            throw ConfigError.unreadable(file: file, reason: "must be a mapping with a 'default:' section (see config.yaml in the repository)")
        }
        let topKeys = mapping.keys.compactMap(\.string)
        let looksFlat = !topKeys.isEmpty && topKeys.allSatisfy { ConfigKey.byName[$0] != nil }
        if looksFlat {
            return [("default", mapping.map { ($0.key.string ?? "", $0.value) })]
        }
        var sections: [(String, [(String, Node)])] = []
        for (key, value) in mapping {
            let name = key.string ?? ""
            guard let inner = value.mapping else {
                sections.append((name, [("", value)]))
                continue
            }
            sections.append((name, inner.map { ($0.key.string ?? "", $0.value) }))
        }
        return sections
    }

    static func apply(sections: [(name: String, entries: [(key: String, node: Node)])], selected: String?, file: String,
                      baseDirectory: String, issues: inout [ConfigIssue], warnings: inout [String]) -> [String: RawValue] {
        let names = sections.map(\.name)
        var order = ["default"]
        if let selected, selected != "default" {
            if names.contains(selected) {
                order.append(selected)
            } else {
                issues.append(ConfigIssue(key: "ENVIRONMENT", value: selected, origin: "environment",
                                          problem: "no such section in \(file); sections: \(names.joined(separator: ", "))"))
            }
        }
        // Warnings for every section, so a typo in a section not used today is still seen.
        for section in sections {
            if section.entries.count == 1, section.entries[0].key.isEmpty {
                let line = section.entries[0].node.mark.map { ":\($0.line)" } ?? ""
                warnings.append("\(file)\(line): top-level '\(section.name)' is not a section (ignored); put keys under 'default:'")
                continue
            }
            for (key, node) in section.entries where ConfigKey.byName[key] == nil {
                let origin = "\(file)\(node.mark.map { ":\($0.line)" } ?? "") (\(section.name))"
                if let close = EditDistance.closest(to: key, in: ConfigKey.all.map(\.name)) {
                    warnings.append("\(origin): unknown key \(key) (ignored); did you mean \(close)?")
                } else {
                    warnings.append("\(origin): unknown key \(key) (ignored)")
                }
            }
        }
        var result: [String: RawValue] = [:]
        for name in order {
            guard let section = sections.first(where: { $0.name == name }) else { continue }
            for (key, node) in section.entries where ConfigKey.byName[key] != nil {
                let origin = "\(file)\(node.mark.map { ":\($0.line)" } ?? "") (\(name))"
                if key == "SYMBOLS", let list = node.sequence {
                    // A YAML list of symbols; kept as comma-separated text like the environment variable.
                    let origin = "\(file)\(node.mark.map { ":\($0.line)" } ?? "") (\(name))"
                    result[key] = RawValue(text: list.map { $0.string ?? "" }.joined(separator: ","), origin: origin, baseDirectory: baseDirectory)
                    continue
                }
                guard let scalar = node.scalar else {
                    issues.append(ConfigIssue(key: key, value: nil, origin: origin, problem: "must be a single value, not a list or mapping"))
                    continue
                }
                let isNull = scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
                if isNull {
                    result[key] = nil  // explicit null: fall back to the built-in default
                    continue
                }
                result[key] = RawValue(text: scalar.string, origin: origin, baseDirectory: baseDirectory)
            }
        }
        return result
    }
}
