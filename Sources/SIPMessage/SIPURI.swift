/// A URI as SIP carries it: `sip:`/`sips:` with user, host, port, parameters and headers
/// (RFC 3261 §19.1), `tel:` (RFC 3966, number plus parameters), or any other scheme kept opaque
/// (RFC 4475 §3.3.2: an unknown scheme in a header is not a parse error).
public struct SIPURI: Sendable, Hashable, CustomStringConvertible {
    /// Lower-cased scheme: `sip`, `sips`, `tel`, or another.
    public var scheme: String
    /// The user part as written, `%` escapes included (`unescapedUser` decodes them).
    /// For `tel:` the number.
    public var user: String?
    public var password: String?
    /// Host name, IPv4 address, or IPv6 reference with its brackets (`[2001:db8::1]`).
    public var host: String
    public var port: Int?
    public var parameters: SIPParameters
    /// The `?h=v&…` part without the `?`, as written.
    public var headers: String?
    /// Everything after `scheme:` for schemes other than sip, sips and tel.
    public var opaque: String?

    public init(scheme: String = "sip", user: String? = nil, password: String? = nil, host: String,
                port: Int? = nil, parameters: SIPParameters = SIPParameters(), headers: String? = nil) {
        self.scheme = scheme
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.parameters = parameters
        self.headers = headers
        opaque = nil
    }

    public var isSIP: Bool { scheme == "sip" || scheme == "sips" }
    public var isSecure: Bool { scheme == "sips" }

    /// The host without IPv6 brackets, as a resolver or socket wants it.
    public var hostAddress: String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }

    /// The `transport` parameter, lower-cased.
    public var transport: String? { parameters.value("transport")?.lowercased() }

    /// The user part with `%HH` escapes decoded (RFC 3261 §19.1.2); `%00` stays a NUL character.
    public var unescapedUser: String? { user.map(Self.unescape) }

    /// The URI without its headers and with only the parameters a REGISTER/To/From may carry,
    /// used as an address-of-record.
    public var addressOfRecord: SIPURI {
        var aor = self
        aor.parameters = SIPParameters()
        aor.headers = nil
        aor.password = nil
        return aor
    }

    public var description: String {
        if let opaque { return scheme + ":" + opaque }
        var text = scheme + ":"
        if scheme == "tel" {
            text += user ?? host
        } else {
            if let user {
                text += user
                if let password { text += ":" + password }
                text += "@"
            }
            text += host
            if let port { text += ":" + String(port) }
        }
        text += parameters.serialized
        if let headers { text += "?" + headers }
        return text
    }

    static func unescape(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
        var bytes = [UInt8]()
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "%"), iterator.count >= 2,
               let high = hexValue(iterator[iterator.startIndex]), let low = hexValue(iterator[iterator.startIndex + 1]) {
                bytes.append(high << 4 | low)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - 0x30
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - 0x57
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - 0x37
        default: nil
        }
    }
}
