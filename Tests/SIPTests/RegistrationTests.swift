import SIP
import SIPMessage
import Testing

/// RFC 3261 §10.2 registration, driven faster than real time.
@Suite struct RegistrationTests {
    static let registeredLocally = "state registered for 3600 s as sip:door@192.168.1.50:5060"
    static let instance = #"+sip.instance="<urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6>""#
    static let natVia = "SIP/2.0/UDP 192.168.1.50:5060;branch=z9hG4bKreg;rport=40001;received=203.0.113.7"

    static func started(_ account: RegistrationAccount = Reg.account(), policy: RegistrationPolicy = Reg.exact) -> RegistrationHarness {
        var harness = RegistrationHarness(account: account, policy: policy)
        harness.deliver(.start, at: 0)
        return harness
    }

    // MARK: The REGISTER

    @Test func firstRegisterOnTheWire() {
        var harness = RegistrationHarness()
        #expect(harness.deliver(.start, at: 0) == ["state registering", "send REGISTER 1"])
        let expected = [
            "REGISTER sip:example.com SIP/2.0",
            "Max-Forwards: 70",
            #"To: "Front door" <sip:door@example.com>"#,
            #"From: "Front door" <sip:door@example.com>;tag=f1"#,
            "Call-ID: reg-1@192.168.1.50",
            "CSeq: 1 REGISTER",
            "Contact: <sip:door@192.168.1.50:5060>;expires=3600;" + Self.instance,
            "Expires: 3600",
            "Supported: path",
        ] + ["INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "INFO", "PRACK", "UPDATE"].map { "Allow: " + $0 } + [
            "User-Agent: doorstationd/1.0",
            "Content-Length: 0",
            "", "",
        ]
        #expect(SIPMessage.request(harness.last).description == expected.joined(separator: "\r\n"))
        #expect(!harness.last.headers.contains(.via))
    }

    /// Outbound proxies become loose Route headers; Request-URI parameters are appended.
    @Test func routesAndRequestURIParameters() {
        let account = Reg.account(routes: [SIPURI(host: "proxy.example.com"), try! SIPURI("sip:10.0.0.1:5070;transport=tcp;lr")],
                                  parameters: ["user": "phone"])
        let harness = Self.started(account)
        #expect(harness.last.uri.description == "sip:example.com;user=phone")
        #expect(harness.last.headers.values(.route) == ["<sip:proxy.example.com;lr>", "<sip:10.0.0.1:5070;transport=tcp;lr>"])
    }

    // MARK: Authentication

