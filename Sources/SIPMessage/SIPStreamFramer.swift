/// Cuts a TCP/TLS byte stream into messages (RFC 3261 §18.3): the header block ends at the first
/// empty line, and Content-Length (required on streams; absent means 0) says where the body ends.
/// Also recognises RFC 5626 §4.4.1 keep-alives: a double CRLF "ping" between messages, answered
/// with a single CRLF "pong". Fed any number of bytes at a time; memory stays within the limits.
public struct SIPStreamFramer: Sendable {
    public enum Output: Sendable, Equatable {
        case message(SIPMessage)
        /// A CRLFCRLF keep-alive ping; answer with one CRLF.
        case ping
        /// A lone CRLF outside a message: the answer to our ping.
        case pong
    }

    /// Which keep-alives this end of the connection expects (RFC 5626 §4.4.1): the side that
    /// opened the connection sends pings and gets pongs; the accepting side the reverse.
    public enum Role: Sendable {
        case client
        case server
    }

    public let parser: SIPMessageParser
    public let role: Role
    private var buffer: [UInt8] = []
    private var scanned = 0

    public init(parser: SIPMessageParser = SIPMessageParser(), role: Role = .client) {
        self.parser = parser
        self.role = role
    }

    /// Bytes held waiting for the rest of a message.
    public var bufferedCount: Int { buffer.count }

    /// Appends received bytes and returns every complete message or keep-alive in them.
    /// A framing error (an oversize or unparseable head) means the stream cannot be resynchronised:
    /// the caller closes the connection (RFC 3261 §18.3).
    public mutating func feed(_ bytes: some Sequence<UInt8>) throws(SIPParseError) -> [Output] {
        buffer.append(contentsOf: bytes)
        var outputs: [Output] = []
        while let output = try next() { outputs.append(output) }
        return outputs
    }

    private mutating func next() throws(SIPParseError) -> Output? {
        // Between messages: CRLFs are keep-alives. A client counts each CRLF as a pong; a
        // server waits for a whole CRLFCRLF ping, and drops stray single CRLFs before a message.
        var leading = 0
        while leading < buffer.count, buffer[leading] == ByteClass.cr || buffer[leading] == ByteClass.lf { leading += 1 }
        if leading > 0 {
            switch role {
            case .client:
                guard leading >= 2 || leading < buffer.count else { return nil }
                let pair = leading >= 2 && buffer[0] == ByteClass.cr && buffer[1] == ByteClass.lf
                buffer.removeFirst(pair ? 2 : 1)
                scanned = 0
                return pair ? .pong : try next()
            case .server:
                if leading >= 4 {
                    buffer.removeFirst(4)
                    scanned = 0
                    return .ping
                }
                guard leading < buffer.count else { return nil }
                buffer.removeFirst(leading)
                scanned = 0
            }
        }
        guard let headEnd = findHeadEnd() else {
            if buffer.count > parser.limits.maxHeaderBytes {
                throw SIPParseError(.tooLarge, "no end of the header block within \(parser.limits.maxHeaderBytes) bytes")
            }
            return nil
        }
        let head = Array(buffer[..<headEnd])
        let length = try Self.contentLength(in: head, limits: parser.limits)
        guard buffer.count >= headEnd + length else { return nil }
        let body = Array(buffer[headEnd..<(headEnd + length)])
        buffer.removeFirst(headEnd + length)
        scanned = 0
        return .message(try parser.parse(head: head, body: body))
    }

    /// Finds the empty line (CRLFCRLF, or LFLF from a liberal sender) that ends the head.
    private mutating func findHeadEnd() -> Int? {
        var index = max(0, scanned - 3)
        while index < buffer.count {
            if buffer[index] == ByteClass.lf {
                if index + 1 < buffer.count, buffer[index + 1] == ByteClass.lf { return index + 2 }
                if index + 2 < buffer.count, buffer[index + 1] == ByteClass.cr, buffer[index + 2] == ByteClass.lf { return index + 3 }
            }
            index += 1
        }
        scanned = buffer.count
        return nil
    }

    /// Content-Length from a raw head, before full parsing, so the body can be awaited.
    /// On a stream a missing Content-Length means an empty body.
    static func contentLength(in head: [UInt8], limits: SIPParserLimits) throws(SIPParseError) -> Int {
        var length: Int?
        var lineStart = 0
        for index in head.indices where head[index] == ByteClass.lf {
            var line = head[lineStart..<index]
            lineStart = index + 1
            if line.last == ByteClass.cr { line = line.dropLast() }
            guard let colon = line.firstIndex(of: ByteClass.colon) else { continue }
            let name = line[..<colon].reversed().drop(while: ByteClass.isWhitespace).reversed()
            guard SIPHeaderName.Known.lookup(name) == .contentLength else { continue }
            let digits = line[(colon + 1)...].filter { !ByteClass.isWhitespace($0) }
            guard !digits.isEmpty, digits.count <= 10, digits.allSatisfy(ByteClass.isDigit),
                  let value = Int(String(decoding: digits, as: UTF8.self)) else {
                throw SIPParseError(.malformed, "Content-Length must be a non-negative number", header: "Content-Length")
            }
            if let length, length != value {
                throw SIPParseError(.malformed, "two different Content-Length values", header: "Content-Length")
            }
            length = value
        }
        let result = length ?? 0
        if result > limits.maxBodyBytes {
            throw SIPParseError(.tooLarge, "body of \(result) bytes exceeds the limit of \(limits.maxBodyBytes)", header: "Content-Length")
        }
        return result
    }
}
