import SIP
import SIPMessage
import Testing

/// RFC 3261 §17.1.2 (Figure 6), driven faster than real time.
@Suite struct ClientNonInviteTransactionTests {
    static func start(reliable: Bool = false, timers: TransactionTimerSettings = TransactionTimerSettings(),
                      method: SIPMethod = .register) -> Harness<ClientNonInviteTransaction> {
        Harness(ClientNonInviteTransaction.start(request: Fixture.request(method), transport: reliable, timers: timers, now: .zero))
    }

    @Test(arguments: [
        (false, ["0 send REGISTER", "0 start e 500", "0 start f 32000"]),
        (true, ["0 send REGISTER", "0 start f 32000"]),
    ])
    func startSendsTheRequestAndStartsTimers(reliable: Bool, expected: [String]) {
        #expect(Self.start(reliable: reliable).log == expected)
    }

    /// §17.1.2.2: E doubles from T1 up to T2; F = 64·T1.
    @Test(arguments: [
        (500, 4000, false, [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500], 32000),
        (500, 2000, false, [0, 500, 1500, 3500, 5500, 7500, 9500, 11500, 13500, 15500, 17500, 19500, 21500, 23500,
                            25500, 27500, 29500, 31500], 32000),
        (1000, 4000, false, [0, 1000, 3000, 7000, 11000, 15000, 19000, 23000, 27000, 31000, 35000, 39000, 43000,
                             47000, 51000, 55000, 59000, 63000], 64000),
        (500, 4000, true, [0], 32000),
    ])
    func timerEScheduleUntilTimerF(t1: Int, t2: Int, reliable: Bool, sends: [Int], timeout: Int) {
        var harness = Self.start(reliable: reliable, timers: TransactionTimerSettings(t1: .milliseconds(t1), t2: .milliseconds(t2)))
        harness.runToEnd()
        #expect(harness.sendTimes == sends)
        #expect(harness.log.suffix(2) == ["\(timeout) timeout", "\(timeout) terminated"])
    }

    /// §17.1.2.2: in Proceeding, E keeps firing and is reset to T2 each time; F still applies.
    @Test func proceedingRetransmitsEveryT2() {
        var harness = Self.start()
        #expect(harness.deliver(.response(Fixture.response(100, to: Fixture.request(.register))), at: 700) == ["TU 100"])
        harness.runToEnd()
        #expect(harness.sendTimes == [0, 500, 1500, 5500, 9500, 13500, 17500, 21500, 25500, 29500])
        #expect(harness.log.filter { $0.contains("start e") }.suffix(2) == ["25500 start e 4000", "29500 start e 4000"])
        #expect(harness.log.suffix(2) == ["32000 timeout", "32000 terminated"])
    }

    /// §17.1.2.2: a final response stops E and F; K = T4 absorbs retransmissions (0 if reliable).
    @Test(arguments: [200, 404, 503], [false, true])
    func finalResponseCompletes(status: Int, reliable: Bool) {
        var harness = Self.start(reliable: reliable)
        let response = Fixture.response(status, to: Fixture.request(.register))
        #expect(harness.deliver(.response(response), at: 800) ==
            (reliable ? ["TU \(status)", "terminated"] : ["TU \(status)", "cancel e", "cancel f", "start k 5000"]))
        #expect(harness.deliver(.response(response), at: 1300) == [])
        harness.runToEnd()
        #expect(harness.log.last == (reliable ? "800 terminated" : "5800 terminated"))
        #expect(harness.sendTimes == (reliable ? [0] : [0, 500]))
    }

    @Test func timerKFollowsT4() {
        var harness = Self.start(timers: TransactionTimerSettings(t4: .seconds(2)))
        #expect(harness.deliver(.response(Fixture.response(200, to: Fixture.request(.register))), at: 100).last == "start k 2000")
        harness.runToEnd()
        #expect(harness.log.last == "2100 terminated")
    }

    @Test func finalResponseInProceeding() {
        var harness = Self.start()
        harness.deliver(.response(Fixture.response(180, to: Fixture.request(.register))), at: 100)
        #expect(harness.deliver(.response(Fixture.response(200, to: Fixture.request(.register))), at: 9000) ==
            ["TU 200", "cancel e", "cancel f", "start k 5000"])
    }

    @Test(arguments: ["trying", "proceeding"])
    func transportErrorFails(state: String) {
        var harness = Self.start()
        if state == "proceeding" { harness.deliver(.response(Fixture.response(100, to: Fixture.request(.register))), at: 1) }
        #expect(harness.deliver(.transportError, at: 2) == ["transportFailed", "terminated"])
    }

    @Test func timerFInProceedingTimesOut() {
        var harness = Self.start(reliable: true)
        harness.deliver(.response(Fixture.response(100, to: Fixture.request(.register))), at: 1)
        harness.runToEnd()
        #expect(harness.events == ["0 send REGISTER", "1 TU 100", "32000 timeout", "32000 terminated"])
    }

    @Test(arguments: [
        ("trying", TransactionEvent.tuResponse(Fixture.response(200))),
        ("trying", .request(Fixture.request(.register))),
        ("trying", .timerFired(.k)),
        ("trying", .timerFired(.a)),
        ("proceeding", .timerFired(.k)),
        ("completed", .timerFired(.e)),
        ("completed", .timerFired(.f)),
        ("completed", .transportError),
        ("completed", .response(Fixture.response(100))),
        ("terminated", .response(Fixture.response(200))),
        ("terminated", .timerFired(.e)),
        ("terminated", .transportError),
    ])
    func eventsInTheWrongStateAreIgnored(state: String, event: TransactionEvent) {
        var harness = Self.start()
        switch state {
        case "proceeding": harness.deliver(.response(Fixture.response(180)), at: 1)
        case "completed": harness.deliver(.response(Fixture.response(404)), at: 1)
        case "terminated": harness.deliver(.timerFired(.f), at: 1)
        default: break
        }
        #expect(harness.deliver(event, at: 2) == [])
    }
}
