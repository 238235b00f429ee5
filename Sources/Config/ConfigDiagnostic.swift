/// One problem found in a configuration file, with enough context to fix it.
///
/// Rendered as `file:line: [section] key: what is wrong, what is allowed`, the shape compilers use,
/// so editors and `grep` can jump to the line.
public struct ConfigDiagnostic: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case error
        case warning
    }

    public var severity: Severity
    /// The file the problem is in; `nil` for problems of the settings as a whole.
    public var file: String?
    /// 1-based line number; `nil` when the problem is a missing key or section.
    public var line: Int?
    public var section: String?
    public var key: String?
    public var message: String

    public init(
        _ severity: Severity, file: String?, line: Int?, section: String? = nil, key: String? = nil,
        message: String
    ) {
        self.severity = severity
        self.file = file
        self.line = line
        self.section = section
        self.key = key
        self.message = message
    }

    public var description: String {
        var text = ""
        if let file {
            text += file
            if let line { text += ":\(line)" }
            text += ": "
        }
        if severity == .warning { text += "warning: " }
        if let section {
            text += "[\(section)]"
            if let key { text += " \(key)" }
            text += ": "
        }
        return text + message
    }
}

extension Array where Element == ConfigDiagnostic {
    public var errors: [ConfigDiagnostic] { filter { $0.severity == .error } }
    public var warnings: [ConfigDiagnostic] { filter { $0.severity == .warning } }
}
