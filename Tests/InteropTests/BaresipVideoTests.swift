import Foundation
import Testing
import TestSupport
import Video

/// Video calls with baresip (avcodec H.264, Debian's 1.0) both ways: H.264 is negotiated, the door's
/// video stream runs (packets out, RTCP reports back from baresip), and baresip decodes it — its
/// `snapshot` module saves a decoded received frame as PNG, ffmpeg turns that into gray pixels and the
/// test pattern's barcode gives the frame number. When baresip calls, it offers only
/// packetization-mode 0 (PT 96): the door must answer mode 0, here also with SDES-SRTP on both streams.
@Suite(.enabled(if: LoopbackNamespace.isIsolated, "needs a loopback-only network namespace (make test runs one)"), .serialized)
struct BaresipVideoTests {
    static let width = VideoInteropTests.width, height = VideoInteropTests.height

    /// An apartment with video (H.264 via avcodec, fakevideo) and the snapshot video filter.
    static func apartment(mediaEncryption: Baresip.MediaEncryption = .none) throws -> Baresip {
        try Baresip(user: "apartment", mediaEncryption: mediaEncryption, video: true,
                    extraConfig: ["module snapshot.so"])
    }

    /// The live video stream of `callID` in the door's `ctl status`.
    static func video(_ door: DoorStationUnderTest, _ callID: String) throws -> [String: Any]? {
        let entry = try BaresipCallTests.entry(door, callID)
        return (entry?["streams"] as? [[String: Any]])?.first { $0["kind"] as? String == "video" }
    }

    /// The door's Call-ID of its only live call (for calls baresip placed).
    static func onlyCall(_ door: DoorStationUnderTest) throws -> String? {
        try door.calls().live.first?["call_id"] as? String
    }

    /// The SIP messages in baresip's trace (`-s`), sent and received, in order: each starts with its
    /// "UDP a -> b" line, then the message (SDP included).
    static func sipMessages(_ apartment: Baresip) -> [String] {
        apartment.log.components(separatedBy: "\u{1b}[36;1m#\n").dropFirst().map { chunk in
            String(chunk.components(separatedBy: "\u{1b}[;m").first ?? "").replacingOccurrences(of: "\r\n", with: "\n")
        }
    }

    /// The m=video section (to the end of the SDP) of the first message in baresip's trace whose start
    /// line begins with `startLine` and whose CSeq method is INVITE; "" if there is none.
    static func videoSection(_ apartment: Baresip, startLine: String) -> String {
        let message = sipMessages(apartment).first { message in
            let lines = message.split(separator: "\n")
            return lines.count > 1 && lines[1].hasPrefix(startLine)
                && lines.contains { $0.hasPrefix("CSeq:") && $0.hasSuffix(" INVITE") }
        } ?? ""
        return message.components(separatedBy: "m=video").dropFirst().first.map { "m=video" + $0 } ?? ""
    }

    /// Has baresip save the next decoded received frame (`snapshot_recv`), converts the PNG to gray
    /// pixels at the door's size with ffmpeg, and reads the test pattern's frame number from it.
    static func decodedFrameNumber(_ apartment: Baresip, name: String) throws -> UInt64? {
        let png = apartment.folder.appendingPathComponent("\(name).png").path
        let gray = apartment.folder.appendingPathComponent("\(name).gray").path
        try apartment.command("snapshot_recv", png)
        // The filter writes the PNG when the next frame is decoded; the conversion fails on a partial file.
        var converted = false
        var problems = ""
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline, !converted {
            Thread.sleep(forTimeInterval: 0.2)
            guard FileManager.default.fileExists(atPath: png) else { continue }
            let logPath = apartment.folder.appendingPathComponent("\(name)-ffmpeg.log").path
            let ffmpeg = try PeerProcess("ffmpeg", arguments: [
                "-hide_banner", "-nostdin", "-v", "error", "-i", png, "-f", "rawvideo", "-pix_fmt", "gray", "-y", gray,
            ], logPath: logPath)
            let status = ffmpeg.waitForExit(timeout: 10)
            if status == nil { ffmpeg.stop(timeout: 1) }
            problems = ffmpeg.log
            converted = status == 0 && (try? Data(contentsOf: URL(fileURLWithPath: gray)).count) == width * height
        }
        guard converted else {
            throw PeerError("baresip saved no decoded frame as \(png) within 10 s (ffmpeg: \(problems))\n\(apartment.report)")
        }
        let numbers = try VideoInteropTests.frameNumbers(in: gray)
        guard numbers.count == 1 else { throw PeerError("\(gray): \(numbers.count) frames of \(width)x\(height)") }
        return numbers[0]
    }

