import SIPMessage
import Testing

struct HeaderValueTests {
    static let uris: [(text: String, scheme: String, user: String?, host: String, port: Int?, parameters: [String])] = [
        ("sip:door@pbx.example.org", "sip", "door", "pbx.example.org", nil, []),
        ("sips:door:secret@10.0.0.1:5061;transport=tls", "sips", "door", "10.0.0.1", 5061, ["transport"]),
        ("sip:[2001:db8::10]:5070;lr", "sip", nil, "[2001:db8::10]", 5070, ["lr"]),
        ("sip:+4930123@carrier.example;user=phone", "sip", "+4930123", "carrier.example", nil, ["user"]),
        ("sip:user;par=u%40example.net@example.com", "sip", "user;par=u%40example.net", "example.com", nil, []),
        ("tel:+1-201-555-0123;phone-context=example.com", "tel", "+1-201-555-0123", "", nil, ["phone-context"]),
        ("SIP:Door@Example.ORG", "sip", "Door", "Example.ORG", nil, []),
    ]

    @Test(arguments: uris)
    func uriParsesAndPrintsBack(_ text: String, scheme: String, user: String?, host: String, port: Int?, parameters: [String]) throws {
        let uri = try SIPURI(text)
        #expect(uri.scheme == scheme)
        #expect(uri.user == user)
        #expect(uri.host == host)
        #expect(uri.port == port)
        #expect(uri.parameters.map(\.name) == parameters)
        #expect(try SIPURI(uri.description) == uri)
    }

    static let badURIs: [(text: String, reason: String)] = [
        ("sip:door@", "missing host"),
        ("sip:door@host:99999", "invalid port"),
        ("sip:door@host;;lr", "empty URI parameter"),
        ("sip:door @host", "invalid character"),
        ("sip:[2001:db8::10", "unterminated IPv6"),
        ("door@host", "scheme"),
        ("sip:@host", "empty user part"),
    ]

    @Test(arguments: badURIs)
    func badURIIsRejected(_ text: String, reason: String) {
        let error = #expect(throws: SIPParseError.self) { try SIPURI(text) }
        #expect(error?.reason.contains(reason) == true, "\(error?.reason ?? "")")
    }

    static let addresses: [(text: String, display: String?, uri: String, tag: String?)] = [
        ("\"Front door\" <sip:door@pbx.example.org>;tag=abc", "Front door", "sip:door@pbx.example.org", "abc"),
        ("Front Door <sip:door@pbx.example.org>", "Front Door", "sip:door@pbx.example.org", nil),
        ("caller<sip:caller@example.com>;tag=323", "caller", "sip:caller@example.com", "323"),
        ("sip:door@pbx.example.org;tag=x1", nil, "sip:door@pbx.example.org", "x1"),
        ("<sip:door@10.0.0.2;transport=tcp>;expires=300", nil, "sip:door@10.0.0.2;transport=tcp", nil),
        ("\"Quote \\\"me\\\"\" <sip:q@example.com>", "Quote \"me\"", "sip:q@example.com", nil),
        ("<urn:service:sos>", nil, "urn:service:sos", nil),
    ]

    @Test(arguments: addresses)
    func nameAddressParses(_ text: String, display: String?, uri: String, tag: String?) throws {
        let address = try NameAddress(text)
        #expect(address.displayName == display)
        #expect(address.uri.description == uri)
        #expect(address.tag == tag)
        #expect(try NameAddress(address.description) == address)
    }

    @Test func contactParametersOutsideBracketsBelongToTheHeader() throws {
        // RFC 4475 §3.3.12: without <>, ";expires" is a header parameter.
        let contact = try NameAddress("sip:user@host.example.com;expires=3600")
        #expect(contact.uri.parameters.isEmpty)
        #expect(contact.parameters.value("expires") == "3600")
        let instance = try NameAddress("<sip:door@10.0.0.2>;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-000000000001>\"")
        #expect(instance.parameters.value("+sip.instance") == "\"<urn:uuid:00000000-0000-1000-8000-000000000001>\"")
    }

    static let vias: [(text: String, transport: String, host: String, port: Int?, branch: String?, rport: Int?, received: String?)] = [
        ("SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bK1;rport", "UDP", "10.0.0.5", 5060, "z9hG4bK1", nil, nil),
        ("SIP/2.0/UDP 10.0.0.5:5060;rport=40123;received=203.0.113.7;branch=z9hG4bK2", "UDP", "10.0.0.5", 5060, "z9hG4bK2", 40123, "203.0.113.7"),
        ("SIP / 2.0 / TCP spindle.example.com ; branch = z9hG4bK9ikj8", "TCP", "spindle.example.com", nil, "z9hG4bK9ikj8", nil, nil),
        ("SIP/2.0/TLS [2001:db8::9:1]:5061;received=[2001:db8::9:255];branch=z9hG4bK3", "TLS", "[2001:db8::9:1]", 5061, "z9hG4bK3", nil, "[2001:db8::9:255]"),
        ("SIP/2.0/udp host;received=2001:db8::9:255", "UDP", "host", nil, nil, nil, "2001:db8::9:255"),
    ]

    @Test(arguments: vias)
    func viaParses(_ text: String, transport: String, host: String, port: Int?, branch: String?, rport: Int?, received: String?) throws {
        let via = try Via(text)
        #expect(via.transport == transport)
        #expect(via.host == host)
        #expect(via.port == port)
        #expect(via.branch == branch)
        #expect(via.rport == rport)
        #expect(via.received == received)
        #expect(try Via(via.description) == via)
    }

    @Test(arguments: ["SIP/2.0 10.0.0.5", "SIP/2.0/UDP", "SIP/2.0/UDP host:port", "SIP/2.0/UDP host;;branch=1"])
    func badViaIsRejected(_ text: String) {
        #expect(throws: SIPParseError.self) { try Via(text) }
    }

    @Test func challengeAndCredentialsRoundTrip() throws {
        let challenge = try AuthenticationHeader("Digest realm=\"doorlab\", nonce=\"ZXr+/5g\", qop=\"auth,auth-int\", algorithm=SHA-256, stale=true")
        #expect(challenge.isDigest)
        #expect(challenge["realm"] == "doorlab")
        #expect(challenge["QOP"] == "auth,auth-int")
        #expect(challenge["stale"] == "true")
        #expect(try AuthenticationHeader(challenge.description) == challenge)
        let credentials = AuthenticationHeader(scheme: "Digest", parameters: [
            ("username", "door"), ("realm", "doorlab"), ("nonce", "n"), ("uri", "sip:pbx"), ("response", "abc"),
            ("algorithm", "MD5"), ("qop", "auth"), ("nc", "00000001"), ("cnonce", "c"),
        ])
        #expect(credentials.description == "Digest username=\"door\", realm=\"doorlab\", nonce=\"n\", uri=\"sip:pbx\", response=\"abc\", algorithm=MD5, qop=auth, nc=00000001, cnonce=\"c\"")
    }

    @Test(arguments: ["Digest realm", "Digest realm=\"x", "Digest realm=\"x\" nonce=\"y\"", ""])
    func badAuthenticationHeaderIsRejected(_ text: String) {
        #expect(throws: SIPParseError.self) { try AuthenticationHeader(text) }
    }
}
