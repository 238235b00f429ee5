import Foundation
import TestSupport
import Testing

/// The door station's calls against sipp apartments and PBXes that answer in each way a real one
/// may (Peers/sipp/uas_call_*.xml; each scenario checks what the door sends and fails on
/// anything else), and sipp callers calling the door (uac_call_*.xml).
@Suite(.enabled(if: LoopbackNamespace.isIsolated, "needs a loopback-only network namespace (make test runs one)"))
struct SippCallTests {
    /// What the door does during the call, besides placing it.
    enum DoorPart: String, Sendable, CustomTestStringConvertible {
        /// Nothing: sipp ends the call (or refuses it).
        case waits
        /// Hangs up once the call is established.
        case hangsUpWhenAnswered
        /// Hangs up while it rings (CANCEL).
        case hangsUpWhileRinging
        /// Sends DTMF 5 by INFO once established.
        case sendsDigit
        var testDescription: String { rawValue }
    }

    static let outgoing: [(scenario: String, door: DoorPart, expectedEnd: String)] = [
        ("uas_call_answer.xml", .waits, "hung up by the peer"),
        ("uas_call_ring_answer.xml", .hangsUpWhenAnswered, "hung up locally"),
        ("uas_call_100rel.xml", .waits, "hung up by the peer"),
        ("uas_call_100rel_prack_405.xml", .waits, "hung up by the peer"),
        ("uas_call_busy.xml", .waits, "rejected: 486 Busy Here"),
        ("uas_call_cancel_race.xml", .hangsUpWhileRinging, "hung up locally"),
        ("uas_call_reinvite_hold.xml", .waits, "hung up by the peer"),
        ("uas_call_info_dtmf.xml", .sendsDigit, "hung up by the peer"),
    ]

    @Test(arguments: outgoing)
    func doorCallsSipp(_ scenario: String, door part: DoorPart, expectedEnd: String) throws {
        let sippPort = try freeLoopbackPort()
        let sipp = try Sipp(scenario: Sipp.scenario(scenario), localPort: sippPort, timeout: 40)
        try sipp.start()
        defer { sipp.stop() }
        // The INFO scenario checks the door's digit as INFO: RTP events (the default) off.
        let door = try DoorStationUnderTest.forCalls(port: try freeLoopbackPort(),
                                                     extra: scenario == "uas_call_info_dtmf.xml" ? "use_info=1\nuse_rfc2833=0" : "")
        defer { door.stop() }
        #expect(door.waitForLog("control socket ready", timeout: 15), "\(door.log)")
        let callID = try door.call("sip:apartment@127.0.0.1:\(sippPort)")
        switch part {
        case .waits:
            break
        case .hangsUpWhenAnswered:
            #expect(door.waitForLog("call.established", callID, timeout: 15), "\(door.log)")
            _ = try door.ctl(["hangup", callID])
        case .hangsUpWhileRinging:
            #expect(door.waitForLog("call.progress", callID, timeout: 15), "\(door.log)")
            _ = try door.ctl(["hangup", callID])
        case .sendsDigit:
            #expect(door.waitForLog("call.established", callID, timeout: 15), "\(door.log)")
            _ = try door.ctl(["dtmf", callID, "5"])
        }
        #expect(sipp.wait(timeout: 60) == 0, "sipp: \(sipp.errorLog)\n\(sipp.messageLog.suffix(6000))\ndoor:\n\(door.callEvents.joined(separator: "\n"))")
        #expect(door.waitForLog("call.ended", callID, expectedEnd, timeout: 10), "\(door.callEvents.joined(separator: "\n"))")
        switch scenario {
        case "uas_call_info_dtmf.xml":
            #expect(door.waitForLog("call.dtmf", "digit=1", "via=INFO", timeout: 5), "\(door.log)")
            // sipp retransmits its INFO until the 200 comes: the digit still counts once.
            #expect(door.log.split(separator: "\n").filter { $0.contains("call.dtmf") && $0.contains("digit=1") }.count == 1, "\(door.log)")
            #expect(door.waitForLog("call.key_frame_requested", timeout: 5), "\(door.log)")
        case "uas_call_reinvite_hold.xml":
            #expect(door.callEvents.filter { $0.contains("call.media_updated") }.count == 2, "\(door.callEvents)")
        case "uas_call_100rel.xml", "uas_call_100rel_prack_405.xml":
            #expect(door.waitForLog("call.early_media", callID, timeout: 1), "\(door.log)")
        default:
            break
        }
        #expect(!door.log.contains("CRITICAL") && door.daemon.process.isRunning)
    }
}

/// sipp calls the door: an allowed caller is answered (also when it requires 100rel), a stranger
/// gets 403, a broken offer 488 with a Warning.
@Suite(.enabled(if: LoopbackNamespace.isIsolated, "needs a loopback-only network namespace (make test runs one)"))
struct SippCallsTheDoorTests {
    static let incoming: [(scenario: String, caller: String, expectedEnd: String)] = [
        ("uac_call_door.xml", "apartment", "hung up by the peer"),
        ("uac_call_100rel.xml", "apartment", "hung up by the peer"),
        ("uac_call_rejected.xml", "stranger", "declined with 403"),
        ("uac_call_bad_sdp.xml", "apartment", "declined with 488"),
    ]

    @Test(arguments: incoming)
    func sippCallsTheDoor(_ scenario: String, caller: String, expectedEnd: String) throws {
        let doorPort = try freeLoopbackPort()
        let door = try DoorStationUnderTest.forCalls(port: doorPort, allowed: ["sip:apartment@127.0.0.1"])
        defer { door.stop() }
        #expect(door.waitForLog("control socket ready", timeout: 15), "\(door.log)")
        let sipp = try Sipp(scenario: Sipp.scenario(scenario), localPort: try freeLoopbackPort(), remote: "127.0.0.1:\(doorPort)",
                            timeout: 30, keys: ["caller": caller])
        defer { sipp.stop() }
        #expect(try sipp.run(timeout: 40) == 0, "sipp: \(sipp.errorLog)\n\(sipp.messageLog.suffix(6000))\ndoor:\n\(door.callEvents.joined(separator: "\n"))")
        #expect(door.waitForLog("call.ended", expectedEnd, timeout: 10), "\(door.callEvents.joined(separator: "\n"))")
        #expect(door.daemon.process.isRunning)
    }
}
