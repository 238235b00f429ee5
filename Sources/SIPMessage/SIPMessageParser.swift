/// Parses one SIP message from bytes (RFC 3261 §7, with the liberal reading RFC 4475 asks for:
/// folded lines, LWS around colons and slashes, compact names, any header-name case, bare LF
/// line ends), and rejects invalid messages with a reason and the line and column of the fault.
public struct SIPMessageParser: Sendable {
    public var limits: SIPParserLimits

    public init(limits: SIPParserLimits = .default) {
        self.limits = limits
    }

    /// The outcome for one datagram, or one message cut out of a stream by `SIPStreamFramer`.
    public struct Parsed: Sendable {
        public var message: SIPMessage
        /// Octets after the body that Content-Length did not cover; a datagram's extra octets
        /// are discarded (RFC 3261 §18.3, RFC 4475 §3.1.1.8).
        public var discardedBytes: Int
    }

    /// Parses a whole datagram: the body is what Content-Length says, or the rest of the datagram
    /// when the header is absent (RFC 3261 §18.3).
    public func parse(_ bytes: [UInt8]) throws(SIPParseError) -> Parsed {
        var reader = LineReader(bytes: bytes, limits: limits)
        let head = try reader.readHead()
        let available = bytes.count - reader.position
        let length = head.contentLength ?? available
        if length > limits.maxBodyBytes {
            throw SIPParseError(.tooLarge, "body of \(length) bytes exceeds the limit of \(limits.maxBodyBytes)", line: reader.line, column: 1, header: "Content-Length")
        }
        if length > available {
            throw SIPParseError(.malformed, "Content-Length \(length) exceeds the \(available) bytes received", line: reader.line, column: 1, header: "Content-Length")
        }
        let body = Array(bytes[reader.position..<(reader.position + length)])
        return Parsed(message: head.message(body: body), discardedBytes: available - length)
    }

    /// Parses a message whose body is exactly `body` (the stream framer already cut it).
    public func parse(head: [UInt8], body: [UInt8]) throws(SIPParseError) -> SIPMessage {
        var reader = LineReader(bytes: head, limits: limits)
        let parsed = try reader.readHead()
        if let length = parsed.contentLength, length != body.count {
            throw SIPParseError(.malformed, "Content-Length \(length) does not match the \(body.count) body bytes", header: "Content-Length")
        }
        return parsed.message(body: body)
    }

    /// Convenience for tests and tools: parses text as a datagram.
    public func parse(_ text: String) throws(SIPParseError) -> SIPMessage {
        try parse(Array(text.utf8)).message
    }
}

/// The start line and headers of a message, validated, before the body is attached.
struct ParsedHead {
    enum StartLine {
        case request(SIPMethod, SIPURI)
        case response(Int, String)
    }

    var startLine: StartLine
    var headers: SIPHeaders
    var contentLength: Int?

    func message(body: [UInt8]) -> SIPMessage {
        switch startLine {
        case .request(let method, let uri):
            .request(SIPRequest(method: method, uri: uri, headers: headers, body: body))
        case .response(let code, let reason):
            .response(SIPResponse(statusCode: code, reason: reason, headers: headers, body: body))
        }
    }
}
