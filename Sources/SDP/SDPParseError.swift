/// Why a session description could not be parsed, and on which line.
///
/// A SIP user agent answers an offer it cannot parse with 400 or 488 and puts `description` in
/// a Warning header; the line number is 1-based, 0 when the fault is not on one line (size).
public struct SDPParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var reason: String

    public init(line: Int, _ reason: String) {
        self.line = line
        self.reason = reason
    }

    /// `line 4: m= port "abc" is not a number`
    public var description: String {
        line > 0 ? "line \(line): \(reason)" : reason
    }
}

/// Bounds that keep a hostile description from costing unbounded memory or time.
public struct SDPParserLimits: Sendable, Hashable {
    /// Largest description in bytes (a whole SIP body is bounded at 64 KiB too).
    public var maxBytes: Int
    /// Most lines.
    public var maxLines: Int
    /// Most `m=` lines.
    public var maxMedia: Int

    public init(maxBytes: Int = 65_536, maxLines: Int = 1024, maxMedia: Int = 16) {
        self.maxBytes = maxBytes
        self.maxLines = maxLines
        self.maxMedia = maxMedia
    }

    public static let `default` = SDPParserLimits()
}
