import AudioDSP
import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Tests of the baresip peer (`TestSupport/Peers/Baresip.swift`) on its own: two instances call each
/// other directly, through Kamailio, with SRTP and with H.264, so that later tests can rely on it as
/// "the apartment". Loopback-only network namespace only (`make test` makes one).
@Suite(.enabled(if: LoopbackNamespace.isIsolated, "needs a loopback-only network namespace: unshare -n sh -c 'ip link set lo up && swift test --skip-build'"), .serialized)
struct BaresipHarnessTests {
    /// Fraction of `samples`' power at `frequency`, skipping the first 0.5 s (jitter buffer fill).
    static func tone(_ samples: [Int16], _ frequency: Double) -> Double {
        ToneDetector.relativePower(of: samples.dropFirst(Baresip.sampleRate / 2), at: frequency, sampleRate: Baresip.sampleRate)
    }

    /// Every address in the SDP (o=, c=) that `peer` sent or received, from its SIP trace.
    static func sdpAddresses(_ peer: Baresip) -> Set<String> {
        let lines = peer.log.split(whereSeparator: \.isNewline)
        return Set(lines.filter { $0.hasPrefix("c=") || $0.hasPrefix("o=") }.compactMap { $0.split(separator: " ").last.map(String.init) })
    }

    @Test func directCallCarriesToneAndDTMFAndHangsUp() throws {
        let apartment = try Baresip(user: "apartment", toneFrequency: 440)
        let door = try Baresip(user: "door", toneFrequency: 1000)
        defer { door.stop(); apartment.stop() }

        try door.dial(apartment.uri)
        #expect(apartment.waitFor(event: .callEstablished, timeout: 10), "\(apartment.report)")
        #expect(door.waitFor(event: .callEstablished, timeout: 10), "\(door.report)")
        #expect(apartment.waitFor(event: .callRTPEstablished, timeout: 5) { $0.param == "audio" }, "\(apartment.report)")
        Thread.sleep(forTimeInterval: 2)
        try door.sendDTMF("5#")
        #expect(apartment.nextEvent(.callDTMFStart, timeout: 5)?.param == "5", "\(apartment.report)")
        #expect(apartment.nextEvent(.callDTMFStart, timeout: 5)?.param == "#", "\(apartment.report)")

        try door.hangup()
        let closed = apartment.nextEvent(.callClosed, timeout: 10)
        #expect(closed?.reason == "Connection reset by peer", "\(apartment.report)")
        #expect(closed?.direction == "incoming" && closed?.peerURI == "sip:door@127.0.0.1", "\(String(describing: closed))")
        #expect(door.nextEvent(.callClosed, timeout: 5)?.reason == "Connection reset by user", "\(door.report)")

        let heard = try apartment.receivedAudio()
        #expect(heard.count > Baresip.sampleRate, "at least a second recorded: \(heard.count) samples")
        #expect(Self.tone(heard, 1000) > 0.8, "apartment heard the door's 1 kHz tone: \(Self.tone(heard, 1000))")
        #expect(Self.tone(heard, 440) < 0.05, "and not its own 440 Hz: \(Self.tone(heard, 440))")
        let heardByDoor = try door.receivedAudio()
        #expect(Self.tone(heardByDoor, 440) > 0.8, "door heard 440 Hz: \(Self.tone(heardByDoor, 440))")

        // Loopback only, plain RTP, audio only.
        #expect(Self.sdpAddresses(apartment) == ["127.0.0.1"], "\(apartment.log)")
        #expect(Self.sdpAddresses(door) == ["127.0.0.1"], "\(door.log)")
        #expect(door.log.contains("m=audio ") && door.log.contains(" RTP/AVP 0 8 101"), "\(door.log)")
        #expect(!door.log.contains("m=video") && !door.log.contains("a=crypto"), "\(door.log)")
    }

    @Test func manualAnswerRingsUntilAnswered() throws {
        let apartment = try Baresip(user: "apartment", answerMode: .manual)
        let door = try Baresip(user: "door", toneFrequency: 1000)
        defer { door.stop(); apartment.stop() }

        try door.dial(apartment.uri)
        let incoming = apartment.nextEvent(.callIncoming, timeout: 10)
        #expect(incoming?.peerURI == "sip:door@127.0.0.1", "\(apartment.report)")
        #expect(door.waitFor(event: .callRinging, timeout: 5), "\(door.report)")
        #expect(!door.waitFor(event: .callEstablished, timeout: 1), "not answered yet")

        try apartment.answer()
        #expect(apartment.waitFor(event: .callEstablished, timeout: 10), "\(apartment.report)")
        #expect(door.waitFor(event: .callEstablished, timeout: 10), "\(door.report)")
        try apartment.hangup()
        #expect(door.nextEvent(.callClosed, timeout: 10)?.reason == "Connection reset by peer", "\(door.report)")
        #expect(apartment.waitFor(event: .callClosed, timeout: 5), "\(apartment.report)")
    }

