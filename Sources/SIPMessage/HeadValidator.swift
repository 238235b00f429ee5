/// Checks what a message must carry and what its scalar fields may hold (RFC 3261 §8.1.1,
/// §8.2.2; RFC 4475 §3.1.2 and §3.3), so the transaction layer gets only well-formed messages.
struct HeadValidator {
    let startLine: ParsedHead.StartLine
    let headers: SIPHeaders
    let lines: [Int32]

    /// Returns the Content-Length, nil when the header is absent.
    mutating func validate() throws(SIPParseError) -> Int? {
        for name in [SIPHeaderName.to, .from, .callID, .cseq, .via] where !headers.contains(name) {
            throw SIPParseError(.malformed, "missing required header \(name)")
        }
        for name in [SIPHeaderName.to, .from, .callID, .cseq, .maxForwards, .contentType] {
            let count = headers.count(of: name)
            if count > 1 {
                let index = headers.fields.lastIndex { $0.name == name }!
                throw error(at: index, "appears \(count) times but must appear once")
            }
        }
        var contentLength: Int?
        for (index, field) in headers.fields.enumerated() {
            let value = headers.bytes(field)
            do throws(SIPValueError) {
                switch field.name {
                case .to, .from, .route, .recordRoute:
                    _ = try NameAddress.parse(value)
                case .contact:
                    if value.count == 1, value.first == UInt8(ascii: "*") { break }
                    let contact = try NameAddress.parse(value)
                    if let expires = contact.parameters.value("expires") { try Self.checkNumber(expires, max: UInt64(UInt32.max), "expires parameter") }
                case .via:
                    _ = try Via.parse(value)
                case .cseq:
                    let cseq = try CSeq.parse(value)
                    if case .request(let method, _) = startLine, cseq.method != method {
                        throw SIPValueError("method \(cseq.method) does not match the request method \(method)", at: 0)
                    }
                case .callID:
                    if value.isEmpty || value.contains(where: { ByteClass.isWhitespace($0) || $0 < 0x21 }) {
                        throw SIPValueError("Call-ID must be one word", at: 0)
                    }
                case .maxForwards:
                    try Self.checkNumber(value, max: 255, "Max-Forwards")
                case .expires, .minExpires:
                    try Self.checkNumber(value, max: UInt64(UInt32.max), field.name.description)
                case .rseq:
                    try Self.checkNumber(value, max: UInt64(UInt32.max), "RSeq")
                case .retryAfter:
                    var scanner = ByteScanner(value)
                    _ = try scanner.number(max: UInt64(UInt32.max), "Retry-After")
                case .contentLength:
                    let length = Int(try Self.number(value, max: UInt64(Int32.max), "Content-Length"))
                    if let previous = contentLength, previous != length {
                        throw SIPValueError("\(length) differs from an earlier Content-Length \(previous)", at: 0)
                    }
                    contentLength = length
                case .date:
                    // RFC 3261 §20.17: the only time zone is GMT (RFC 4475 §3.1.2.12).
                    if !value.reversed().starts(with: "TMG".utf8) { throw SIPValueError("time zone must be GMT", at: 0) }
                case .warning:
                    var scanner = ByteScanner(value)
                    let code = scanner.token()
                    if code.count != 3 || !code.allSatisfy(ByteClass.isDigit) { throw SIPValueError("warn-code must be three digits", at: 0) }
                default:
                    break
                }
            } catch {
                throw self.error(at: index, error.reason, offset: error.offset)
            }
        }
        return contentLength
    }

    private func error(at index: Int, _ reason: String, offset: Int = 0) -> SIPParseError {
        SIPParseError(.malformed, reason, line: Int(lines[index]), column: offset + 1, header: headers.fields[index].name.description)
    }

    private static func checkNumber(_ value: ArraySlice<UInt8>, max: UInt64, _ what: String) throws(SIPValueError) {
        _ = try number(value, max: max, what)
    }

    private static func checkNumber(_ value: String, max: UInt64, _ what: String) throws(SIPValueError) {
        _ = try number(Array(value.utf8)[...], max: max, what)
    }

    private static func number(_ value: ArraySlice<UInt8>, max: UInt64, _ what: String) throws(SIPValueError) -> UInt64 {
        var scanner = ByteScanner(value)
        let number = try scanner.number(max: max, what)
        scanner.skipLWS()
        guard scanner.isAtEnd else { throw SIPValueError("\(what) must be a non-negative number, got \"\(String(decoding: value, as: UTF8.self))\"", at: 0) }
        return number
    }
}
