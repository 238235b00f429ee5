@testable import SIP
import SIPMessage
import Testing

/// RFC 2617 / RFC 7616 vectors, and digest answers to SIP challenges (RFC 3261 §22, RFC 8760).
@Suite struct DigestAuthenticatorTests {
    // MARK: Vectors

    /// RFC 2617 §3.5: Mufasa, "Circle Of Life", MD5, qop=auth.
    @Test func rfc2617Vector() {
        let ha1 = DigestComputation.ha1(.md5, userID: "Mufasa", realm: "testrealm@host.com", password: "Circle Of Life")
        #expect(ha1 == "939e7578ed9e3c518a452acee763bce9")
        let response = DigestComputation.response(DigestAlgorithm(hash: .md5), ha1: ha1,
                                                  nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093", cnonce: "0a4f113b",
                                                  nc: "00000001", qop: .auth, method: "GET", uri: "/dir/index.html")
        #expect(response == "6629fae49393a05397450978507c4ef1")
    }

    /// RFC 7616 §3.9.1: the same request answered with SHA-256 and with MD5.
    @Test(arguments: [
        (DigestHash.sha256, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"),
        (DigestHash.md5, "8ca523f5e9506fed4657c9700eebdbec"),
    ])
    func rfc7616Vectors(hash: DigestHash, expected: String) {
        let ha1 = DigestComputation.ha1(hash, userID: "Mufasa", realm: "http-auth@example.org", password: "Circle of Life")
        let response = DigestComputation.response(
            DigestAlgorithm(hash: hash), ha1: ha1, nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
            cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", nc: "00000001", qop: .auth, method: "GET",
            uri: "/dir/index.html")
        #expect(response == expected)
    }

    @Test(arguments: [
        ("MD5", DigestHash.md5, false), ("md5-SESS", .md5, true), ("SHA-256", .sha256, false), ("sha-256-sess", .sha256, true),
    ])
    func algorithmNames(name: String, hash: DigestHash, session: Bool) {
        #expect(DigestAlgorithm(name) == DigestAlgorithm(hash: hash, isSession: session))
    }

    @Test(arguments: ["SHA-512-256", "AKAv1-MD5", "", "SHA-256-sess-x"])
    func unknownAlgorithms(name: String) {
        #expect(DigestAlgorithm(name) == nil)
    }

    // MARK: SIP challenges

    /// A 401 with qop=auth: one Authorization with every field, the digest over REGISTER and
    /// the Request-URI, CSeq + 1.
    @Test func answers401() throws {
        var authenticator = DigestAuthenticator(credentials: [Digest.alice])
        var random = SeededGenerator(state: 1)
        let challenge = #"Digest realm="atlanta.com", nonce="84a4cc6f3082121f32b42a2187831a9e", qop="auth", algorithm=MD5, opaque="5ccc069c403ebaf9f0171e9517f40e41""#
        let request = try authenticator.authenticate(Digest.register, challengedBy: Digest.challenge(401, challenge), using: &random)
        #expect(request.headers[.cseq] == "2 REGISTER")
        #expect(request.headers.count(of: .authorization) == 1)
        #expect(!request.headers.contains(.proxyAuthorization))
        let credentials = try AuthenticationHeader(request.headers[.authorization]!)
        #expect(credentials.scheme == "Digest")
        #expect(credentials.parameters.map(\.name) == ["username", "realm", "nonce", "uri", "response", "algorithm", "cnonce", "opaque", "qop", "nc"])
        #expect(credentials["username"] == "alice")
        #expect(credentials["realm"] == "atlanta.com")
        #expect(credentials["uri"] == "sip:atlanta.com")
        #expect(credentials["algorithm"] == "MD5")
        #expect(credentials["opaque"] == "5ccc069c403ebaf9f0171e9517f40e41")
        #expect(credentials["qop"] == "auth")
        #expect(credentials["nc"] == "00000001")
        let cnonce = try #require(credentials["cnonce"])
        #expect(cnonce.count == 16)
        #expect(credentials["response"] == Digest.expected(.md5, password: "secret", nonce: "84a4cc6f3082121f32b42a2187831a9e",
                                                          nc: "00000001", cnonce: cnonce))
        // Bare tokens stay bare, strings are quoted (RFC 7616 §3.4).
        #expect(request.headers[.authorization]!.hasPrefix(#"Digest username="alice", realm="atlanta.com", nonce="84a4cc6f3082121f32b42a2187831a9e", uri="sip:atlanta.com", response=""#))
        #expect(request.headers[.authorization]!.hasSuffix(#"algorithm=MD5, cnonce="\#(cnonce)", opaque="5ccc069c403ebaf9f0171e9517f40e41", qop=auth, nc=00000001"#))
    }

    /// A 407 is answered with Proxy-Authorization (RFC 3261 §22.3).
    @Test func answers407() throws {
        var authenticator = DigestAuthenticator(credentials: [Digest.alice])
        var random = SeededGenerator(state: 2)
        let request = try authenticator.authenticate(Digest.register, challengedBy: Digest.challenge(407, #"Digest realm="atlanta.com", nonce="n1""#), using: &random)
        #expect(request.headers.count(of: .proxyAuthorization) == 1)
        #expect(!request.headers.contains(.authorization))
        let credentials = try AuthenticationHeader(request.headers[.proxyAuthorization]!)
        // No qop: RFC 2069 form, no cnonce, nc or qop; no algorithm was named, none is echoed.
        #expect(credentials.parameters.map(\.name) == ["username", "realm", "nonce", "uri", "response"])
        #expect(credentials["response"] == Digest.expected(.md5, password: "secret", nonce: "n1", nc: nil, cnonce: nil))
    }

    /// RFC 8760 §2.4: SHA-256 is preferred over MD5 whatever the order; unknown algorithms and
    /// other schemes are ignored.
    @Test(arguments: [
        [#"Digest realm="atlanta.com", nonce="n1", algorithm=MD5, qop="auth""#, #"Digest realm="atlanta.com", nonce="n1", algorithm=SHA-256, qop="auth""#],
        [#"Digest realm="atlanta.com", nonce="n1", algorithm=SHA-256, qop="auth""#, #"Digest realm="atlanta.com", nonce="n1", qop="auth""#],
        [#"Bearer realm="atlanta.com""#, #"Digest realm="atlanta.com", nonce="n1", algorithm=SHA-512-256, qop="auth""#,
         #"Digest realm="atlanta.com", nonce="n1", algorithm=MD5, qop="auth""#, #"Digest realm="atlanta.com", nonce="n1", algorithm=SHA-256, qop="auth""#],
    ])
    func prefersSHA256(challenges: [String]) throws {
        var authenticator = DigestAuthenticator(credentials: [Digest.alice])
        var random = SeededGenerator(state: 3)
        let request = try authenticator.authenticate(Digest.register, challengedBy: Digest.challenge(401, challenges), using: &random)
        #expect(request.headers.count(of: .authorization) == 1)
        let credentials = try AuthenticationHeader(request.headers[.authorization]!)
        #expect(credentials["algorithm"] == "SHA-256")
        #expect(credentials["response"]?.count == 64)
        #expect(credentials["response"] == Digest.expected(.sha256, password: "secret", nonce: "n1", nc: "00000001",
                                                          cnonce: credentials["cnonce"]))
    }

    /// RFC 7616 §3.4.2: -sess hashes HA1 again with the nonce and cnonce.
    @Test(arguments: [("MD5-sess", DigestHash.md5), ("SHA-256-sess", .sha256)])
    func sessionAlgorithms(name: String, hash: DigestHash) throws {
        var authenticator = DigestAuthenticator(credentials: [Digest.alice])
        var random = SeededGenerator(state: 4)
        let request = try authenticator.authenticate(
            Digest.register, challengedBy: Digest.challenge(401, #"Digest realm="atlanta.com", nonce="n9", algorithm=\#(name), qop="auth""#), using: &random)
        let credentials = try AuthenticationHeader(request.headers[.authorization]!)
        let cnonce = try #require(credentials["cnonce"])
        let ha1 = hash.hex(hash.hex("alice:atlanta.com:secret") + ":n9:" + cnonce)
        let ha2 = hash.hex("REGISTER:sip:atlanta.com")
        #expect(credentials["algorithm"] == name)
        #expect(credentials["response"] == hash.hex("\(ha1):n9:00000001:\(cnonce):auth:\(ha2)"))
    }

    /// RFC 7616 §3.4.3: auth-int covers the body.
    @Test func authInt() throws {
        var authenticator = DigestAuthenticator(credentials: [Digest.alice])
        var random = SeededGenerator(state: 5)
        var register = Digest.register
        register.body = Array("hello".utf8)
        let request = try authenticator.authenticate(register, challengedBy: Digest.challenge(401, #"Digest realm="atlanta.com", nonce="n2", qop="auth-int""#), using: &random)
        let credentials = try AuthenticationHeader(request.headers[.authorization]!)
        let cnonce = try #require(credentials["cnonce"])
        let ha1 = DigestHash.md5.hex("alice:atlanta.com:secret")
        let ha2 = DigestHash.md5.hex("REGISTER:sip:atlanta.com:" + DigestHash.md5.hex("hello"))
        #expect(credentials["qop"] == "auth-int")
        #expect(credentials["response"] == DigestHash.md5.hex("\(ha1):n2:00000001:\(cnonce):auth-int:\(ha2)"))
    }

    /// A stored HA1 gives the same answer as the password, for its own algorithm only.
    @Test(arguments: [DigestHash.md5, .sha256])
    func storedHA1(hash: DigestHash) throws {
        let ha1 = hash.hex("alice:atlanta.com:secret").uppercased()
        var withHA1 = DigestAuthenticator(credentials: [DigestCredentials(username: "alice", ha1: ha1, ha1Algorithm: hash)])
        var withPassword = DigestAuthenticator(credentials: [Digest.alice])
        let challenge = Digest.challenge(401, #"Digest realm="atlanta.com", nonce="n3", algorithm=MD5, qop="auth""#,
                                         #"Digest realm="atlanta.com", nonce="n3", algorithm=SHA-256, qop="auth""#)
        var random1 = SeededGenerator(state: 6), random2 = SeededGenerator(state: 6)
        let a = try withHA1.authenticate(Digest.register, challengedBy: challenge, using: &random1)
        let b = try withPassword.authenticate(Digest.register, challengedBy: challenge.only(hash), using: &random2)
        #expect(a.headers[.authorization] == b.headers[.authorization])
        #expect(try AuthenticationHeader(a.headers[.authorization]!)["algorithm"] == hash.rawValue)
    }

    @Test func storedHA1OfAnotherAlgorithm() {
        var authenticator = DigestAuthenticator(credentials: [DigestCredentials(username: "alice", ha1: String(repeating: "a", count: 32))])
        var random = SeededGenerator(state: 7)
        #expect(throws: DigestAuthenticationError.ha1AlgorithmMismatch(realm: "atlanta.com", stored: .md5, offered: ["SHA-256"])) {
            try authenticator.authenticate(Digest.register, challengedBy: Digest.challenge(401, #"Digest realm="atlanta.com", nonce="n", algorithm=SHA-256"#), using: &random)
        }
    }

    /// Credentials per realm; the authorization user is hashed and sent.
    @Test func twoRealms() throws {
        var authenticator = DigestAuthenticator(credentials: [
            DigestCredentials(username: "door", userID: "door-auth", password: "one", realm: "b.example"),
            DigestCredentials(username: "door", password: "two"),
        ])
        var random = SeededGenerator(state: 8)
        let request = try authenticator.authenticate(Digest.register, challengedBy: Digest.challenge(
            401, #"Digest realm="a.example", nonce="na""#, #"Digest realm="b.example", nonce="nb""#), using: &random)
        let headers = try request.headers.values(.authorization).map { try AuthenticationHeader($0) }
        #expect(headers.map { $0["realm"] } == ["a.example", "b.example"])
        #expect(headers.map { $0["username"] } == ["door", "door-auth"])
        #expect(headers[0]["response"] == DigestHash.md5.hex(DigestHash.md5.hex("door:a.example:two") + ":na:" + DigestHash.md5.hex("REGISTER:sip:atlanta.com")))
        #expect(headers[1]["response"] == DigestHash.md5.hex(DigestHash.md5.hex("door-auth:b.example:one") + ":nb:" + DigestHash.md5.hex("REGISTER:sip:atlanta.com")))
    }

    /// RFC 7616 §3.4: nc counts the uses of a nonce, and starts again with a new one.
    @Test func nonceCount() throws {
        var authenticator = DigestAuthenticator(credentials: [Digest.alice])
        var random = SeededGenerator(state: 9)
        let qopChallenge = #"Digest realm="atlanta.com", nonce="n1", qop="auth""#
        let first = try authenticator.authenticate(Digest.register, challengedBy: Digest.challenge(401, qopChallenge), using: &random)
        let second = authenticator.authorize(Digest.register)
        let third = authenticator.authorize(Digest.register)
        let nc = { (request: SIPRequest) in try AuthenticationHeader(request.headers[.authorization]!)["nc"] }
        #expect(try [first, second, third].map(nc) == ["00000001", "00000002", "00000003"])
        // The same cnonce throughout, a different response each time.
        let cnonces = try Set([first, second, third].map { try AuthenticationHeader($0.headers[.authorization]!)["cnonce"] })
        #expect(cnonces.count == 1)
        let fresh = try authenticator.authenticate(third, challengedBy: Digest.challenge(401, #"Digest realm="atlanta.com", nonce="n2", qop="auth", stale=true"#), using: &random)
        #expect(try nc(fresh) == "00000001")
        #expect(try AuthenticationHeader(fresh.headers[.authorization]!)["nonce"] == "n2")
    }

    /// stale=true for the nonce we answered: answer the new nonce, not an error.
    @Test func staleIsNotRejection() throws {
        var authenticator = DigestAuthenticator(credentials: [Digest.alice])
        var random = SeededGenerator(state: 10)
        let first = try authenticator.authenticate(Digest.register, challengedBy: Digest.challenge(401, #"Digest realm="atlanta.com", nonce="n1""#), using: &random)
        let staleResponse = Digest.challenge(401, #"Digest realm="atlanta.com", nonce="n1", stale=TRUE"#)
        #expect(DigestAuthenticator.isStale(staleResponse))
        #expect(!DigestAuthenticator.isStale(Digest.challenge(401, #"Digest realm="atlanta.com", nonce="n1""#)))
        let second = try authenticator.authenticate(first, challengedBy: staleResponse, using: &random)
        #expect(second.headers[.cseq] == "3 REGISTER")
    }

    /// The same nonce challenged again right after our answer, without stale: wrong password.
    @Test func wrongPasswordIsRejected() throws {
        var authenticator = DigestAuthenticator(credentials: [DigestCredentials(username: "alice", password: "hunter2")])
        var random = SeededGenerator(state: 11)
        let challenge = Digest.challenge(401, #"Digest realm="atlanta.com", nonce="n1", qop="auth""#)
        let first = try authenticator.authenticate(Digest.register, challengedBy: challenge, using: &random)
        let error = #expect(throws: DigestAuthenticationError.rejected(realm: "atlanta.com", userID: "alice")) {
            try authenticator.authenticate(first, challengedBy: challenge, using: &random)
        }
        #expect(error?.description == #"wrong username or password for realm "atlanta.com" (user alice)"#)
        #expect(error?.description.contains("hunter2") == false)
        // The rejected challenge is forgotten: nothing is sent preemptively any more.
        #expect(!authenticator.authorize(Digest.register).headers.contains(.authorization))
        // A new nonce is a new try.
        #expect(throws: Never.self) {
            try authenticator.authenticate(first, challengedBy: Digest.challenge(401, #"Digest realm="atlanta.com", nonce="n2""#), using: &random)
        }
    }

    /// RFC 3261 §22.3: a 401 after a 407 keeps the proxy credentials, signed again.
    @Test func proxyCredentialsKeptAcross401() throws {
        var authenticator = DigestAuthenticator(credentials: [Digest.alice])
        var random = SeededGenerator(state: 12)
        let afterProxy = try authenticator.authenticate(Digest.register, challengedBy: Digest.challenge(407, #"Digest realm="proxy", nonce="p1", qop="auth""#), using: &random)
        let afterRegistrar = try authenticator.authenticate(afterProxy, challengedBy: Digest.challenge(401, #"Digest realm="atlanta.com", nonce="r1", qop="auth""#), using: &random)
        #expect(afterRegistrar.headers[.cseq] == "3 REGISTER")
        #expect(try AuthenticationHeader(afterRegistrar.headers[.proxyAuthorization]!)["nc"] == "00000002")
        #expect(try AuthenticationHeader(afterRegistrar.headers[.authorization]!)["nc"] == "00000001")
    }

    @Test(arguments: [
        (401, [#"Digest realm="elsewhere", nonce="n""#], DigestAuthenticationError.noCredentials(realm: "elsewhere")),
        (401, [#"Digest realm="atlanta.com", nonce="n", algorithm=SHA-512-256"#], .unsupportedAlgorithm(["SHA-512-256"])),
        (401, [#"Digest realm="atlanta.com", nonce="n", qop="auth-conf""#], .unsupportedAlgorithm(["qop=auth-conf"])),
        (407, [#"Basic realm="atlanta.com""#], .noChallenge(statusCode: 407, schemes: ["Basic"])),
        (401, [], .noChallenge(statusCode: 401, schemes: [])),
    ])
    func errors(status: Int, challenges: [String], expected: DigestAuthenticationError) {
        var authenticator = DigestAuthenticator(credentials: [DigestCredentials(username: "alice", password: "secret", realm: "atlanta.com")])
        var random = SeededGenerator(state: 13)
        #expect(throws: expected) {
            try authenticator.authenticate(Digest.register, challengedBy: Digest.challenge(status, challenges), using: &random)
        }
    }

    /// Secrets never show: description, debug description, reflection, errors.
    @Test func secretsStayHidden() {
        let credentials = DigestCredentials(username: "alice", password: "p4ssw0rd", ha1: "0123456789abcdef0123456789abcdef", realm: "atlanta.com")
        var dumped = ""
        dump(credentials, to: &dumped)
        for text in ["\(credentials)", String(reflecting: credentials), dumped, "\([credentials])"] {
            #expect(!text.contains("p4ssw0rd"))
            #expect(!text.contains("0123456789abcdef"))
            #expect(text.contains("alice"))
        }
    }
}

/// Requests and challenges for the digest tests.
enum Digest {
    static let alice = DigestCredentials(username: "alice", password: "secret")

    static let register: SIPRequest = {
        var headers: SIPHeaders = [.to: "<sip:alice@atlanta.com>", .from: "<sip:alice@atlanta.com>;tag=1"]
        headers.append(.callID, "c1")
        headers.append(.cseq, "1 REGISTER")
        return SIPRequest(method: .register, uri: SIPURI(host: "atlanta.com"), headers: headers)
    }()

    static func challenge(_ status: Int, _ challenges: String...) -> SIPResponse { challenge(status, challenges) }

    static func challenge(_ status: Int, _ challenges: [String]) -> SIPResponse {
        var headers: SIPHeaders = [.cseq: "1 REGISTER"]
        for value in challenges { headers.append(status == 407 ? .proxyAuthenticate : .wwwAuthenticate, value) }
        return SIPResponse(statusCode: status, headers: headers)
    }

    /// The response for alice on REGISTER sip:atlanta.com, computed from the RFC 7616 formulas.
    static func expected(_ hash: DigestHash, password: String, nonce: String, nc: String?, cnonce: String?) -> String {
        let ha1 = hash.hex("alice:atlanta.com:" + password)
        let ha2 = hash.hex("REGISTER:sip:atlanta.com")
        guard let nc, let cnonce else { return hash.hex("\(ha1):\(nonce):\(ha2)") }
        return hash.hex("\(ha1):\(nonce):\(nc):\(cnonce):auth:\(ha2)")
    }
}

extension SIPResponse {
    /// The response keeping only the challenges with `hash`.
    func only(_ hash: DigestHash) -> SIPResponse {
        var copy = self
        copy.headers.remove(.wwwAuthenticate)
        for value in headers.values(.wwwAuthenticate) where value.contains("algorithm=\(hash.rawValue),") {
            copy.headers.append(.wwwAuthenticate, value)
        }
        return copy
    }
}
