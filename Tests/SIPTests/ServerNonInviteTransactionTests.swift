import SIP
import SIPMessage
import Testing

/// RFC 3261 §17.2.2 (Figure 8), driven faster than real time.
@Suite struct ServerNonInviteTransactionTests {
    static let request = Fixture.request(.options)

    static func start(reliable: Bool = false, timers: TransactionTimerSettings = TransactionTimerSettings()) -> Harness<ServerNonInviteTransaction> {
        Harness(ServerNonInviteTransaction.start(request: request, transport: reliable, timers: timers, now: .zero))
    }

    static func response(_ status: Int) -> SIPResponse { Fixture.response(status, to: request) }

    @Test func startPassesTheRequestUp() {
        #expect(Self.start().log == ["0 TU OPTIONS"])
    }

    @Test func retransmissionsInTryingAreAbsorbed() {
        var harness = Self.start()
        #expect(harness.deliver(.request(Self.request), at: 500) == [])
    }

    /// §17.2.2: in Proceeding a retransmission gets the last provisional response.
    @Test func retransmissionInProceedingGetsTheLastProvisional() {
        var harness = Self.start()
        #expect(harness.deliver(.tuResponse(Self.response(100)), at: 100) == ["send 100"])
        #expect(harness.deliver(.request(Self.request), at: 500) == ["send 100"])
        #expect(harness.deliver(.tuResponse(Self.response(180)), at: 600) == ["send 180"])
        var machine = ServerNonInviteTransaction.start(request: Self.request, transport: false, now: .zero).0
        _ = machine.handle(.tuResponse(Self.response(183)), now: .zero)
        #expect(machine.handle(.request(Self.request), now: .seconds(1)) == [.send(.response(Self.response(183)))])
    }

    /// §17.2.2: a final response → Completed for J = 64·T1 (0 on reliable transports); in Completed,
    /// retransmissions get the final response again and later TU responses are dropped.
    @Test(arguments: [200, 404], [false, true])
    func finalResponseCompletes(status: Int, reliable: Bool) {
        var harness = Self.start(reliable: reliable)
        #expect(harness.deliver(.tuResponse(Self.response(status)), at: 100) ==
            ["send \(status)"] + (reliable ? ["terminated"] : ["start j 32000"]))
        #expect(harness.deliver(.request(Self.request), at: 600) == (reliable ? [] : ["send \(status)"]))
        #expect(harness.deliver(.tuResponse(Self.response(500)), at: 700) == [])
        harness.runToEnd()
        #expect(harness.log.last == (reliable ? "100 terminated" : "32100 terminated"))
    }

    @Test func timerJFollowsT1() {
        var harness = Self.start(timers: TransactionTimerSettings(t1: .seconds(1)))
        harness.deliver(.tuResponse(Self.response(100)), at: 0)
        #expect(harness.deliver(.tuResponse(Self.response(200)), at: 100) == ["send 200", "start j 64000"])
        harness.runToEnd()
        #expect(harness.log.last == "64100 terminated")
    }

    @Test(arguments: [(100, true), (200, true), (nil, false)] as [(Int?, Bool)])
    func transportError(responded status: Int?, fails: Bool) {
        var harness = Self.start()
        if let status { harness.deliver(.tuResponse(Self.response(status)), at: 1) }
        #expect(harness.deliver(.transportError, at: 2) == (fails ? ["transportFailed", "terminated"] : []))
    }

    @Test(arguments: [
        ("trying", TransactionEvent.response(Fixture.response(200))),
        ("trying", .timerFired(.j)),
        ("proceeding", .timerFired(.j)),
        ("proceeding", .timerFired(.g)),
        ("completed", .timerFired(.trying)),
        ("completed", .response(Fixture.response(200))),
        ("terminated", .request(Fixture.request(.options))),
        ("terminated", .tuResponse(Fixture.response(200))),
        ("terminated", .timerFired(.j)),
    ])
    func eventsInTheWrongStateAreIgnored(state: String, event: TransactionEvent) {
        var harness = Self.start()
        switch state {
        case "proceeding": harness.deliver(.tuResponse(Self.response(180)), at: 1)
        case "completed": harness.deliver(.tuResponse(Self.response(200)), at: 1)
        case "terminated":
            harness.deliver(.tuResponse(Self.response(200)), at: 1)
            harness.deliver(.timerFired(.j), at: 1)
        default: break
        }
        #expect(harness.deliver(event, at: 2) == [])
    }
}