    @Test(arguments: [(401, SIPHeaderName.wwwAuthenticate, SIPHeaderName.authorization),
                      (407, .proxyAuthenticate, .proxyAuthorization)])
    func challengeThen200(status: Int, challengeHeader: SIPHeaderName, credentialsHeader: SIPHeaderName) throws {
        var harness = Self.started()
        let answer = harness.answer(at: 0.1) { Reg.reply(status, to: $0, [(challengeHeader, Reg.challenge)]) }
        #expect(answer == ["send REGISTER 2"])
        let credentials = try AuthenticationHeader(try #require(harness.last.headers[credentialsHeader]))
        #expect(credentials["username"] == "door")
        #expect(credentials["realm"] == "example.com")
        #expect(credentials["uri"] == "sip:example.com")
        #expect(credentials["nc"] == "00000001")
        #expect(harness.answer(at: 0.2) { Reg.ok($0) } == ["start refresh 3239.9", Self.registeredLocally])
        #expect(harness.machine.status == .registered(expires: 3600, contact: Reg.localContact, publicAddress: nil))
    }

    /// A wrong password fails after one answered challenge; retries back off 5, 10, 20 … 300 s,
    /// each costing two REGISTERs.
    @Test func wrongPasswordBacksOff() {
        var harness = Self.started()
        var delays: [String] = []
        for round in 0..<9 {
            #expect(harness.answer(at: harness.now.seconds) { Reg.unauthorized($0) } == ["send REGISTER \(2 * round + 2)"])
            let failure = harness.answer(at: harness.now.seconds) { Reg.unauthorized($0) }
            #expect(failure.last == #"state failed (401): authentication failed: wrong username or password for realm "example.com" (user door); retry in \#(failure.first!.split(separator: " ").last!) s"#)
            delays.append(String(failure.first!.split(separator: " ").last!))
            #expect(!failure.contains { $0.hasPrefix("send") })
            harness.fireNextTimer()
            let retried: [String] = harness.log.suffix(2).map { String($0.split(separator: " ", maxSplits: 1)[1]) }
            #expect(retried == ["state registering", "send REGISTER \(2 * round + 3)"])
        }
        #expect(delays == ["5", "10", "20", "40", "80", "160", "300", "300", "300"])
        #expect(harness.sent.count == 19)
        let total = [5, 10, 20, 40, 80, 160, 300, 300, 300].reduce(0, +)
        #expect(harness.now == .seconds(total))
    }

    @Test func missingCredentials() {
        var harness = Self.started(Reg.account(credentials: []))
        let failure = harness.answer(at: 1) { Reg.unauthorized($0) }
        #expect(failure.first == "start retry 5")
        guard case .failed(401, let reason, .seconds(5)) = harness.machine.status else {
            Issue.record("expected a failure, got \(harness.machine.status)")
            return
        }
        #expect(reason.hasPrefix(#"authentication failed: no credentials for realm "example.com""#))
    }

    /// stale=true does not count against the bound of two challenges in a row.
    @Test func staleChallengesAreAnswered() {
        var harness = Self.started()
        harness.answer(at: 0) { Reg.unauthorized($0, challenge: #"Digest realm="example.com", nonce="n1""#) }
        for nonce in ["n2", "n3", "n4"] {
            let actions = harness.answer(at: 0) { Reg.unauthorized($0, challenge: #"Digest realm="example.com", nonce="\#(nonce)", stale=true"#) }
            #expect(actions.count == 1 && actions[0].hasPrefix("send"))
        }
        #expect(harness.answer(at: 0) { Reg.ok($0) }.last == Self.registeredLocally)
    }

    /// Three fresh challenges in a row (never the same nonce twice): give up, without a loop.
    @Test func boundedChallenges() {
        var harness = Self.started()
        harness.answer(at: 0) { Reg.unauthorized($0, challenge: #"Digest realm="example.com", nonce="a""#) }
        harness.answer(at: 0) { Reg.unauthorized($0, challenge: #"Digest realm="example.com", nonce="b""#) }
        let third = harness.answer(at: 0) { Reg.unauthorized($0, challenge: #"Digest realm="example.com", nonce="c""#) }
        #expect(third == ["start retry 5", "state failed (401): authentication failed: the registrar rejected our credentials again (wrong username or password for realm \"example.com\"?); retry in 5 s"])
    }

    // MARK: Refresh

    /// §10.2.4: refresh at 90 % of the granted time, never later than 5 s before it ends,
    /// counted from when the REGISTER was sent.
    @Test(arguments: [
        (3600, [(SIPHeaderName.contact, "<sip:door@192.168.1.50:5060>;expires=300")], 270.0),
        (3600, [(.contact, "<sip:door@192.168.1.50>;expires=300"), (.expires, "600")], 270),
        (3600, [(.contact, "<sip:other@192.168.1.60>;expires=30"), (.expires, "120")], 108),
        (3600, [], 3240),
        (60, [(.contact, "<sip:door@192.168.1.50:5060>;expires=60")], 54),
        (20, [(.contact, "<sip:door@192.168.1.50:5060>;expires=20")], 15),
        (6, [(.contact, "<sip:door@192.168.1.50:5060>;expires=6")], 3),
    ])
    func refreshTiming(asked: Int, headers: [(SIPHeaderName, String)], refreshAt: Double) {
        var harness = Self.started(Reg.account(expires: asked))
        harness.answer(at: 0.5) { Reg.reply(200, to: $0, headers) }
        harness.fireNextTimer()
        #expect(harness.sent.count == 2)
        #expect(harness.now == .milliseconds(Int(refreshAt * 1000)))
        #expect(harness.log.last == "\(RegistrationHarness.seconds(harness.now)) send REGISTER 2")
    }

    /// §10.2.4: the same Call-ID, From tag and Contact on every refresh, CSeq + 1; the last
    /// challenge is answered at once with the next nonce count.
    @Test func refreshesKeepTheDialogIdentifiers() throws {
        var harness = Self.started()
        harness.answer(at: 0) { Reg.unauthorized($0) }
        harness.answer(at: 0) { Reg.ok($0, granted: 300) }
        for (index, expectedNC) in ["00000002", "00000003", "00000004"].enumerated() {
            harness.fireNextTimer()
            #expect(harness.now == .seconds(270 * (index + 1)))
            let refresh = harness.last
            #expect(refresh.headers[.cseq] == "\(index + 3) REGISTER")
            #expect(refresh.headers[.callID] == "reg-1@192.168.1.50")
            #expect(refresh.headers[.from] == #""Front door" <sip:door@example.com>;tag=f1"#)
            #expect(refresh.headers.values(.contact) == ["<sip:door@192.168.1.50:5060>;expires=3600;" + Self.instance])
            #expect(try AuthenticationHeader(refresh.headers[.authorization]!)["nc"] == expectedNC)
            // Still registered: a refresh does not flap the state.
            #expect(harness.answer(at: harness.now.seconds) { Reg.ok($0, granted: 300) } == ["start refresh 270"])
        }
    }

    // MARK: 423

    /// §10.2.8: ask again with Min-Expires, once per value.
    @Test func intervalTooBrief() {
        var harness = Self.started(Reg.account(expires: 60))
        #expect(harness.answer(at: 0) { Reg.reply(423, to: $0, [(.minExpires, "300")]) } == ["send REGISTER 2"])
        #expect(harness.last.headers.values(.contact) == ["<sip:door@192.168.1.50:5060>;expires=300;" + Self.instance])
        #expect(harness.last.headers[.expires] == "300")
        #expect(harness.answer(at: 0) { Reg.ok($0) } == ["start refresh 270", "state registered for 300 s as sip:door@192.168.1.50:5060"])
        harness.fireNextTimer()
        #expect(harness.last.headers[.expires] == "300")
        // A registrar that asks for the same value again is not followed a second time.
        #expect(harness.answer(at: 270) { Reg.reply(423, to: $0, [(.minExpires, "600")]) } == ["send REGISTER 4"])
        let failure = harness.answer(at: 270) { Reg.reply(423, to: $0, [(.minExpires, "600")]) }
        #expect(failure.first == "start retry 5")
        #expect(failure.last?.hasPrefix("state failed (423)") == true)
    }

    // MARK: Failures

    /// Retry-After replaces the backoff (§20.33), for any failure.
    @Test(arguments: [(503, "120", 120), (500, "30 (maintenance)", 30), (480, "600;duration=10", 600),
                      (403, nil, 5), (404, "0", 1)])
    func retryAfter(status: Int, retryAfter: String?, delay: Int) {
        var harness = Self.started()
        let failure = harness.answer(at: 2) { Reg.reply(status, to: $0, retryAfter.map { [(.retryAfter, $0)] } ?? []) }
        #expect(failure.first == "start retry \(delay)")
        #expect(harness.machine.status == .failed(code: status, reason: "\(status) \(SIPResponse(statusCode: status).reason)", retryIn: .seconds(delay)))
        harness.fireNextTimer()
        #expect(harness.now == .seconds(2 + delay))
        #expect(harness.sent.count == 2)
    }

    @Test(arguments: [(Registration.Event.transactionTimedOut, "no response from registrar"),
                      (.transportFailed, "could not reach registrar (transport failure)")])
    func noResponseRetries(event: Registration.Event, reason: String) {
        var harness = Self.started()
        #expect(harness.deliver(event, at: 32) == ["start retry 5", "state failed: \(reason); retry in 5 s"])
        #expect(harness.machine.status == .failed(code: nil, reason: reason, retryIn: .seconds(5)))
        harness.fireNextTimer()
        #expect(harness.log.suffix(2) == ["37 state registering", "37 send REGISTER 2"])
        #expect(harness.deliver(event, at: 69) == ["start retry 10", "state failed: \(reason); retry in 10 s"])
        harness.fireNextTimer()
        harness.answer(at: 80) { Reg.ok($0) }
        #expect(harness.machine.status == .registered(expires: 3600, contact: Reg.localContact, publicAddress: nil))
        // Success resets the backoff.
        harness.fireNextTimer()
        #expect(harness.deliver(event, at: harness.now.seconds + 32).first == "start retry 5")
    }

    /// The default policy spreads retries by ±20 %.
    @Test func jitter() {
        var delays: Set<Duration> = []
        for seed in UInt64(1)...20 {
            var harness = RegistrationHarness(policy: RegistrationPolicy(), seed: seed)
            harness.deliver(.start, at: 0)
            harness.deliver(.transactionTimedOut, at: 32)
            guard case .failed(_, _, let retryIn) = harness.machine.status else { Issue.record("not failed"); return }
            #expect(retryIn >= .seconds(4) && retryIn <= .seconds(6))
            delays.insert(retryIn)
        }
        #expect(delays.count > 10)
    }

    // MARK: NAT (RFC 3581)

    /// received/rport differ from our contact: register the public address at once and remove
    /// the local binding in the same REGISTER; report registered only then.
    @Test func learnsThePublicAddress() {
        var harness = Self.started()
        #expect(harness.answer(at: 0.1) { Reg.ok($0, via: Self.natVia) } == ["send REGISTER 2"])
        #expect(harness.last.headers.values(.contact) == [
            "<sip:door@203.0.113.7:40001>;expires=3600;" + Self.instance,
            "<sip:door@192.168.1.50:5060>;expires=0",
        ])
        #expect(harness.machine.status == .registering)
        #expect(harness.answer(at: 0.2) { Reg.ok($0, via: Self.natVia) } == [
            "start refresh 3239.9", "state registered for 3600 s as sip:door@203.0.113.7:40001 (public address 203.0.113.7:40001)",
        ])
        // The refresh registers the public contact alone.
        harness.fireNextTimer()
        #expect(harness.last.headers.values(.contact) == ["<sip:door@203.0.113.7:40001>;expires=3600;" + Self.instance])
        #expect(harness.answer(at: harness.now.seconds) { Reg.ok($0, via: Self.natVia) } == ["start refresh 3240"])
    }

    /// Nothing to learn: no second REGISTER.
    @Test(arguments: ["SIP/2.0/UDP 192.168.1.50:5060;branch=z9hG4bKreg;rport=5060;received=192.168.1.50",
                      "SIP/2.0/UDP 192.168.1.50:5060;branch=z9hG4bKreg;rport",
                      "SIP/2.0/UDP 192.168.1.50;branch=z9hG4bKreg;received=192.168.1.50"])
    func noNATNoLoop(via: String) {
        var harness = Self.started()
        #expect(harness.answer(at: 0) { Reg.ok($0, via: via) } == ["start refresh 3240", Self.registeredLocally])
        #expect(harness.sent.count == 1)
    }

    /// The NAT mapping changed (seen on a refresh): move the binding again.
    @Test func natRebinding() {
        var harness = Self.started()
        harness.answer(at: 0) { Reg.ok($0, via: Self.natVia) }
        harness.answer(at: 0) { Reg.ok($0, via: Self.natVia) }
        harness.fireNextTimer()
        let rebound = "SIP/2.0/UDP 192.168.1.50:5060;branch=z9hG4bKreg;rport=40002;received=203.0.113.7"
        #expect(harness.answer(at: 3240) { Reg.ok($0, via: rebound) } == ["send REGISTER 4"])
        #expect(harness.last.headers.values(.contact) == [
            "<sip:door@203.0.113.7:40002>;expires=3600;" + Self.instance,
            "<sip:door@203.0.113.7:40001>;expires=0",
        ])
        harness.answer(at: 3240) { Reg.ok($0, via: rebound) }
        #expect(harness.machine.status == .registered(expires: 3600, contact: SIPURI(user: "door", host: "203.0.113.7", port: 40002),
                                                      publicAddress: .init(host: "203.0.113.7", port: 40002)))
    }

    @Test func natLearningOff() {
        var harness = Self.started(policy: RegistrationPolicy(retryJitter: 0, learnNATAddress: false))
        #expect(harness.answer(at: 0) { Reg.ok($0, via: Self.natVia) } == ["start refresh 3240", Self.registeredLocally])
    }

    /// A registrar that sees us from a new address every time cannot make us loop.
    @Test func movesAreBounded() {
        var harness = Self.started()
        for port in 40001...40003 {
            harness.answer(at: 0) { Reg.ok($0, via: "SIP/2.0/UDP 192.168.1.50:5060;branch=z9hG4bKreg;rport=\(port);received=203.0.113.7") }
        }
        #expect(harness.sent.count == 3)
        #expect(harness.log.last?.hasPrefix("0 state registered") == true)
    }

    // MARK: Contact changes

    @Test func contactChangedMovesTheBinding() {
        var harness = Self.started()
        harness.answer(at: 0) { Reg.ok($0) }
        let moved = SIPURI(user: "door", host: "10.1.2.3", port: 5062)
        #expect(harness.deliver(.contactChanged(moved), at: 100) == ["cancel refresh", "send REGISTER 2"])
        #expect(harness.last.headers.values(.contact) == [
            "<sip:door@10.1.2.3:5062>;expires=3600;" + Self.instance,
            "<sip:door@192.168.1.50:5060>;expires=0",
        ])
        #expect(harness.answer(at: 100) { Reg.ok($0, via: "SIP/2.0/UDP 10.1.2.3:5062;branch=z9hG4bKreg;rport=5062;received=10.1.2.3") }
            == ["start refresh 3240", "state registered for 3600 s as sip:door@10.1.2.3:5062"])
        #expect(harness.deliver(.contactChanged(moved), at: 200) == [])
    }

