import Foundation
import Testing
import TestSupport

/// Calls between the door station and baresip (Debian's, as the apartment): direct both ways,
/// through Kamailio as registrar and proxy, and with SDES-SRTP keys negotiated. baresip does not
/// support 100rel, so these calls also prove the door copes without it.
@Suite(.enabled(if: LoopbackNamespace.isIsolated, "needs a loopback-only network namespace (make test runs one)"), .serialized)
struct BaresipCallTests {
    /// The door's ctl status entry for `callID`, live or recent.
    static func entry(_ door: DoorStationUnderTest, _ callID: String) throws -> [String: Any]? {
        let (live, recent) = try door.calls()
        return (live + recent).first { $0["call_id"] as? String == callID }
    }

    @Test(arguments: ["door", "apartment"])
    func doorCallsBaresipAndEitherSideHangsUp(hangsUp side: String) throws {
        let apartment = try Baresip(user: "apartment")
        defer { apartment.stop() }
        let door = try DoorStationUnderTest.forCalls(port: try freeLoopbackPort())
        defer { door.stop() }
        #expect(door.waitForLog("control socket ready", timeout: 15), "\(door.log)")

        let callID = try door.call(apartment.uri)
        #expect(apartment.waitFor(event: .callEstablished, timeout: 10), "\(apartment.report)")
        #expect(door.waitForLog("call.established", callID, timeout: 10), "\(door.log)")
        // It stays up: nothing ends it on its own.
        Thread.sleep(forTimeInterval: 3)
        let live = try Self.entry(door, callID)
        #expect(live?["state"] as? String == "established", "\(String(describing: live))")
        #expect((live?["media"] as? [String])?.first?.hasPrefix("audio PCMU/8000 pt 0 → 127.0.0.1:") == true, "\(String(describing: live))")

        if side == "door" {
            _ = try door.ctl(["hangup", callID])
            #expect(apartment.nextEvent(.callClosed, timeout: 10)?.reason == "Connection reset by peer", "\(apartment.report)")
            #expect(door.waitForLog("call.ended", callID, "hung up locally", timeout: 5), "\(door.callEvents)")
        } else {
            try apartment.hangup()
            #expect(door.waitForLog("call.ended", callID, "hung up by the peer", timeout: 10), "\(door.callEvents)\n\(apartment.report)")
        }
    }

    @Test func baresipCallsTheDoorWhenAllowedAndIsRefusedOtherwise() throws {
        let allowed = try Baresip(user: "apartment")
        let stranger = try Baresip(user: "stranger")
        defer { allowed.stop(); stranger.stop() }
        let port = try freeLoopbackPort()
        let door = try DoorStationUnderTest.forCalls(port: port, allowed: ["sip:apartment@127.0.0.1"])
        defer { door.stop() }
        #expect(door.waitForLog("control socket ready", timeout: 15), "\(door.log)")

        try allowed.dial("sip:door@127.0.0.1:\(port)")
        #expect(allowed.waitFor(event: .callEstablished, timeout: 10), "\(allowed.report)\n\(door.callEvents)")
        #expect(door.waitForLog("call.established", timeout: 5), "\(door.callEvents)")
        try allowed.hangup()
        #expect(door.waitForLog("call.ended", "hung up by the peer", timeout: 10), "\(door.callEvents)")

        try stranger.dial("sip:door@127.0.0.1:\(port)")
        let closed = stranger.nextEvent(.callClosed, timeout: 10)
        #expect(closed?.reason?.contains("403") == true, "\(stranger.report)")
        #expect(door.waitForLog("call.ringing", "allowed=no", timeout: 5), "\(door.callEvents)")
        #expect(door.waitForLog("call.ended", "declined with 403", timeout: 5), "\(door.callEvents)")
    }

    @Test func callThroughKamailioIsAuthenticatedAndRecordRouted() throws {
        let port = try freeLoopbackPort()
        let kamailio = try Kamailio(listen: ["udp:127.0.0.1:\(port)"], files: peerFiles)
        defer { kamailio.stop() }
        let apartment = try Baresip(user: "apartment", registrar: .init(port: port, password: "aptpass"))
        let door = try DoorStationUnderTest.registered(at: port, password: "doorpass")
        // Before Kamailio goes: both un-REGISTER.
        defer { door.stop(); apartment.stop() }
        #expect(apartment.waitForRegistration(timeout: 10), "\(apartment.report)")
        #expect(door.waitForRegistration("registered", timeout: 15), "\(door.log)")

        let callID = try door.call("sip:apartment@127.0.0.1:\(port)")
        #expect(apartment.waitFor(event: .callEstablished, timeout: 10), "\(apartment.report)\n\(kamailio.logTail())")
        #expect(door.waitForLog("call.established", callID, timeout: 10), "\(door.log)")
        // Kamailio challenged the INVITE (407) and record-routed the dialog: the BYE goes through it.
        #expect(apartment.log.contains("Record-Route: <sip:127.0.0.1:\(port);lr"), "\(apartment.log)")
        try apartment.hangup()
        #expect(door.waitForLog("call.ended", callID, "hung up by the peer", timeout: 10), "\(door.callEvents)")
    }

    @Test func srtpKeysAreNegotiatedWithAMandatorySRTPPeer() throws {
        let apartment = try Baresip(user: "apartment", mediaEncryption: .srtpMandatory)
        defer { apartment.stop() }
        let door = try DoorStationUnderTest.forCalls(port: try freeLoopbackPort(), extra: "media_encryption=srtp\nmedia_encryption_mandatory=1")
        defer { door.stop() }
        #expect(door.waitForLog("control socket ready", timeout: 15), "\(door.log)")
        let callID = try door.call(apartment.uri)
        #expect(apartment.waitFor(event: .callEstablished, timeout: 10), "\(apartment.report)")
        #expect(door.waitForLog("call.established", callID, "SRTP AES_CM_128_HMAC_SHA1_80", timeout: 10), "\(door.log)")
        #expect(apartment.log.contains("RTP/SAVP"), "\(apartment.log)")
        _ = try door.ctl(["hangup", callID])
        #expect(apartment.nextEvent(.callClosed, timeout: 10) != nil, "\(apartment.report)")
    }
}
