import DoorStation
import Testing

@Suite struct IndicatorsTests {
    @Test(arguments: [
        (Indicators.Registration.none, false, false, false, false, [Indicators.Pattern.on, .off, .off]),
        (.registering, false, false, false, false, [.blink, .off, .off]),
        (.registered, true, false, false, false, [.on, .blink, .off]),
        (.registered, true, true, false, false, [.on, .on, .off]),
        (.registered, false, true, true, false, [.on, .on, .on]),
        (.failed, false, false, false, false, [.blinkFast, .off, .off]),
        (.registered, false, false, false, true, [.blinkFast, .off, .off]),
    ])
    func patternsFollowTheState(registration: Indicators.Registration, ringing: Bool, inCall: Bool, doorOpen: Bool, fault: Bool, expected: [Indicators.Pattern]) {
        var state = Indicators(registration: registration)
        state.ringing = ringing
        state.inCall = inCall
        state.doorOpen = doorOpen
        state.fault = fault
        #expect([state.pattern(.status), state.pattern(.call), state.pattern(.door)] == expected)
    }

    @Test func blinkingAlternatesEveryHalfPeriod() {
        let half: UInt64 = 500_000_000
        let lit = (0..<6).map { Indicators.isLit(.blink, since: 1000, now: 1000 + UInt64($0) * half, blinkNanoseconds: half) }
        #expect(lit == [true, false, true, false, true, false])
        #expect(Indicators.Pattern.blinkFast.halfPeriod(blinkNanoseconds: half) == 125_000_000)
        #expect(Indicators.isLit(.on, since: 0, now: 12345, blinkNanoseconds: half))
        #expect(!Indicators.isLit(.off, since: 0, now: 12345, blinkNanoseconds: half))
    }
}
