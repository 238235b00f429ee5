import SIP
import SIPMessage
import Testing

/// RFC 3261 §17.2.1 (Figure 7) with RFC 6026 §8.7, driven faster than real time.
@Suite struct ServerInviteTransactionTests {
    static func start(reliable: Bool = false, timers: TransactionTimerSettings = TransactionTimerSettings(),
                      request: SIPRequest = Fixture.request()) -> Harness<ServerInviteTransaction> {
        Harness(ServerInviteTransaction.start(request: request, transport: reliable, timers: timers, now: .zero))
    }

    @Test func startPassesTheInviteUpAndWaitsForTheTU() {
        #expect(Self.start().log == ["0 TU INVITE", "0 start trying 200"])
        #expect(Self.start(timers: TransactionTimerSettings(tryingDelay: .zero)).log == ["0 TU INVITE", "0 send 100"])
    }

    /// §17.2.1, §8.2.6.1: 100 (Trying) after 200 ms, with Via, From, To, Call-ID, CSeq and Timestamp copied.
    @Test func tryingAfter200Milliseconds() {
        var invite = Fixture.request(extraVia: true)
        invite.headers.append(.timestamp, "54")
        invite.headers.append(.contact, "<sip:alice@pc33.atlanta.com>")
        var machine = ServerInviteTransaction.start(request: invite, transport: false, now: .seconds(10)).0
        var expected: SIPHeaders = [
            .via: "SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds",
            .via: "SIP/2.0/UDP bigbox3.site3.atlanta.com;branch=z9hG4bK77ef4c2312983.1",
            .from: Fixture.alice,
            .to: Fixture.bob,
            .callID: "a84b4c76e66710@pc33.atlanta.com",
        ]
        expected.append(.cseq, "314159 INVITE")
        expected.append(.timestamp, "54 0.200")
        #expect(machine.handle(.timerFired(.trying), now: .milliseconds(10_200)) ==
            [.send(.response(SIPResponse(statusCode: 100, reason: "Trying", headers: expected)))])
        // The 100 is the last provisional response: a retransmitted INVITE gets it again.
        #expect(describe(machine.handle(.request(invite), now: .milliseconds(10_500))) == ["send 100"])
    }

    @Test(arguments: [("54", "54 1.050"), ("54.5 0.25", "54.5 0.25")])
    func timestampDelay(request: String, response: String) {
        var invite = Fixture.request()
        invite.headers.append(.timestamp, request)
        #expect(ServerInviteTransaction.trying(for: invite, delay: .milliseconds(1050)).headers[.timestamp] == response)
    }

    @Test func tuAnsweringFirstSuppressesTrying() {
        var harness = Self.start()
        #expect(harness.deliver(.tuResponse(Fixture.response(180)), at: 150) == ["cancel trying", "send 180"])
        #expect(harness.deliver(.timerFired(.trying), at: 200) == [])
        #expect(harness.deliver(.tuResponse(Fixture.response(183)), at: 300) == ["send 183"])
    }

    /// §17.2.1: a retransmitted INVITE in Proceeding gets the most recent provisional response.
    @Test func inviteRetransmissionInProceeding() {
        var harness = Self.start()
        #expect(harness.deliver(.request(Fixture.request()), at: 100) == [])
        harness.advance(to: .milliseconds(200))
        #expect(harness.log.last == "200 send 100")
        #expect(harness.deliver(.request(Fixture.request()), at: 500) == ["send 100"])
        harness.deliver(.tuResponse(Fixture.response(180)), at: 900)
        #expect(harness.deliver(.request(Fixture.request()), at: 1500) == ["send 180"])
    }

    /// §17.2.1: G retransmits the final response from T1 doubling up to T2; H = 64·T1 → timeout.
    @Test(arguments: [
        (500, 4000, false, [100, 600, 1600, 3600, 7600, 11600, 15600, 19600, 23600, 27600, 31600], 32100),
        (500, 1000, false, [100, 600] + Array(stride(from: 1600, through: 31600, by: 1000)), 32100),
        (500, 4000, true, [100], 32100),
        (250, 4000, false, [100, 350, 850, 1850, 3850, 7850, 11850, 15850], 16100),
    ])
    func timerGScheduleUntilTimerH(t1: Int, t2: Int, reliable: Bool, sends: [Int], timeout: Int) {
        var harness = Self.start(reliable: reliable, timers: TransactionTimerSettings(t1: .milliseconds(t1), t2: .milliseconds(t2)))
        #expect(harness.deliver(.tuResponse(Fixture.response(486)), at: 100) ==
            ["cancel trying", "send 486"] + (reliable ? [] : ["start g \(t1)"]) + ["start h \(64 * t1)"])
        harness.runToEnd()
        #expect(harness.sendTimes == sends)
        #expect(harness.log.suffix(2) == ["\(timeout) timeout", "\(timeout) terminated"])
    }

    /// §17.2.1: the ACK stops G and H; Confirmed absorbs ACKs for I = T4 (0 on reliable transports).
    @Test(arguments: [false, true])
    func ackConfirms(reliable: Bool) {
        var harness = Self.start(reliable: reliable)
        harness.deliver(.tuResponse(Fixture.response(603)), at: 100)
        #expect(harness.deliver(.request(Fixture.request()), at: 400) == ["send 603"])
        let ack = ClientInviteTransaction.acknowledgement(of: Fixture.request(), for: Fixture.response(603))
        #expect(harness.deliver(.request(ack), at: 700) ==
            (reliable ? ["terminated"] : ["cancel g", "cancel h", "start i 5000"]))
        #expect(harness.deliver(.request(ack), at: 800) == [])
        #expect(harness.deliver(.request(Fixture.request()), at: 900) == [])
        harness.runToEnd()
        #expect(harness.log.last == (reliable ? "700 terminated" : "5700 terminated"))
        #expect(!harness.log.contains { $0.hasSuffix("TU ACK") })
    }

    /// RFC 6026 §8.7 (the default): 2xx → Accepted for L = 64·T1.
    @Test func successEntersAccepted() {
        var harness = Self.start()
        #expect(harness.deliver(.tuResponse(Fixture.response(200)), at: 100) == ["cancel trying", "send 200", "start l 32000"])
        #expect(harness.deliver(.request(Fixture.request()), at: 600) == [])
        #expect(harness.deliver(.tuResponse(Fixture.response(200)), at: 700) == ["send 200"])
        #expect(harness.deliver(.tuResponse(Fixture.response(486)), at: 800) == [])
        var ack = Fixture.request(.ack)
        ack.headers.set(.cseq, "314159 ACK")
        #expect(harness.deliver(.request(ack), at: 900) == ["TU ACK"])
        #expect(harness.deliver(.transportError, at: 1000) == ["transportFailed"])
        harness.runToEnd()
        #expect(harness.log.last == "32100 terminated")
    }

    /// RFC 3261 §17.2.1 as written: the 2xx ends the transaction.
    @Test func successTerminatesWithoutAcceptedState() {
        var harness = Self.start(timers: TransactionTimerSettings(acceptedState: false))
        #expect(harness.deliver(.tuResponse(Fixture.response(200)), at: 300) == ["send 200", "terminated"])
        #expect(harness.deliver(.request(Fixture.request()), at: 600) == [])
    }

    @Test(arguments: ["proceeding", "completed"])
    func transportErrorFails(state: String) {
        var harness = Self.start()
        if state == "completed" { harness.deliver(.tuResponse(Fixture.response(500)), at: 1) }
        #expect(harness.deliver(.transportError, at: 2) == ["transportFailed", "terminated"])
    }

    @Test(arguments: [
        ("proceeding", TransactionEvent.response(Fixture.response(200))),
        ("proceeding", .timerFired(.g)),
        ("proceeding", .timerFired(.h)),
        ("proceeding", .timerFired(.l)),
        ("proceeding", .request(Fixture.request(.ack))),
        ("completed", .tuResponse(Fixture.response(200))),
        ("completed", .tuResponse(Fixture.response(180))),
        ("completed", .timerFired(.trying)),
        ("completed", .timerFired(.i)),
        ("confirmed", .timerFired(.g)),
        ("confirmed", .timerFired(.h)),
        ("confirmed", .transportError),
        ("confirmed", .tuResponse(Fixture.response(500))),
        ("accepted", .timerFired(.g)),
        ("accepted", .tuResponse(Fixture.response(180))),
        ("accepted", .request(Fixture.request())),
        ("terminated", .tuResponse(Fixture.response(200))),
        ("terminated", .request(Fixture.request())),
        ("terminated", .transportError),
    ])
    func eventsInTheWrongStateAreIgnored(state: String, event: TransactionEvent) {
        var harness = Self.start()
        switch state {
        case "completed": harness.deliver(.tuResponse(Fixture.response(404)), at: 1)
        case "confirmed":
            harness.deliver(.tuResponse(Fixture.response(404)), at: 1)
            harness.deliver(.request(Fixture.request(.ack)), at: 1)
        case "accepted": harness.deliver(.tuResponse(Fixture.response(200)), at: 1)
        case "terminated": harness.deliver(.transportError, at: 1)
        default: break
        }
        #expect(harness.deliver(event, at: 2) == [])
    }
}
