import SIPMessage

extension Registration {
    /// The methods we accept, for `Allow` (§20.5).
    static let allowedMethods: [SIPMethod] = [.invite, .ack, .cancel, .bye, .options, .info, .prack, .update]

    /// One Contact of a REGISTER: an address, the lifetime asked for it, and whether it carries
    /// our instance ID.
    struct ContactBinding {
        var uri: SIPURI
        var expires: Int
        var withInstance: Bool
    }

    /// A REGISTER without Via (the transaction layer's driver adds it) and without credentials
    /// (`DigestAuthenticator` adds them), as RFC 3261 §10.2 builds it.
    func makeRegister(cseq: UInt32, contacts: [ContactBinding], expires: Int) -> SIPRequest {
        // §10.2: the Request-URI names the registrar's domain; parameters such as user=phone
        // are the account's choice.
        var uri = account.registrar
        for parameter in account.requestURIParameters { uri.parameters.set(parameter.name, parameter.value) }

        var headers = SIPHeaders()
        // §8.1.2: a pre-existing route set; each outbound proxy is a loose router (§16.12.1.1).
        for var route in account.routes {
            if !route.parameters.contains("lr") { route.parameters.set("lr", nil) }
            headers.append(.route, NameAddress(uri: route).description)
        }
        headers.append(.maxForwards, "70")
        // §10.2: To and From are the address-of-record; From carries our constant tag.
        headers.append(.to, NameAddress(displayName: account.displayName, uri: account.aor).description)
        var from = NameAddress(displayName: account.displayName, uri: account.aor)
        from.tag = account.fromTag
        headers.append(.from, from.description)
        // §10.2.4: the same Call-ID for every REGISTER of the account, CSeq increasing.
        headers.append(.callID, account.callID)
        headers.append(.cseq, CSeq(cseq, .register).description)
        for contact in contacts {
            // §10.2.1.1: the lifetime of each binding as a Contact parameter.
            var parameters = SIPParameters()
            parameters.set("expires", String(contact.expires))
            if contact.withInstance, let instance = instanceParameter {
                parameters.set("+sip.instance", instance)
            }
            headers.append(.contact, NameAddress(uri: contact.uri, parameters: parameters).description)
        }
        headers.append(.expires, String(expires))
        for option in policy.supported { headers.append(.supported, option) }
        for method in Self.allowedMethods { headers.append(.allow, method.rawValue) }
        if let userAgent = account.userAgent { headers.append(.userAgent, userAgent) }
        return SIPRequest(method: .register, uri: uri, headers: headers)
    }

    /// `"<urn:uuid:…>"`: RFC 5626 §4.1 puts the instance ID in angle brackets, quoted.
    private var instanceParameter: String? {
        guard var instance = account.instanceID, !instance.isEmpty else { return nil }
        if instance.hasPrefix("\"") { return instance }
        if !instance.hasPrefix("<") { instance = "<" + instance + ">" }
        return "\"" + instance + "\""
    }
}
