extension SIPURI {
    /// Parses a URI with no surrounding brackets or whitespace.
    public init(_ text: String) throws(SIPParseError) {
        do {
            self = try SIPURI.parse(Array(text.utf8)[...])
        } catch {
            throw SIPParseError(.malformed, "URI \"\(text)\": \(error.reason)")
        }
    }

    /// A URI is a scheme, a colon and scheme-specific text; LWS anywhere inside is an error
    /// (RFC 4475 §3.1.2.8, §3.1.2.14).
    static func parse(_ bytes: ArraySlice<UInt8>) throws(SIPValueError) -> SIPURI {
        if let bad = bytes.firstIndex(where: { $0 <= ByteClass.space || $0 == ByteClass.lessThan || $0 == ByteClass.greaterThan || $0 == ByteClass.quote || $0 == 0x7F }) {
            throw SIPValueError("invalid character in URI", at: bad - bytes.startIndex)
        }
        guard let colon = bytes.firstIndex(of: ByteClass.colon), colon > bytes.startIndex else {
            throw SIPValueError("no URI scheme", at: 0)
        }
        let schemeBytes = bytes[..<colon]
        guard ByteClass.isAlpha(schemeBytes.first!),
              schemeBytes.allSatisfy({ ByteClass.isAlphanumeric($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") })
        else { throw SIPValueError("invalid URI scheme", at: 0) }
        let scheme = String(decoding: schemeBytes.lazy.map(ByteClass.lower), as: UTF8.self)
        let rest = bytes[(colon + 1)...]
        switch scheme {
        case "sip", "sips": return try parseSIP(scheme: scheme, rest, base: bytes.startIndex)
        case "tel": return try parseTel(rest)
        default:
            guard !rest.isEmpty else { throw SIPValueError("empty \(scheme) URI", at: colon - bytes.startIndex) }
            var uri = SIPURI(scheme: scheme, host: "")
            uri.opaque = String(decoding: rest, as: UTF8.self)
            return uri
        }
    }

    private static func parseSIP(scheme: String, _ rest: ArraySlice<UInt8>, base: Int) throws(SIPValueError) -> SIPURI {
        var uri = SIPURI(scheme: scheme, host: "")
        var hostStart = rest.startIndex
        // '@' cannot appear unescaped in parameters or headers, so the first one ends the
        // userinfo, which itself may hold '?', '/', ';' and ',' (RFC 4475 §3.1.1.2).
        if let at = rest.firstIndex(of: UInt8(ascii: "@")) {
            let userinfo = rest[..<at]
            if let colon = userinfo.firstIndex(of: ByteClass.colon) {
                uri.user = String(decoding: userinfo[..<colon], as: UTF8.self)
                uri.password = String(decoding: userinfo[(colon + 1)...], as: UTF8.self)
            } else {
                uri.user = String(decoding: userinfo, as: UTF8.self)
            }
            if userinfo.isEmpty { throw SIPValueError("empty user part before @", at: at - base) }
            hostStart = at + 1
        }
        let question = rest[hostStart...].firstIndex(of: UInt8(ascii: "?")) ?? rest.endIndex
        var scanner = ByteScanner(rest[hostStart..<question])
        if scanner.peek == UInt8(ascii: "[") {
            let reference = scanner.scan { $0 == UInt8(ascii: "]") }
            guard scanner.consume(UInt8(ascii: "]")) else { throw SIPValueError("unterminated IPv6 reference", at: hostStart - base) }
            guard isIPv6(reference.dropFirst()) else { throw SIPValueError("invalid IPv6 reference", at: hostStart - base) }
            uri.host = String(decoding: reference, as: UTF8.self) + "]"
        } else {
            let host = scanner.scan { !(ByteClass.isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_")) }
            guard !host.isEmpty else { throw SIPValueError("missing host", at: hostStart - base) }
            uri.host = String(decoding: host, as: UTF8.self)
        }
        if scanner.consume(ByteClass.colon) {
            let digits = scanner.scan { !ByteClass.isDigit($0) }
            guard !digits.isEmpty, digits.count <= 5, let port = Int(String(decoding: digits, as: UTF8.self)), port <= 65535 else {
                throw SIPValueError("invalid port", at: scanner.index - base)
            }
            uri.port = port
        }
        uri.parameters = try uriParameters(&scanner, base: base)
        guard scanner.isAtEnd else { throw SIPValueError("unexpected character in host part", at: scanner.index - base) }
        if question < rest.endIndex {
            uri.headers = String(decoding: rest[(question + 1)...], as: UTF8.self)
        }
        return uri
    }

    private static func parseTel(_ rest: ArraySlice<UInt8>) throws(SIPValueError) -> SIPURI {
        var scanner = ByteScanner(rest)
        let number = scanner.scan { $0 == ByteClass.semicolon }
        guard !number.isEmpty else { throw SIPValueError("empty telephone number", at: 0) }
        var uri = SIPURI(scheme: "tel", host: "")
        uri.user = String(decoding: number, as: UTF8.self)
        uri.parameters = try uriParameters(&scanner, base: rest.startIndex)
        return uri
    }

    /// URI parameters: `;name[=value]`, where values may hold any character but `;`, `?` (RFC 3261 §25.1 paramchar).
    private static func uriParameters(_ scanner: inout ByteScanner, base: Int) throws(SIPValueError) -> SIPParameters {
        var parameters = SIPParameters()
        while scanner.consume(ByteClass.semicolon) {
            let name = scanner.scan { $0 == ByteClass.equals || $0 == ByteClass.semicolon }
            guard !name.isEmpty else { throw SIPValueError("empty URI parameter", at: scanner.index - base) }
            var value: String?
            if scanner.consume(ByteClass.equals) {
                value = String(decoding: scanner.scan { $0 == ByteClass.semicolon }, as: UTF8.self)
            }
            parameters.set(String(decoding: name, as: UTF8.self), value)
        }
        return parameters
    }

    /// RFC 4291 text form, including an embedded IPv4 tail; RFC 5118 §4.5 asks parsers to
    /// accept the three-colon form that RFC 3261's ABNF bug allowed, so `:::` passes too.
    static func isIPv6(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard bytes.count >= 2, bytes.count <= 45, bytes.contains(ByteClass.colon) else { return false }
        return bytes.allSatisfy { ByteClass.isHexDigit($0) || $0 == ByteClass.colon || $0 == UInt8(ascii: ".") }
    }
}

extension ByteClass {
    @inline(__always) static func isAlpha(_ byte: UInt8) -> Bool {
        (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
    }
    @inline(__always) static func isAlphanumeric(_ byte: UInt8) -> Bool { isAlpha(byte) || isDigit(byte) }
    @inline(__always) static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }
}
