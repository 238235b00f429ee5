/// A challenge (`WWW-Authenticate`, `Proxy-Authenticate`) or credentials (`Authorization`,
/// `Proxy-Authorization`): a scheme and comma-separated `name=value` parameters (RFC 3261 §25.1,
/// RFC 7616 §3.3–3.4). Values are stored unquoted.
public struct AuthenticationHeader: Sendable, Hashable, CustomStringConvertible {
    public var scheme: String
    public var parameters: [(name: String, value: String)]

    public init(scheme: String, parameters: [(name: String, value: String)]) {
        self.scheme = scheme
        self.parameters = parameters
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.scheme.caseInsensitiveEquals(rhs.scheme) && lhs.parameters.elementsEqual(rhs.parameters) { $0 == $1 }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(scheme.lowercased())
        for parameter in parameters { hasher.combine(parameter.name); hasher.combine(parameter.value) }
    }

    public var isDigest: Bool { scheme.caseInsensitiveEquals("Digest") }

    public subscript(_ name: String) -> String? {
        parameters.first { $0.name.caseInsensitiveEquals(name) }?.value
    }

    /// Parameters whose values are sent bare, not as quoted strings (RFC 7616 §3.3, §3.4).
    static let unquoted: Set<String> = ["algorithm", "nc", "stale", "qop-credentials", "userhash"]

    public var description: String {
        let rendered = parameters.map { parameter -> String in
            let name = parameter.name.lowercased()
            // In credentials `qop` is a bare token; in challenges it is a quoted list.
            let bare = Self.unquoted.contains(name) || (name == "qop" && !parameter.value.contains(","))
                && parameters.contains { $0.name.caseInsensitiveEquals("response") }
            return parameter.name + "=" + (bare ? parameter.value : NameAddress.quoted(parameter.value))
        }
        return scheme + " " + rendered.joined(separator: ", ")
    }

    public init(_ text: String) throws(SIPParseError) {
        do { self = try AuthenticationHeader.parse(Array(text.utf8)[...]) } catch {
            throw SIPParseError(.malformed, "authentication header: \(error.reason)")
        }
    }

    static func parse(_ bytes: ArraySlice<UInt8>) throws(SIPValueError) -> AuthenticationHeader {
        var scanner = ByteScanner(bytes)
        scanner.skipLWS()
        let scheme = try scanner.requireToken("authentication scheme")
        var parameters: [(name: String, value: String)] = []
        scanner.skipLWS()
        while !scanner.isAtEnd {
            let name = try scanner.requireToken("parameter name")
            try scanner.expect(ByteClass.equals, lws: true, "= after \(String(decoding: name, as: UTF8.self))")
            let value: String
            if scanner.peek == ByteClass.quote {
                value = NameAddress.unquote(try scanner.quotedString())
            } else {
                let raw = scanner.scan { $0 == ByteClass.comma || ByteClass.isWhitespace($0) }
                guard !raw.isEmpty else { throw SIPValueError("parameter without a value", at: scanner.offset) }
                value = String(decoding: raw, as: UTF8.self)
            }
            parameters.append((String(decoding: name, as: UTF8.self), value))
            scanner.skipLWS()
            if scanner.isAtEnd { break }
            try scanner.expect(ByteClass.comma, lws: true, "a comma between parameters")
        }
        return AuthenticationHeader(scheme: String(decoding: scheme, as: UTF8.self), parameters: parameters)
    }
}
