import AudioDSP
import Devices
import Foundation
import Testing
import TestSupport

/// The media plane against real peers: tones both ways with baresip (plain RTP and SDES-SRTP,
/// checked by frequency), RFC 4733 digits from baresip, the door's PCMU decoded by ffmpeg from
/// an SDP file, and `nortp_timeout` ending a call whose peer sends nothing (sipp).
@Suite(.enabled(if: LoopbackNamespace.isIsolated, "needs a loopback-only network namespace (make test runs one)"), .serialized)
struct MediaInteropTests {
    /// A door that hears a 1 kHz tone and records what it plays. Echo processing is off: these
    /// tests check transport with steady tones at both ends, which an adaptive canceller partly
    /// learns; EchoTests and `tools aec` check the chain on speech.
    static func door(extra: String = "", sink: String, allowed: [String] = []) throws -> DoorStationUnderTest {
        try DoorStationUnderTest.forCalls(port: try freeLoopbackPort(), allowed: allowed, extra: extra + "\n[sound]\nechocancellation=0",
                                          board: "sim_audio_source=tone:1000\nsim_audio_sink=\(sink)")
    }

    static func recording() throws -> String { try temporaryFolder().appendingPathComponent("door-heard.wav").path }

    @Test(arguments: [Baresip.MediaEncryption.none, .srtpMandatory])
    func tonesCrossBothWaysWithBaresip(encryption: Baresip.MediaEncryption) throws {
        let apartment = try Baresip(user: "apartment", mediaEncryption: encryption, toneFrequency: 440)
        defer { apartment.stop() }
        let sink = try Self.recording()
        let door = try Self.door(extra: encryption == .none ? "" : "media_encryption=srtp\nmedia_encryption_mandatory=1", sink: sink)
        defer { door.stop() }
        #expect(door.waitForLog("control socket ready", timeout: 15), "\(door.log)")
        let callID = try door.call(apartment.uri)
        #expect(apartment.waitFor(event: .callEstablished, timeout: 10), "\(apartment.report)")
        #expect(door.waitForLog("call.established", callID, timeout: 10), "\(door.log)")
        // Four seconds of call, read while it runs: packets flow both ways.
        #expect(eventually(timeout: 15) { (try? Self.audio(door, callID))?["packets_received"] as? Int ?? 0 >= 150 }, "\(door.log)")
        let live = try #require(try Self.audio(door, callID))
        #expect(live["codec"] as? String == "PCMU/8000")
        #expect(live["srtp_suite"] as? String == (encryption == .none ? nil : "AES_CM_128_HMAC_SHA1_80"), "\(live)")
        _ = try door.ctl(["hangup", callID])
        #expect(apartment.nextEvent(.callClosed, timeout: 10) != nil, "\(apartment.report)")
        #expect(door.waitForLog("call.media_stats", callID, timeout: 10), "\(door.log)")

        let heardByApartment = try apartment.receivedAudio(timeout: 10)
        #expect(heardByApartment.count > 16000, "\(heardByApartment.count) samples")
        #expect(ToneDetector.medianRelativePower(of: Array(heardByApartment.suffix(8000)), at: 1000, sampleRate: 8000) > 0.7)
        #expect(ToneDetector.medianRelativePower(of: Array(heardByApartment.suffix(8000)), at: 440, sampleRate: 8000) < 0.1)
        let heardByDoor = try WAVFile.read(path: sink, expectedRate: 8000)
        #expect(heardByDoor.count > 16000, "\(heardByDoor.count) samples")
        #expect(ToneDetector.medianRelativePower(of: Array(heardByDoor.suffix(8000)), at: 440, sampleRate: 8000) > 0.7)
        #expect(ToneDetector.medianRelativePower(of: Array(heardByDoor.suffix(8000)), at: 1000, sampleRate: 8000) < 0.1)

        let recent = try #require(try BaresipCallTests.entry(door, callID))
        let final = try #require((recent["streams"] as? [[String: Any]])?.first, "\(recent)")
        #expect(final["packets_lost"] as? Int == 0, "\(final)")
        #expect(final["srtp_authentication_failures"] as? Int == 0, "\(final)")
        #expect((final["packets_sent"] as? Int ?? 0) >= 150, "\(final)")
    }

    @Test func digitsFromBaresipReachTheDoorOncePerPress() throws {
        let apartment = try Baresip(user: "apartment", toneFrequency: 440)
        defer { apartment.stop() }
        let door = try Self.door(sink: try Self.recording())
        defer { door.stop() }
        #expect(door.waitForLog("control socket ready", timeout: 15), "\(door.log)")
        let callID = try door.call(apartment.uri)
        #expect(apartment.waitFor(event: .callEstablished, timeout: 10), "\(apartment.report)")
        #expect(door.waitForLog("call.established", callID, timeout: 10), "\(door.log)")
        for digit in ["1", "5", "#"] {
            try apartment.sendDTMF(digit)
            // baresip's sndcode holds the key until the next one; a pause lets each end.
            Thread.sleep(forTimeInterval: 0.4)
        }
        #expect(eventually(timeout: 10) { Self.digits(door, callID).count >= 3 }, "\(door.log)")
        Thread.sleep(forTimeInterval: 1)
        #expect(Self.digits(door, callID) == ["1", "5", "#"], "\(door.callEvents)")
        _ = try door.ctl(["hangup", callID])
        #expect(door.waitForLog("call.media_stats", callID, timeout: 10), "\(door.log)")
    }

