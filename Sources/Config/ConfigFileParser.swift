/// Reads linphonerc syntax exactly as linphone's LpConfig does (shared/reference/linphonerc.md §1.1),
/// except that what linphone silently drops is reported here as a warning, and that lines too long
/// for linphone's buffer are errors instead of being cut in two.
///
/// Decisions where linphone has a quirk:
/// - A UTF-8 byte-order mark at the start of the file is skipped (linphone would make it part of the first line).
/// - A header without `]` is an error (linphone reads up to the end of the token).
/// - A key containing spaces (`my key=1`) is an error (linphone would take `my`).
public struct ConfigFileParser: Sendable {
    /// linphone's line buffer is 16384 bytes including the terminator (lpconfig.c MAX_LEN).
    public static let maximumLineLength = 16383

    public init() {}

    public func parse(_ text: String, path: String) -> (file: ConfigFile, diagnostics: [ConfigDiagnostic]) {
        var file = ConfigFile(path: path)
        var diagnostics: [ConfigDiagnostic] = []
        var current: Int?  // index of the open section
        var seenAt: [String: Int] = [:]  // "section\u{0}key" -> line of the previous occurrence

        for (number, line) in Self.lines(of: text).enumerated() {
            let lineNumber = number + 1
            func report(_ severity: ConfigDiagnostic.Severity, _ message: String, section: String? = nil, key: String? = nil) {
                diagnostics.append(.init(severity, file: path, line: lineNumber, section: section, key: key, message: message))
            }
            if line.utf8.count > Self.maximumLineLength {
                report(.error, "line is \(line.utf8.count) bytes long; linphonerc lines are at most \(Self.maximumLineLength) bytes")
                continue
            }
            // Only the ASCII space counts as leading white space for headers and comments (§1.1 rules 2–3).
            let afterSpaces = line.drop { $0 == " " }
            if afterSpaces.first == "#" { continue }
            if afterSpaces.first == "[" {
                switch Self.parseHeader(afterSpaces.dropFirst()) {
                case .success(let header):
                    current = file.open(header.name, line: lineNumber, parameters: header.parameters)
                case .failure(let problem):
                    report(.error, problem.message)
                    current = nil
                }
                continue
            }
            guard let equals = line.firstIndex(of: "=") else {
                if !line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                    report(.warning, "line ignored: it is not a [section], a # comment or key=value")
                }
                continue
            }
            let keyPart = line[..<equals].trimmingWhitespace()
            var value = String(line[line.index(after: equals)...])
            while value.hasSuffix(" ") { value.removeLast() }  // trailing ASCII spaces only (§1.1 rule 4)

            guard let sectionIndex = current else {
                report(.warning, "key=value before any [section] is ignored")
                continue
            }
            let sectionName = file.sections[sectionIndex].name
            if keyPart.isEmpty {
                report(.error, "line has '=' but no key before it", section: sectionName)
                continue
            }
            if keyPart.contains(where: { $0 == " " || $0 == "\t" }) {
                report(.error, "malformed key \"\(keyPart)\": keys contain no spaces", section: sectionName)
                continue
            }
            let key = String(keyPart)
            if value.isEmpty {
                // linphone ignores an empty value: it neither sets nor clears the key.
                report(.warning, "empty value ignored; the key keeps its previous or default value", section: sectionName, key: key)
                continue
            }
            let seenKey = sectionName + "\u{0}" + key
            if let previous = seenAt[seenKey] {
                report(.warning, "set again (first at line \(previous)); the last value wins", section: sectionName, key: key)
            }
            seenAt[seenKey] = lineNumber
            file.set(key, ConfigValue(raw: value, file: path, line: lineNumber), inSectionAt: sectionIndex)
        }
        return (file, diagnostics)
    }

    /// Splits at `\n`, `\r` or `\r\n` (each ends one line), after an optional UTF-8 byte-order mark.
    static func lines(of text: String) -> [Substring] {
        var body = Substring(text)
        if body.hasPrefix("\u{FEFF}") { body = body.dropFirst() }
        // Swift treats "\r\n" as one Character, so splitting on line-break characters gives exactly §1.1 rule 1.
        var lines = body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    struct Header {
        var name: String
        var parameters: [String: String]
    }

    struct HeaderProblem: Error {
        var message: String
    }

    /// `[name a=b c=d]` after the `[`: the name is the first white-space-free token, ended by `]`.
    static func parseHeader(_ text: Substring) -> Result<Header, HeaderProblem> {
        guard let close = text.firstIndex(of: "]") else {
            return .failure(HeaderProblem(message: "section header has no closing ']'"))
        }
        let tokens = text[..<close].split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard let name = tokens.first else {
            return .failure(HeaderProblem(message: "section header has no name"))
        }
        var parameters: [String: String] = [:]
        for token in tokens.dropFirst() {
            let parts = token.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            parameters[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return .success(Header(name: String(name), parameters: parameters))
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces and tabs.
    func trimmingWhitespace() -> SubSequence {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isBlank($0) }) else { return self[endIndex...] }
        let last = lastIndex(where: { !isBlank($0) })!
        return self[first...last]
    }
}