    /// The door calls baresip (auto-answer): H.264 both ends see, the door's stream is fed back by
    /// baresip's RTCP, and two snapshots a second apart carry increasing test-pattern frame numbers.
    @Test func doorCallsBaresipAndBaresipDecodesTheDoorsVideo() throws {
        let apartment = try Self.apartment()
        defer { apartment.stop() }
        let door = try VideoInteropTests.door()
        defer { door.stop() }
        #expect(door.waitForLog("control socket ready", timeout: 15), "\(door.log)")

        let callID = try door.call(apartment.uri)
        #expect(apartment.waitFor(event: .callEstablished, timeout: 10), "\(apartment.report)")
        #expect(door.waitForLog("call.established", callID, timeout: 10), "\(door.log)")
        #expect(apartment.waitFor(event: .callRTPEstablished, timeout: 10) { $0.param == "video" }, "\(apartment.report)")

        // The door's video stream runs: packets out and growing, RTCP receiver reports from baresip.
        var first: [String: Any]?
        #expect(eventually(timeout: 10) {
            first = (try? Self.video(door, callID)) ?? nil
            return (first?["packets_sent"] as? Int ?? 0) > 0
        }, "\(String(describing: try? BaresipCallTests.entry(door, callID)))")
        #expect(eventually(timeout: 15) {
            let now = (try? Self.video(door, callID)) ?? nil
            return (now?["packets_sent"] as? Int ?? 0) > (first?["packets_sent"] as? Int ?? 0)
                && (now?["rtcp_received"] as? Int ?? 0) > 0 && now?["remote_loss_percent"] != nil
        }, "\(String(describing: try? Self.video(door, callID)))")

        // baresip answered H.264 on one of the door's payload types: PT 96 (mode 1) or PT 97 (mode 0),
        // and the door packetizes as that payload type says.
        let entry = try #require(try BaresipCallTests.entry(door, callID))
        let media = (entry["media"] as? [String]) ?? []
        let videoLine = try #require(media.first { $0.hasPrefix("video H264/90000 pt ") }, "\(entry)")
        let payloadType = videoLine.split(separator: " ").dropFirst(3).first.flatMap { Int($0) }
        #expect(payloadType == 96 || payloadType == 97, "\(videoLine)")
        // baresip's 200 OK says the same: that payload type, with its packetization-mode.
        let answer = Self.videoSection(apartment, startLine: "SIP/2.0 200")
        if let payloadType {
            #expect(answer.hasPrefix("m=video ") && answer.contains(" RTP/AVP \(payloadType)\n"), "\(answer)")
            #expect(answer.contains("a=rtpmap:\(payloadType) H264/90000"), "\(answer)")
            #expect(answer.contains("packetization-mode=\(payloadType == 96 ? 1 : 0)"), "\(answer)")
        }
        let live = try #require(try Self.video(door, callID))
        #expect(live["codec"] as? String == "H264/90000", "\(live)")
        #expect(live["payload_type"] as? Int == payloadType, "\(live)")
        let counters = live["video"] as? [String: Any]
        #expect(counters?["width"] as? Int == Self.width && counters?["height"] as? Int == Self.height, "\(live)")
        #expect(counters?["packetization_mode"] as? Int == (payloadType == 96 ? 1 : 0), "\(live)")
        #expect(counters?["oversized_nal_units"] as? Int == 0, "\(live)")
        #expect((counters?["frames_sent"] as? Int ?? 0) > 15, "\(live)")

        // baresip decodes it: the frame numbers of two snapshots, one second apart, go up.
        let early = try Self.decodedFrameNumber(apartment, name: "early")
        Thread.sleep(forTimeInterval: 1)
        let later = try Self.decodedFrameNumber(apartment, name: "later")
        let earlyNumber = try #require(early, "the first snapshot's barcode is unreadable")
        let laterNumber = try #require(later, "the second snapshot's barcode is unreadable")
        #expect(earlyNumber > 0, "frame numbers \(earlyNumber), \(laterNumber)")
        #expect(laterNumber > earlyNumber && laterNumber - earlyNumber < 60, "frame numbers \(earlyNumber), \(laterNumber)")

        _ = try door.ctl(["hangup", callID])
        #expect(apartment.nextEvent(.callClosed, timeout: 10) != nil, "\(apartment.report)")
        #expect(door.waitForLog("call.video_stats", callID, timeout: 10), "\(door.log)")
    }

    /// baresip calls the door with SDES-SRTP mandatory, offering only H.264 packetization-mode 0: the door
    /// (which allows it) answers mode 0 on baresip's PT 96, encrypts both streams, and baresip decodes.
    @Test func baresipCallsTheDoorWhichAnswersPacketizationMode0() throws {
        let apartment = try Self.apartment(mediaEncryption: .srtpMandatory)
        defer { apartment.stop() }
        let port = try freeLoopbackPort()
        let door = try DoorStationUnderTest.forCalls(
            port: port, allowed: ["sip:apartment@127.0.0.1"],
            extra: "media_encryption=srtp\nmedia_encryption_mandatory=1\n[video]\nsize=\(Self.width)x\(Self.height)\nframerate=15\n[sound]\nechocancellation=0",
            board: "sim_audio_source=tone:1000")
        defer { door.stop() }
        #expect(door.waitForLog("control socket ready", timeout: 15), "\(door.log)")

        try apartment.dial("sip:door@127.0.0.1:\(port)")
        #expect(apartment.waitFor(event: .callEstablished, timeout: 10), "\(apartment.report)\n\(door.callEvents)")
        #expect(door.waitForLog("call.established", timeout: 10), "\(door.callEvents)")
        #expect(apartment.waitFor(event: .callRTPEstablished, timeout: 10) { $0.param == "video" }, "\(apartment.report)")
        #expect(apartment.waitFor(event: .callMediaEncryption, timeout: 5) { $0.param?.contains("video,AES_CM_128_HMAC_SHA1_80") == true },
                "\(apartment.report)")
        let callID = try #require(try Self.onlyCall(door), "\(door.callEvents)")

        // The offer had only mode 0 on PT 96; the door's 200 OK answers mode 0 on PT 96, encrypted, send-only.
        let offer = Self.videoSection(apartment, startLine: "INVITE sip:door@")
        #expect(offer.hasPrefix("m=video ") && offer.contains(" RTP/SAVP 96\n"), "\(offer)")
        #expect(offer.contains("a=fmtp:96 packetization-mode=0"), "\(offer)")
        let answer = Self.videoSection(apartment, startLine: "SIP/2.0 200")
        #expect(answer.hasPrefix("m=video ") && answer.contains(" RTP/SAVP 96\n"), "\(answer)")
        #expect(answer.contains("a=rtpmap:96 H264/90000"), "\(answer)")
        let fmtp = answer.split(separator: "\n").first { $0.hasPrefix("a=fmtp:96 ") } ?? ""
        // Mode 0 is also the default when the parameter is absent (RFC 6184 §8.1).
        #expect(fmtp.contains("packetization-mode=0") || !fmtp.contains("packetization-mode"), "\(answer)")
        #expect(answer.contains("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"), "\(answer)")
        #expect(answer.contains("a=sendonly"), "\(answer)")

        #expect(eventually(timeout: 15) {
            let now = (try? Self.video(door, callID)) ?? nil
            return (now?["packets_sent"] as? Int ?? 0) > 50 && (now?["rtcp_received"] as? Int ?? 0) > 0
        }, "\(String(describing: try? Self.video(door, callID)))")
        let live = try #require(try Self.video(door, callID))
        #expect(live["srtp_suite"] as? String == "AES_CM_128_HMAC_SHA1_80", "\(live)")
        #expect(live["srtp_authentication_failures"] as? Int == 0, "\(live)")
        let counters = live["video"] as? [String: Any]
        #expect(counters?["packetization_mode"] as? Int == 0, "\(live)")
        #expect(counters?["oversized_nal_units"] as? Int == 0, "\(live)")

        let early = try Self.decodedFrameNumber(apartment, name: "early")
        Thread.sleep(forTimeInterval: 1)
        let later = try Self.decodedFrameNumber(apartment, name: "later")
        let earlyNumber = try #require(early, "the first snapshot's barcode is unreadable")
        let laterNumber = try #require(later, "the second snapshot's barcode is unreadable")
        #expect(earlyNumber > 0, "frame numbers \(earlyNumber), \(laterNumber)")
        #expect(laterNumber > earlyNumber && laterNumber - earlyNumber < 60, "frame numbers \(earlyNumber), \(laterNumber)")

        try apartment.hangup()
        #expect(door.waitForLog("call.ended", callID, "hung up by the peer", timeout: 10), "\(door.callEvents)")
    }
}