    /// A change while a REGISTER is in flight is applied when it is answered.
    @Test func contactChangedWhileRegistering() {
        var harness = Self.started()
        let moved = SIPURI(user: "door", host: "10.1.2.3", port: 5062)
        #expect(harness.deliver(.contactChanged(moved), at: 0.1) == [])
        #expect(harness.answer(at: 0.2) { Reg.ok($0) } == ["send REGISTER 2"])
        #expect(harness.last.headers.values(.contact) == [
            "<sip:door@10.1.2.3:5062>;expires=3600;" + Self.instance, "<sip:door@192.168.1.50:5060>;expires=0",
        ])
    }

    // MARK: Stop

    /// §10.2.2: expires=0 on our contact and Expires: 0.
    @Test func stopUnregisters() {
        var harness = Self.started()
        harness.answer(at: 0) { Reg.unauthorized($0) }
        harness.answer(at: 0) { Reg.ok($0) }
        #expect(harness.deliver(.stop, at: 60) == ["cancel refresh", "state unregistering", "send REGISTER 3"])
        #expect(harness.last.headers.values(.contact) == ["<sip:door@192.168.1.50:5060>;expires=0;" + Self.instance])
        #expect(harness.last.headers[.expires] == "0")
        #expect(harness.last.headers.contains(.authorization))
        #expect(harness.answer(at: 60.1) { Reg.reply(200, to: $0) } == ["state unregistered"])
        #expect(harness.deadlines.isEmpty)
        #expect(harness.deliver(.stop, at: 61) == [])
    }

    @Test(arguments: [Registration.Event.transactionTimedOut, .transportFailed])
    func stopEndsWhenTheRegistrarIsGone(event: Registration.Event) {
        var harness = Self.started()
        harness.answer(at: 0) { Reg.ok($0) }
        harness.deliver(.stop, at: 1)
        #expect(harness.deliver(event, at: 33) == ["state unregistered"])
    }

    @Test func unregisterIsAuthenticated() {
        var harness = Self.started()
        harness.answer(at: 0) { Reg.ok($0) }
        harness.deliver(.stop, at: 1)
        #expect(harness.answer(at: 1) { Reg.unauthorized($0) } == ["send REGISTER 3"])
        #expect(harness.last.headers.contains(.authorization))
        #expect(harness.last.headers[.expires] == "0")
        #expect(harness.answer(at: 1) { Reg.reply(200, to: $0) } == ["state unregistered"])
    }

    @Test func stopBeforeRegistering() {
        var harness = RegistrationHarness()
        #expect(harness.deliver(.stop, at: 0) == ["state unregistered"])
        #expect(harness.sent.isEmpty)
    }

    @Test func stopWhileWaitingToRetryWithoutBinding() {
        var harness = Self.started()
        harness.answer(at: 0) { Reg.reply(503, to: $0) }
        #expect(harness.deliver(.stop, at: 1) == ["cancel retry", "state unregistered"])
        #expect(harness.sent.count == 1)
    }

    /// §10.2: the REGISTER in flight is answered first; a binding it made is then removed.
    @Test func stopWhileRegistering() {
        var harness = Self.started()
        #expect(harness.deliver(.stop, at: 0.1) == ["state unregistering"])
        #expect(harness.answer(at: 0.2) { Reg.ok($0) } == ["send REGISTER 2"])
        #expect(harness.last.headers[.expires] == "0")
        #expect(harness.answer(at: 0.3) { Reg.reply(200, to: $0) } == ["state unregistered"])

        var failing = Self.started()
        failing.deliver(.stop, at: 0.1)
        #expect(failing.answer(at: 0.2) { Reg.reply(403, to: $0) } == ["state unregistered"])
    }

    // MARK: Strays

    @Test func ignoresProvisionalAndStrayResponses() {
        var harness = Self.started()
        #expect(harness.answer(at: 0) { Reg.reply(100, to: $0) } == [])
        var stray = Reg.ok(harness.last)
        stray.headers.set(.cseq, "7 REGISTER")
        #expect(harness.deliver(.response(stray), at: 0) == [])
        #expect(harness.deliver(.timerFired(.refresh), at: 0) == [])
        #expect(harness.deliver(.start, at: 0) == [])
        #expect(harness.machine.status == .registering)
    }
}

extension Duration {
    /// Seconds as a Double, for the harness's `at:`.
    var seconds: Double { Double(self / .milliseconds(1)) / 1000 }
}
