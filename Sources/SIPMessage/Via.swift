/// One `Via` header value (RFC 3261 §20.42, RFC 3581 for `rport`).
public struct Via: Sendable, Hashable, CustomStringConvertible {
    /// `UDP`, `TCP`, `TLS`, … upper-cased.
    public var transport: String
    /// sent-by host (IPv6 with brackets) and port.
    public var host: String
    public var port: Int?
    public var parameters: SIPParameters

    public init(transport: String, host: String, port: Int? = nil, parameters: SIPParameters = SIPParameters()) {
        self.transport = transport.uppercased()
        self.host = host
        self.port = port
        self.parameters = parameters
    }

    public var branch: String? { parameters.value("branch") }
    public var received: String? { parameters.value("received") }

    /// `rport` with the port a server filled in; nil when absent or empty.
    public var rport: Int? { parameters.value("rport").flatMap { Int($0) } }

    /// True for an RFC 3261 branch (the magic cookie `z9hG4bK`, §8.1.1.7); older ones need
    /// RFC 2543 transaction matching (RFC 4475 §3.2.1).
    public var hasRFC3261Branch: Bool { branch?.hasPrefix("z9hG4bK") ?? false }

    public var description: String {
        var text = "SIP/2.0/" + transport + " " + host
        if let port { text += ":" + String(port) }
        return text + parameters.serialized
    }

    public init(_ text: String) throws(SIPParseError) {
        do { self = try Via.parse(Array(text.utf8)[...]) } catch {
            throw SIPParseError(.malformed, "Via \"\(text)\": \(error.reason)")
        }
    }

    /// `SIP / 2.0 / UDP host:port;params`, with LWS allowed around the slashes (RFC 4475 §3.1.1.1).
    static func parse(_ bytes: ArraySlice<UInt8>) throws(SIPValueError) -> Via {
        var scanner = ByteScanner(bytes)
        scanner.skipLWS()
        let name = try scanner.requireToken("protocol name")
        try scanner.expect(ByteClass.slash, lws: true, "/ after \(String(decoding: name, as: UTF8.self))")
        _ = try scanner.requireToken("protocol version")
        try scanner.expect(ByteClass.slash, lws: true, "/ after the protocol version")
        let transport = try scanner.requireToken("transport")
        scanner.skipLWS()
        let host: String
        if scanner.peek == UInt8(ascii: "[") {
            let reference = scanner.scan { $0 == UInt8(ascii: "]") }
            guard scanner.consume(UInt8(ascii: "]")), SIPURI.isIPv6(reference.dropFirst()) else {
                throw SIPValueError("invalid IPv6 reference in sent-by", at: scanner.offset)
            }
            host = String(decoding: reference, as: UTF8.self) + "]"
        } else {
            let run = scanner.scan { !(ByteClass.isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_")) }
            guard !run.isEmpty else { throw SIPValueError("missing sent-by host", at: scanner.offset) }
            host = String(decoding: run, as: UTF8.self)
        }
        var port: Int?
        if scanner.consume(ByteClass.colon, lws: true) {
            port = Int(try scanner.number(max: 65535, "sent-by port"))
        }
        let parameters = try scanner.parameters()
        scanner.skipLWS()
        guard scanner.isAtEnd else { throw SIPValueError("unexpected text in Via", at: scanner.offset) }
        return Via(transport: String(decoding: transport, as: UTF8.self), host: host, port: port, parameters: parameters)
    }
}

/// `CSeq: 4711 INVITE` (RFC 3261 §20.16): the number is below 2**31.
public struct CSeq: Sendable, Hashable, CustomStringConvertible {
    public var number: UInt32
    public var method: SIPMethod

    public init(_ number: UInt32, _ method: SIPMethod) {
        self.number = number
        self.method = method
    }

    public var description: String { "\(number) \(method.rawValue)" }

    public init(_ text: String) throws(SIPParseError) {
        do { self = try CSeq.parse(Array(text.utf8)[...]) } catch {
            throw SIPParseError(.malformed, "CSeq \"\(text)\": \(error.reason)")
        }
    }

    static func parse(_ bytes: ArraySlice<UInt8>) throws(SIPValueError) -> CSeq {
        var scanner = ByteScanner(bytes)
        scanner.skipLWS()
        let number = try scanner.number(max: 2_147_483_647, "CSeq number")
        let before = scanner.index
        scanner.skipLWS()
        guard scanner.index > before else { throw SIPValueError("expected a space between number and method", at: scanner.offset) }
        let method = try scanner.requireToken("method")
        scanner.skipLWS()
        guard scanner.isAtEnd else { throw SIPValueError("unexpected text after the method", at: scanner.offset) }
        return CSeq(UInt32(number), SIPMethod(String(decoding: method, as: UTF8.self)))
    }
}
