import SIP
import SIPMessage
import Testing

/// RFC 3261 §17.1.1 (Figure 5) with RFC 6026 §8.4, driven faster than real time.
@Suite struct ClientInviteTransactionTests {
    static func start(reliable: Bool = false, timers: TransactionTimerSettings = TransactionTimerSettings(),
                      request: SIPRequest = Fixture.request()) -> Harness<ClientInviteTransaction> {
        Harness(ClientInviteTransaction.start(request: request, transport: reliable, timers: timers, now: .zero))
    }

    @Test(arguments: [
        (false, ["0 send INVITE", "0 start a 500", "0 start b 32000"]),
        (true, ["0 send INVITE", "0 start b 32000"]),
    ])
    func startSendsTheInviteAndStartsTimers(reliable: Bool, expected: [String]) {
        #expect(Self.start(reliable: reliable).log == expected)
    }

    /// §17.1.1.2: timer A doubles without a cap (T2 does not apply to INVITE); B = 64·T1.
    @Test(arguments: [
        (500, false, [0, 500, 1500, 3500, 7500, 15500, 31500], 32000),
        (1000, false, [0, 1000, 3000, 7000, 15000, 31000, 63000], 64000),
        (100, false, [0, 100, 300, 700, 1500, 3100, 6300], 6400),
        (500, true, [0], 32000),
    ])
    func timerAScheduleUntilTimerB(t1: Int, reliable: Bool, sends: [Int], timeout: Int) {
        var harness = Self.start(reliable: reliable, timers: TransactionTimerSettings(t1: .milliseconds(t1), t2: .seconds(4)))
        harness.runToEnd()
        #expect(harness.sendTimes == sends)
        #expect(harness.log.suffix(2) == ["\(timeout) timeout", "\(timeout) terminated"])
    }

