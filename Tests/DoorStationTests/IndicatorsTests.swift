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

    @Test(arguments: [
        (Indicators.Pattern.off, nil as UInt64?), (.on, nil), (.blink, 500_000_000), (.blinkFast, 125_000_000),
    ])
    func blinkingPatternsHaveTheirHalfPeriod(pattern: Indicators.Pattern, half: UInt64?) {
        #expect(pattern.halfPeriod(blinkNanoseconds: 500_000_000) == half)
    }
}
