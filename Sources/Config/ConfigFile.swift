/// Where a value came from: a line of a file, or the built-in default.
public enum ConfigOrigin: Sendable, Hashable, CustomStringConvertible {
    case defaultValue
    case file(String, line: Int)

    public var description: String {
        switch self {
        case .defaultValue: "default"
        case .file(let path, let line): "\(path):\(line)"
        }
    }
}

/// A raw `key=value` as written, with where it was written.
public struct ConfigValue: Sendable, Hashable {
    public var raw: String
    public var file: String
    public var line: Int

    public init(raw: String, file: String, line: Int) {
        self.raw = raw
        self.file = file
        self.line = line
    }

    public var origin: ConfigOrigin { .file(file, line: line) }
}

/// One `[section]` of a linphonerc-style file with its keys in file order.
public struct ConfigSection: Sendable, Hashable {
    public var name: String
    /// Where the section was first opened.
    public var file: String
    public var line: Int
    /// `[name a=b]` section parameters (linphonerc §1.1 rule 2); kept, not interpreted.
    public var parameters: [String: String]
    /// Keys in the order they first appeared; a repeated key keeps its first position but its last value.
    public private(set) var keys: [String] = []
    public private(set) var values: [String: ConfigValue] = [:]

    public init(name: String, file: String, line: Int, parameters: [String: String] = [:]) {
        self.name = name
        self.file = file
        self.line = line
        self.parameters = parameters
    }

    public subscript(key: String) -> ConfigValue? { values[key] }

    /// Sets a key; the last occurrence wins (linphonerc §1.1 rule 4).
    public mutating func set(_ key: String, _ value: ConfigValue) {
        if values[key] == nil { keys.append(key) }
        values[key] = value
    }
}

/// A parsed linphonerc-style file: sections in the order they first appear.
public struct ConfigFile: Sendable, Hashable {
    public var path: String
    public private(set) var sections: [ConfigSection] = []

    public init(path: String) {
        self.path = path
    }

    public subscript(section: String) -> ConfigSection? {
        sections.first { $0.name == section }
    }

    /// Opens a section, or re-opens one of the same name so later keys merge into it (§1.1 rule 2).
    mutating func open(_ name: String, line: Int, parameters: [String: String]) -> Int {
        if let index = sections.firstIndex(where: { $0.name == name }) {
            sections[index].parameters.merge(parameters) { _, new in new }
            return index
        }
        sections.append(ConfigSection(name: name, file: path, line: line, parameters: parameters))
        return sections.count - 1
    }

    mutating func relocate(sectionAt index: Int, file: String, line: Int) {
        sections[index].file = file
        sections[index].line = line
    }

    mutating func set(_ key: String, _ value: ConfigValue, inSectionAt index: Int) {
        sections[index].set(key, value)
    }
}
