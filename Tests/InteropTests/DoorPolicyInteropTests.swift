import Foundation
import Testing
import TestSupport

/// The door station end to end, with Kamailio as the registrar and baresip as the apartment:
/// a button press (sim board) calls the apartment, which answers and keys the door code as
/// RFC 4733 events, the relay pulses and the door hangs up; a caller who is not allowed is
/// refused; wrong codes lock the codes out; a sequential group moves on from a target that does
/// not answer. Kamailio runs once for the suite; each test starts its own door and phones.
@Suite(
    .enabled(if: LoopbackNamespace.isIsolated, "needs a loopback-only network namespace (make test runs one)"),
    .serialized, SharedRegistrar())
struct DoorPolicyInteropTests {
    static let code = "1234"

    @Test func buttonCallOpensDoorWithRFC4733Code() throws {
        let (kamailio, port) = try SharedRegistrar.require()
        let pulse = 2000
        let apartment = try Self.apartment("apartment")
        defer { apartment.stop() }
        let door = try Self.door(
            door: ["hangup_after_open=1"],
            button: ["targets=\(Self.aor("apartment", port: port))"],
            relay: ["dtmf_code=\(Self.code)", "pulse_ms=\(pulse)"])
        defer { door.stop() }

        #expect(try door.ctl(["press", "1"])["ok"] as? Bool == true)
        #expect(door.waitForEvent("button.pressed", ["button": "1"], timeout: 5) != nil, "\(door.policyEvents)")
        #expect(apartment.waitFor(event: .callEstablished, timeout: 10), "\(apartment.report)\n\(kamailio.logTail())")
        let answered = try #require(door.waitForEvent("call.answered", timeout: 10), "\(door.policyEvents)")
        let callID = try #require(answered.callID)
        #expect(apartment.waitFor(event: .callRTPEstablished, timeout: 5) { $0.param == "audio" }, "\(apartment.report)")

        // One `sndcode` sends the whole code: baresip 1.0 queues the telephone-events ~240 ms
        // apart, each with its end packets; the door sees every key once.
        try apartment.sendDTMF(Self.code)
        let accepted = door.waitForEvent("door.code", ["result": "opened"], timeout: 10)
        #expect(accepted?.has(["call_id": callID, "via": "RFC4733", "relay": "1"]) == true, "\(door.policyEvents)")
        let opened = door.waitForEvent("door.opened", ["relay": "1"], timeout: 5)
        #expect(opened?.has(["by": "dtmf", "pulse_ms": "\(pulse)", "call_id": callID]) == true, "\(door.policyEvents)")
        #expect(try door.relays()[1] == true, "relay 1 is energised during the pulse")
        // The digits are never logged with the code's outcome.
        for line in door.events("door.code") + door.events("door.opened") {
            #expect(!line.details.contains { $0.key != "call_id" && $0.value.contains(Self.code) }, "\(line)")
        }

        let on = door.waitForEvent("output.changed", ["output": "relay_1", "state": "on"], timeout: 5)
        let off = door.waitForEvent("output.changed", ["output": "relay_1", "state": "off"], timeout: Double(pulse) / 1000 + 5)
        if let on, let off {
            let held = off.time.timeIntervalSince(on.time) * 1000
            #expect(held >= Double(pulse) - 5 && held <= Double(pulse) + 2000, "relay on for \(held) ms, pulse_ms=\(pulse)")
        } else {
            Issue.record("relay_1 did not go on and off:\n\(door.policyEvents)")
        }
        #expect(try door.relays()[1] == false)
        #expect(door.events("output.changed", ["output": "relay_1"]).count == 2, "one pulse only:\n\(door.policyEvents)")

        // hangup_after_open: the door sends BYE once the pulse is over.
        let closed = apartment.nextEvent(.callClosed, timeout: 10)
        #expect(closed?.reason == "Connection reset by peer", "\(apartment.report)")
        let ended = door.waitForEvent("call.ended", ["call_id": callID], timeout: 5)
        #expect(ended != nil, "\(door.policyEvents)")
        if let ended, let off { #expect(ended.time >= off.time, "BYE only after the pulse:\n\(door.policyEvents)") }
    }

    @Test func callerNotAllowedIsRejected() throws {
        let (kamailio, port) = try SharedRegistrar.require()
        let stranger = try Self.apartment("1001")
        defer { stranger.stop() }
        let door = try Self.door(
            door: ["allowed_callers=sip:apartment@127.0.0.1"],
            relay: ["dtmf_code=\(Self.code)"])
        defer { door.stop() }

        try stranger.dial(Self.aor("door", port: port))
        let closed = stranger.nextEvent(.callClosed, timeout: 10)
        #expect(closed?.reason == "403 Forbidden", "\(stranger.report)\n\(kamailio.logTail())")
        #expect(!stranger.waitFor(event: .callEstablished, timeout: 0.1))
        let ringing = door.waitForEvent("call.ringing", ["allowed": "no"], timeout: 5)
        #expect(ringing?.details["from"]?.hasPrefix("sip:1001@127.0.0.1") == true, "\(door.policyEvents)")
        let callID = try #require(ringing?.callID)
        #expect(door.waitForEvent("call.ended", ["call_id": callID, "reason": "declined with 403"], timeout: 5) != nil, "\(door.policyEvents)")
        #expect(door.events("call.answered").isEmpty, "\(door.policyEvents)")
        #expect(door.events("door.code").isEmpty && door.events("door.opened").isEmpty, "\(door.policyEvents)")
        #expect(door.events("output.changed", ["output": "relay_1"]).isEmpty, "\(door.policyEvents)")
        #expect(try door.relays()[1] == false)
    }

    /// The apartment calls the door (an allowed caller), keys two wrong codes and then the right
    /// one: locked out. The lock-out holds for the next call too.
    @Test func wrongCodesLockOut() throws {
        let (kamailio, port) = try SharedRegistrar.require()
        let apartment = try Self.apartment("apartment")
        defer { apartment.stop() }
        let door = try Self.door(
            door: ["allowed_callers=sip:apartment@127.0.0.1", "code_attempts=2", "lockout_time=60"],
            relay: ["dtmf_code=\(Self.code)", "pulse_ms=500"])
        defer { door.stop() }

        /// Calls the door (the `number`th call) and returns the door's Call-ID once the call is up and audio flows.
        func callTheDoor(_ number: Int) throws -> String {
            try apartment.dial(Self.aor("door", port: port))
            #expect(apartment.waitFor(event: .callEstablished, timeout: 10), "\(apartment.report)\n\(kamailio.logTail())")
            #expect(apartment.waitFor(event: .callRTPEstablished, timeout: 5) { $0.param == "audio" }, "\(apartment.report)")
            let ringing = try #require(door.waitForEvent("call.ringing", ["allowed": "yes"], count: number, timeout: 5),
                                       "\(door.policyEvents)")
            let callID = try #require(ringing.callID)
            #expect(door.waitForEvent("call.answered", ["call_id": callID], timeout: 5) != nil, "\(door.policyEvents)")
            return callID
        }

        let callID = try callTheDoor(1)
        for attempt in 1...2 {
            try apartment.sendDTMF("9999")
            let wrong = door.waitForEvent("door.code", ["result": "wrong"], count: attempt, timeout: 10)
            #expect(wrong?.has(["call_id": callID, "via": "RFC4733"]) == true, "attempt \(attempt):\n\(door.policyEvents)")
        }
        try apartment.sendDTMF(Self.code)
        let refused = door.waitForEvent("door.code", ["result": "locked_out"], timeout: 10)
        #expect(refused?.has(["call_id": callID, "via": "RFC4733"]) == true, "\(door.policyEvents)")

        // All calls: a new call is locked out as well.
        try apartment.hangup()
        #expect(door.waitForEvent("call.ended", ["call_id": callID], timeout: 10) != nil, "\(door.policyEvents)")
        let second = try callTheDoor(2)
        try apartment.sendDTMF(Self.code)
        let refusedAgain = door.waitForEvent("door.code", ["result": "locked_out", "call_id": second], timeout: 10)
        #expect(refusedAgain?.has(["via": "RFC4733"]) == true, "\(door.policyEvents)")
        try apartment.hangup()
        #expect(door.waitForEvent("call.ended", ["call_id": second], timeout: 10) != nil, "\(door.policyEvents)")

        #expect(door.events("door.code", ["result": "wrong"]).count == 2, "\(door.policyEvents)")
        #expect(door.events("door.code", ["result": "opened"]).isEmpty && door.events("door.opened").isEmpty, "\(door.policyEvents)")
        #expect(door.events("output.changed", ["output": "relay_1"]).isEmpty, "\(door.policyEvents)")
        #expect(try door.relays()[1] == false)
    }

