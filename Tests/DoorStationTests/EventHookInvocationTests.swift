import DoorStation
import Testing

@Suite struct EventHookInvocationTests {
    @Test func theEventIsTheArgumentAndItsDetailsAreEnvironment() {
        let event = StationEvent(.doorOpened, time: 1_700_000_000_123, details: [("relay", "1"), ("call_id", "abc@door"), ("by", "dtmf")])
        let invocation = EventHookInvocation(event, stationName: "Front door")
        #expect(invocation.arguments == ["door.opened"])
        #expect(invocation.environment == [
            "DOORSTATION_EVENT": "door.opened", "DOORSTATION_TIME": "1700000000123", "DOORSTATION_NAME": "Front door",
            "DOORSTATION_RELAY": "1", "DOORSTATION_CALL_ID": "abc@door", "DOORSTATION_BY": "dtmf",
        ])
    }

    @Test func detailsAreNeverInterpretedByAShell() {
        let event = StationEvent(.callRinging, time: 0, details: [("from", "\"$(reboot)\" <sip:x@y>"), ("odd key!", "a\u{0}b")])
        let invocation = EventHookInvocation(event, stationName: "d")
        #expect(invocation.environment["DOORSTATION_FROM"] == "\"$(reboot)\" <sip:x@y>")
        #expect(invocation.environment["DOORSTATION_ODD_KEY_"] == "a b")
    }

    @Test(arguments: StationEvent.Kind.allCases)
    func hooksRunForWhatAnInstallerAutomates(kind: StationEvent.Kind) {
        let quiet: Set<StationEvent.Kind> = [.buttonReleased, .outputChanged]
        #expect(EventHookInvocation.wants(kind) == !quiet.contains(kind))
    }
}