    @Test func callThroughKamailioWithDigestAuth() throws {
        let port = try freeLoopbackPort()
        let kamailio = try Kamailio(listen: ["udp:127.0.0.1:\(port)", "tcp:127.0.0.1:\(port)"], files: peerFiles)
        defer { kamailio.stop() }
        let apartment = try Baresip(user: "apartment", registrar: .init(port: port, password: "aptpass"), toneFrequency: 440)
        let door = try Baresip(user: "1001", registrar: .init(port: port, password: "secret1001"), toneFrequency: 1000)
        // Before Kamailio goes (defers run in reverse): baresip waits ~30 s for an un-REGISTER answer otherwise.
        defer { door.stop(); apartment.stop() }

        #expect(apartment.waitForRegistration(timeout: 10), "\(apartment.report)\n\(kamailio.logTail())")
        #expect(door.waitForRegistration(timeout: 10), "\(door.report)\n\(kamailio.logTail())")
        let contacts = kamailio.waitForContacts(aor: "apartment", timeout: 5)
        #expect(contacts.count == 1 && contacts[0].hasPrefix("sip:apartment-0x") && contacts[0].contains("@127.0.0.1:\(apartment.sipPort)"), "\(contacts)")

        try door.dial("sip:apartment@127.0.0.1:\(port)")
        #expect(apartment.waitFor(event: .callEstablished, timeout: 10), "\(apartment.report)\n\(kamailio.logTail())")
        #expect(door.waitFor(event: .callEstablished, timeout: 10), "\(door.report)\n\(kamailio.logTail())")
        #expect(door.log.contains("407 Proxy Authentication Required"), "Kamailio challenged the INVITE")
        #expect(apartment.log.contains("Record-Route: <sip:127.0.0.1:\(port);lr"), "\(apartment.log)")
        Thread.sleep(forTimeInterval: 2)
        try door.hangup()
        #expect(apartment.nextEvent(.callClosed, timeout: 10)?.reason == "Connection reset by peer", "\(apartment.report)")
        let heard = try apartment.receivedAudio()
        #expect(Self.tone(heard, 1000) > 0.8, "1 kHz through the proxied call: \(Self.tone(heard, 1000))")

        // SIGTERM un-REGISTERs.
        #expect(apartment.stop() != nil)
        let left = kamailio.waitForContacts(aor: "apartment", timeout: 5) { $0.isEmpty }
        #expect(left.isEmpty, "\(left)")
    }

    @Test func srtpCallEncryptsAndCarriesTheTone() throws {
        let apartment = try Baresip(user: "apartment", mediaEncryption: .srtpMandatory, toneFrequency: 440)
        let door = try Baresip(user: "door", mediaEncryption: .srtpMandatory, toneFrequency: 1000)
        defer { door.stop(); apartment.stop() }

        try door.dial(apartment.uri)
        #expect(apartment.waitFor(event: .callEstablished, timeout: 10), "\(apartment.report)")
        #expect(door.waitFor(event: .callEstablished, timeout: 10), "\(door.report)")
        for peer in [apartment, door] {
            let encryption = peer.nextEvent(.callMediaEncryption, timeout: 5)
            #expect(encryption?.param == "0,audio,AES_CM_128_HMAC_SHA1_80", "\(peer.report)")
        }
        #expect(door.log.contains(" RTP/SAVP ") && door.log.contains("a=crypto:"), "\(door.log)")
        Thread.sleep(forTimeInterval: 2)
        try door.hangup()
        #expect(apartment.waitFor(event: .callClosed, timeout: 10), "\(apartment.report)")
        let heard = try apartment.receivedAudio()
        #expect(Self.tone(heard, 1000) > 0.8, "1 kHz through SRTP: \(Self.tone(heard, 1000))")
    }

    @Test func mandatorySRTPRejectsAPlainOfferWith488() throws {
        let apartment = try Baresip(user: "apartment", mediaEncryption: .srtpMandatory)
        let door = try Baresip(user: "door")
        defer { door.stop(); apartment.stop() }

        try door.dial(apartment.uri)
        let closed = door.nextEvent(.callClosed, timeout: 10)
        #expect(closed?.reason?.contains("488") == true, "\(door.report)")
        #expect(!apartment.waitFor(event: .callEstablished, timeout: 0.5))
    }

    @Test func videoOptionSendsH264() throws {
        let apartment = try Baresip(user: "apartment", video: true)
        let door = try Baresip(user: "door", video: true)
        defer { door.stop(); apartment.stop() }

        try door.dial(apartment.uri)
        #expect(apartment.waitFor(event: .callEstablished, timeout: 10), "\(apartment.report)")
        #expect(apartment.waitFor(event: .callRTPEstablished, timeout: 10) { $0.param == "video" }, "\(apartment.report)")
        #expect(door.log.contains("m=video ") && door.log.contains("H264/90000") && door.log.contains("packetization-mode=0"), "\(door.log)")
        try door.hangup()
        #expect(apartment.waitFor(event: .callClosed, timeout: 10), "\(apartment.report)")
    }

    @Test func answersOnItsPortAndStopLeavesNothingBehind() throws {
        let peer = try Baresip()
        // baresip matches requests to an account by the user part: OPTIONS to sip:127.0.0.1:<port> gets 404.
        let reply = try LoopbackUDPSocket().options(to: peer.sipPort)
        #expect(reply?.hasPrefix("SIP/2.0 404 ") == true, "\(reply ?? "no reply")\n\(peer.report)")
        #expect(try peer.registrationInfo().contains("sip:apartment@127.0.0.1"))
        #expect(throws: PeerError.self) { try peer.command("no-such-command") }

        let pid = peer.pid
        #expect(peer.stop() != nil)
        #expect(kill(pid, 0) != 0, "pid \(pid) survived")
        #expect(try LoopbackUDPSocket().options(to: peer.sipPort, timeout: 0.5) == nil)
        #expect(throws: PeerError.self) { try peer.dial("sip:x@127.0.0.1:9") }
    }
}