    @Test func sequentialGroupMovesToSecondTarget() throws {
        let (kamailio, port) = try SharedRegistrar.require()
        let ringTime = 3.0
        let first = try Self.apartment("1001", answerMode: .manual)
        let second = try Self.apartment("apartment")
        defer { first.stop(); second.stop() }
        let door = try Self.door(button: [
            "targets=\(Self.aor("1001", port: port)), \(Self.aor("apartment", port: port))",
            "call_mode=sequential", "ring_time=\(Int(ringTime))", "max_ring_time=30",
        ])
        defer { door.stop() }

        #expect(try door.ctl(["press", "1"])["ok"] as? Bool == true)
        let pressed = try #require(door.waitForEvent("button.pressed", ["button": "1"], timeout: 5), "\(door.policyEvents)")
        let incoming = first.nextEvent(.callIncoming, timeout: 10)
        #expect(incoming != nil, "\(first.report)\n\(kamailio.logTail())")
        #expect(!second.waitFor(event: .callEstablished, timeout: 1), "the second target must not ring with the first")

        // Not answered within ring_time: the door cancels it and calls the next target.
        let closed = first.nextEvent(.callClosed, timeout: ringTime + 5)
        #expect(closed != nil, "\(first.report)")
        let moved = door.waitForEvent("call.target", ["target": Self.aor("apartment", port: port)], timeout: 5)
        if let moved {
            let after = moved.time.timeIntervalSince(pressed.time)
            #expect(after >= ringTime - 0.1 && after <= ringTime + 3, "moved on after \(after) s, ring_time=\(ringTime)")
        } else {
            Issue.record("no call.target for the second target:\n\(door.policyEvents)")
        }
        #expect(second.waitFor(event: .callEstablished, timeout: 10), "\(second.report)")
        let answered = door.waitForEvent("call.answered", timeout: 10)
        #expect(answered != nil, "\(door.policyEvents)")
        if let answered, let moved { #expect(answered.time >= moved.time, "\(door.policyEvents)") }
        #expect(door.events("call.answered").count == 1, "only the second target answered:\n\(door.policyEvents)")
        #expect(!first.waitFor(event: .callEstablished, timeout: 0.1), "\(first.report)")

        try second.hangup()
        if let callID = answered?.callID {
            #expect(door.waitForEvent("call.ended", ["call_id": callID], timeout: 10) != nil, "\(door.policyEvents)")
        }
    }
}
