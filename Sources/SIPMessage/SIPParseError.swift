/// Why a message or a header value could not be parsed, and where.
public struct SIPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Invalid syntax or semantics: a request gets 400 with this reason.
        case malformed
        /// `SIP/x.y` other than 2.0: a request gets 505 (RFC 3261 §8.2.2… via §21.5.6).
        case unsupportedVersion
        /// A size limit was exceeded: 513 for a request that is too large, or a closed stream.
        case tooLarge
    }

    public var kind: Kind
    public var reason: String
    /// 1-based line and column of the fault in the message, when known.
    public var line: Int
    public var column: Int
    /// The header the fault is in, when it is in one.
    public var header: String?

    public init(_ kind: Kind = .malformed, _ reason: String, line: Int = 0, column: Int = 0, header: String? = nil) {
        self.kind = kind
        self.reason = reason
        self.line = line
        self.column = column
        self.header = header
    }

    public var description: String {
        var text = line > 0 ? "line \(line), column \(column): " : ""
        if let header { text += "\(header): " }
        return text + reason
    }

    /// The status code a UAS answers a malformed request with.
    public var statusCode: Int {
        switch kind {
        case .malformed: 400
        case .unsupportedVersion: 505
        case .tooLarge: 513
        }
    }
}

/// A fault inside one header value; the message parser adds the line and header name.
struct SIPValueError: Error {
    var reason: String
    var offset: Int
    init(_ reason: String, at offset: Int) {
        self.reason = reason
        self.offset = offset
    }
}
