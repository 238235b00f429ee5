import SIPMessage

/// What a registration reads in responses, and how it compares addresses.
extension Registration {
    /// The lifetime the registrar granted to `contact` (§10.2.4, §10.3 step 8): the `expires`
    /// parameter of its Contact in the 2xx, else the `Expires` header; nil when neither says.
    static func grantedExpiry(_ response: SIPResponse, for contact: SIPURI) -> Int? {
        for value in response.headers.values(.contact) {
            guard let address = try? NameAddress(value), sameBinding(address.uri, contact) else { continue }
            if let expires = address.parameters.value("expires").flatMap({ Int($0) }) { return expires }
        }
        return response.headers[.expires].flatMap { Int($0.trimmingSpaces) }
    }

    /// Where the registrar saw the REGISTER come from: the top Via's `received` and `rport`
    /// (RFC 3261 §18.2.1, RFC 3581 §4), defaulting to the sent-by values. nil when the server
    /// added neither, so it told us nothing.
    static func observedAddress(_ response: SIPResponse) -> RegistrationState.PublicAddress? {
        guard let value = response.headers[.via], let via = try? Via(value),
              via.received != nil || via.rport != nil else { return nil }
        let host = via.received ?? via.host
        let port = via.rport ?? via.port ?? (via.transport == "TLS" ? 5061 : 5060)
        return RegistrationState.PublicAddress(host: bare(host), port: port)
    }

    /// Retry-After seconds (§20.33): the leading integer, comment and parameters ignored.
    static func retryAfter(_ response: SIPResponse) -> Int? {
        guard let value = response.headers[.retryAfter] else { return nil }
        return Int(value.trimmingSpaces.prefix { $0.isASCII && $0.isNumber })
    }

    /// Min-Expires seconds of a 423 (§10.2.8, §20.23).
    static func minExpires(_ response: SIPResponse) -> Int? {
        response.headers[.minExpires].flatMap { Int($0.trimmingSpaces) }
    }

    /// Whether two contact URIs name the same binding for our purposes: user, host and port,
    /// with the default port filled in (§10.3 step 6 compares URIs; registrars and NATs are
    /// inconsistent about parameters, so they are left out).
    static func sameBinding(_ a: SIPURI, _ b: SIPURI) -> Bool {
        a.user == b.user && bare(a.host).lowercased() == bare(b.host).lowercased() && port(of: a) == port(of: b)
    }

    /// Whether `address` is where `contact` points.
    static func contact(_ contact: SIPURI, isAt address: RegistrationState.PublicAddress) -> Bool {
        bare(contact.host).lowercased() == address.host.lowercased() && port(of: contact) == address.port
    }

    /// `contact` moved to `address`, IPv6 hosts bracketed again.
    static func contact(_ contact: SIPURI, movedTo address: RegistrationState.PublicAddress) -> SIPURI {
        var moved = contact
        moved.host = address.host.contains(":") ? "[" + address.host + "]" : address.host
        moved.port = address.port
        return moved
    }

    static func port(of uri: SIPURI) -> Int {
        uri.port ?? (uri.isSecure || uri.transport == "tls" ? 5061 : 5060)
    }

    static func bare(_ host: String) -> String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }
}