    @Test func timerAIsNotCappedByT2() {
        var harness = Self.start()
        harness.runToEnd()
        #expect(harness.log.filter { $0.contains("start a") }.map { $0.split(separator: " ").last! } ==
            ["500", "1000", "2000", "4000", "8000", "16000", "32000"])
    }

    @Test(arguments: [false, true])
    func provisionalStopsRetransmissionAndTimerB(reliable: Bool) {
        var harness = Self.start(reliable: reliable)
        #expect(harness.deliver(.response(Fixture.response(180)), at: 700) ==
            (reliable ? ["cancel b", "TU 180"] : ["cancel a", "cancel b", "TU 180"]))
        #expect(harness.deliver(.response(Fixture.response(183)), at: 900) == ["TU 183"])
        harness.advance(to: .seconds(600))
        #expect(harness.sendTimes == (reliable ? [0] : [0, 500]))
        #expect(!harness.log.contains { $0.hasSuffix("timeout") })
    }

    /// §17.1.1.2: 300–699 → TU, ACK, Completed with D = 32 s (0 on reliable transports).
    @Test(arguments: [300, 404, 486, 603], [false, true])
    func finalNonSuccessIsAcknowledged(status: Int, reliable: Bool) {
        var harness = Self.start(reliable: reliable)
        let actions = harness.deliver(.response(Fixture.response(status)), at: 100)
        #expect(actions == (reliable ? ["TU \(status)", "send ACK", "terminated"]
                                     : ["cancel a", "cancel b", "TU \(status)", "send ACK", "start d 32000"]))
        harness.runToEnd()
        #expect(harness.log.last == (reliable ? "100 terminated" : "32100 terminated"))
    }

    @Test func finalNonSuccessInProceeding() {
        var harness = Self.start()
        harness.deliver(.response(Fixture.response(180)), at: 100)
        #expect(harness.deliver(.response(Fixture.response(486)), at: 5000) == ["TU 486", "send ACK", "start d 32000"])
    }

    /// §17.1.1.3: every header of the ACK.
    @Test func acknowledgementCarriesTheRightHeaders() throws {
        var invite = Fixture.request(extraVia: true)
        invite.headers.append(.route, "<sip:proxy1.atlanta.com;lr>")
        invite.headers.append(.route, "<sip:proxy2.biloxi.com;lr>")
        invite.headers.set(.maxForwards, "69")
        invite.headers.append(.contact, "<sip:alice@pc33.atlanta.com>")
        invite.headers.append(.contentType, "application/sdp")
        invite.body = Array("v=0\r\n".utf8)
        var harness = Self.start(request: invite)
        var response = Fixture.response(486, to: invite, toTag: "xyz")
        response.headers.append(.contact, "<sip:bob@192.0.2.4>")
        harness.deliver(.response(response), at: 100)

        var expected: SIPHeaders = [
            .via: "SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds",
            .maxForwards: "69",
            .route: "<sip:proxy1.atlanta.com;lr>",
            .route: "<sip:proxy2.biloxi.com;lr>",
            .from: Fixture.alice,
            .to: Fixture.bob + ";tag=xyz",
            .callID: "a84b4c76e66710@pc33.atlanta.com",
        ]
        expected.append(.cseq, "314159 ACK")
        let ack = ClientInviteTransaction.acknowledgement(of: invite, for: response)
        #expect(ack == SIPRequest(method: .ack, uri: invite.uri, headers: expected))
        #expect(ack.headers.all.map(\.name) == expected.all.map(\.name))
        // A retransmitted final response is absorbed: the same ACK goes out again, nothing to the TU.
        var machine = ClientInviteTransaction.start(request: invite, transport: false, now: .zero).0
        _ = machine.handle(.response(response), now: .milliseconds(100))
        #expect(machine.handle(.response(response), now: .milliseconds(600)) == [.send(.request(ack))])
    }

    @Test func completedAbsorbsRetransmissionsUntilTimerD() {
        var harness = Self.start()
        harness.deliver(.response(Fixture.response(486)), at: 100)
        #expect(harness.deliver(.response(Fixture.response(486)), at: 600) == ["send ACK"])
        #expect(harness.deliver(.response(Fixture.response(180)), at: 700) == [])
        #expect(harness.deliver(.response(Fixture.response(200)), at: 800) == [])
        #expect(harness.deliver(.response(Fixture.response(486)), at: 32099) == ["send ACK"])
        harness.advance(to: .milliseconds(32100))
        #expect(harness.log.last == "32100 terminated")
        #expect(harness.deliver(.response(Fixture.response(486)), at: 32200) == [])
    }

    /// RFC 6026 §8.4 (the default): 2xx → Accepted for 64·T1; later 2xx go to the TU, which ACKs them.
    @Test(arguments: [false, true])
    func successEntersAccepted(reliable: Bool) {
        var harness = Self.start(reliable: reliable)
        #expect(harness.deliver(.response(Fixture.response(200)), at: 100) ==
            (reliable ? [] : ["cancel a"]) + ["cancel b", "TU 200", "start m 32000"])
        #expect(harness.deliver(.response(Fixture.response(200)), at: 600) == ["TU 200"])
        #expect(harness.deliver(.response(Fixture.response(200, toTag: "fork2")), at: 700) == ["TU 200"])
        #expect(harness.deliver(.response(Fixture.response(486)), at: 800) == [])
        #expect(harness.deliver(.response(Fixture.response(180)), at: 900) == [])
        harness.runToEnd()
        #expect(harness.log.last == "32100 terminated")
        #expect(!harness.log.contains("send ACK"))
    }

    /// RFC 3261 §17.1.1.2 as written: the 2xx ends the transaction.
    @Test func successTerminatesWithoutAcceptedState() {
        var harness = Self.start(timers: TransactionTimerSettings(acceptedState: false))
        #expect(harness.deliver(.response(Fixture.response(200)), at: 100) == ["TU 200", "terminated"])
        #expect(harness.deliver(.response(Fixture.response(200)), at: 600) == [])
    }

    @Test func transportErrorInCallingAndCompleted() {
        var calling = Self.start()
        #expect(calling.deliver(.transportError, at: 10) == ["transportFailed", "terminated"])
        var completed = Self.start()
        completed.deliver(.response(Fixture.response(500)), at: 10)
        #expect(completed.deliver(.transportError, at: 20) == ["transportFailed", "terminated"])
    }

    /// Events that do not apply are ignored, in every state.
    @Test(arguments: [
        ("calling", TransactionEvent.tuResponse(Fixture.response(200))),
        ("calling", .request(Fixture.request())),
        ("calling", .timerFired(.d)),
        ("calling", .timerFired(.m)),
        ("calling", .timerFired(.e)),
        ("proceeding", .timerFired(.a)),
        ("proceeding", .timerFired(.b)),
        ("proceeding", .transportError),
        ("completed", .timerFired(.a)),
        ("completed", .timerFired(.b)),
        ("completed", .response(Fixture.response(183))),
        ("accepted", .timerFired(.d)),
        ("accepted", .transportError),
        ("accepted", .response(Fixture.response(403))),
        ("terminated", .response(Fixture.response(200))),
        ("terminated", .timerFired(.b)),
        ("terminated", .transportError),
    ])
    func eventsInTheWrongStateAreIgnored(state: String, event: TransactionEvent) {
        var harness = Self.start()
        switch state {
        case "proceeding": harness.deliver(.response(Fixture.response(180)), at: 1)
        case "completed": harness.deliver(.response(Fixture.response(404)), at: 1)
        case "accepted": harness.deliver(.response(Fixture.response(200)), at: 1)
        case "terminated": harness.deliver(.timerFired(.b), at: 1)
        default: break
        }
        #expect(harness.deliver(event, at: 2) == [])
    }
}