    @Test func ffmpegDecodesTheDoorsPCMUFromAnSDPFile() throws {
        let folder = try temporaryFolder()
        let rtpPort = try freeConsecutiveLoopbackPorts(2)
        let sdp = folder.appendingPathComponent("door.sdp")
        try """
            v=0
            o=- 0 0 IN IP4 127.0.0.1
            s=door station audio
            c=IN IP4 127.0.0.1
            t=0 0
            m=audio \(rtpPort) RTP/AVP 0
            a=rtpmap:0 PCMU/8000

            """.write(to: sdp, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("decoded.wav").path
        let ffmpeg = try PeerProcess("ffmpeg", arguments: [
            "-hide_banner", "-nostdin", "-loglevel", "error", "-protocol_whitelist", "file,udp,rtp",
            "-i", sdp.path, "-t", "3", "-y", output,
        ], logPath: folder.appendingPathComponent("ffmpeg.log").path)
        defer { ffmpeg.stop(timeout: 2) }
        let sippPort = try freeLoopbackPort()
        let sipp = try Sipp(scenario: Sipp.scenario("uas_call_media_elsewhere.xml"), localPort: sippPort, timeout: 40,
                            keys: ["rtp_port": "\(rtpPort)", "direction": "recvonly"])
        try sipp.start()
        defer { sipp.stop() }
        let door = try Self.door(sink: try Self.recording())
        defer { door.stop() }
        #expect(door.waitForLog("control socket ready", timeout: 15), "\(door.log)")
        let callID = try door.call("sip:apartment@127.0.0.1:\(sippPort)")
        #expect(door.waitForLog("call.established", callID, timeout: 15), "\(door.log)")
        #expect(ffmpeg.waitForExit(timeout: 20) == 0, "ffmpeg: \(ffmpeg.log)")
        #expect(ffmpeg.log.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "ffmpeg reported: \(ffmpeg.log)")
        _ = try door.ctl(["hangup", callID])
        #expect(sipp.wait(timeout: 15) == 0, "sipp: \(sipp.errorLog)")
        let decoded = try WAVFile.read(path: output, expectedRate: 8000)
        #expect(decoded.count >= 20000, "\(decoded.count) samples")
        #expect(ToneDetector.medianRelativePower(of: Array(decoded.suffix(8000)), at: 1000, sampleRate: 8000) > 0.8)
    }

    @Test func aPeerThatSendsNothingIsHungUpAfterTheTimeout() throws {
        let sippPort = try freeLoopbackPort()
        let sipp = try Sipp(scenario: Sipp.scenario("uas_call_media_elsewhere.xml"), localPort: sippPort, timeout: 40,
                            keys: ["rtp_port": "\(try freeLoopbackPort())", "direction": "sendrecv"])
        try sipp.start()
        defer { sipp.stop() }
        let door = try Self.door(extra: "[rtp]\nnortp_timeout=2", sink: try Self.recording())
        defer { door.stop() }
        #expect(door.waitForLog("control socket ready", timeout: 15), "\(door.log)")
        let callID = try door.call("sip:apartment@127.0.0.1:\(sippPort)")
        #expect(door.waitForLog("call.established", callID, timeout: 15), "\(door.log)")
        #expect(door.waitForLog("call.rtp_timeout", callID, timeout: 20), "\(door.log)")
        #expect(sipp.wait(timeout: 15) == 0, "sipp: \(sipp.errorLog)")
        #expect(door.waitForLog("call.ended", callID, timeout: 5), "\(door.callEvents)")
    }

    /// The live audio stream of `callID` in `ctl status`.
    static func audio(_ door: DoorStationUnderTest, _ callID: String) throws -> [String: Any]? {
        let entry = try BaresipCallTests.entry(door, callID)
        return (entry?["streams"] as? [[String: Any]])?.first
    }

    /// Digits the door's log reports for `callID`, in order.
    static func digits(_ door: DoorStationUnderTest, _ callID: String) -> [String] {
        door.log.split(separator: "\n").filter { $0.contains("call.dtmf") && $0.contains(callID) && !$0.contains("dtmf_sent") }
            .compactMap { line in line.split(separator: " ").first { $0.hasPrefix("digit=") }.map { String($0.dropFirst(6)) } }
    }
}
