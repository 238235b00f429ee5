import Foundation
import Testing
import TestSupport
import Video

/// The door's video against real decoders: ffmpeg decodes the H.264 RTP stream of a call from an
/// SDP file and the test pattern's frame numbers come out consecutive (no frame lost, repeated
/// or reordered); baresip negotiates H.264 and decodes the door's video in a call.
@Suite(.enabled(if: LoopbackNamespace.isIsolated, "needs a loopback-only network namespace (make test runs one)"), .serialized)
struct VideoInteropTests {
    static let width = 320, height = 240, frames = 45

    /// A door on the sim board that sends the test pattern at 320x240, 15 fps.
    static func door(extra: String = "") throws -> DoorStationUnderTest {
        try DoorStationUnderTest.forCalls(port: try freeLoopbackPort(), extra: "[video]\nsize=\(width)x\(height)\nframerate=15\n" + extra + "\n[sound]\nechocancellation=0",
                                          board: "sim_audio_source=tone:1000")
    }

    @Test(arguments: ["", "[video]\nprofile=main"])
    func ffmpegDecodesConsecutiveFramesOfTheDoorsVideo(extra: String) throws {
        let folder = try temporaryFolder()
        let videoPort = try freeConsecutiveLoopbackPorts(2)
        let sdp = folder.appendingPathComponent("door-video.sdp")
        try """
            v=0
            o=- 0 0 IN IP4 127.0.0.1
            s=door station video
            c=IN IP4 127.0.0.1
            t=0 0
            m=video \(videoPort) RTP/AVP 96
            a=rtpmap:96 H264/90000
            a=fmtp:96 packetization-mode=1

            """.write(to: sdp, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("decoded.gray").path
        let ffmpeg = try PeerProcess("ffmpeg", arguments: [
            "-hide_banner", "-nostdin", "-loglevel", "error", "-protocol_whitelist", "file,udp,rtp", "-reorder_queue_size", "64",
            "-i", sdp.path, "-frames:v", "\(Self.frames)", "-f", "rawvideo", "-pix_fmt", "gray", "-y", output,
        ], logPath: folder.appendingPathComponent("ffmpeg.log").path)
        defer { ffmpeg.stop(timeout: 2) }
        let sippPort = try freeLoopbackPort()
        let sipp = try Sipp(scenario: Sipp.scenario("uas_call_video_elsewhere.xml"), localPort: sippPort, timeout: 40,
                            keys: ["rtp_port": "\(try freeLoopbackPort())", "video_port": "\(videoPort)", "direction": "recvonly"])
        try sipp.start()
        defer { sipp.stop() }
        let door = try Self.door(extra: extra)
        defer { door.stop() }
        #expect(door.waitForLog("control socket ready", timeout: 15), "\(door.log)")
        let callID = try door.call("sip:apartment@127.0.0.1:\(sippPort)")
        #expect(door.waitForLog("call.established", callID, timeout: 15), "\(door.log)")
        // ctl status shows the video stream beside the audio while the call runs.
        #expect(try eventually(timeout: 10) {
            let streams = try BaresipCallTests.entry(door, callID)?["streams"] as? [[String: Any]] ?? []
            let video = streams.first { $0["kind"] as? String == "video" }
            return (video?["packets_sent"] as? Int ?? 0) > 0 && (video?["video"] as? [String: Any])?["frames_sent"] as? Int ?? 0 > 0
        }, "\((try? door.status()) ?? "")")
        #expect(ffmpeg.waitForExit(timeout: 30) == 0, "ffmpeg: \(ffmpeg.log)")
        #expect(ffmpeg.log.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "ffmpeg reported: \(ffmpeg.log)")
        _ = try door.ctl(["hangup", callID])
        #expect(sipp.wait(timeout: 15) == 0, "sipp: \(sipp.errorLog)")
        #expect(door.waitForLog("call.video_stats", callID, timeout: 10), "\(door.log)")
        // The figures for the record (capture to wire, key frames, rate).
        for line in door.log.split(separator: "\n") where line.contains("call.video_stats") { print("door video (\(extra.isEmpty ? "baseline" : "main")): \(line)") }

        let sequences = try Self.frameNumbers(in: output)
        #expect(sequences.count == Self.frames, "decoded \(sequences.count) frames")
        let first = try #require(sequences.first ?? nil, "frame numbers \(sequences)")
        #expect(sequences == (0..<Self.frames).map { first + UInt64($0) }, "frame numbers \(sequences)")
        #expect(first == 0, "ffmpeg listened before the call, so it saw the first frame")
    }

    /// The test-pattern frame number of each decoded gray frame (nil when unreadable).
    static func frameNumbers(in path: String) throws -> [UInt64?] {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let size = width * height
        let frame = I420Frame(width: width, height: height)
        return stride(from: 0, to: bytes.count - size + 1, by: size).map { offset in
            frame.withPlanes { y, _, _ in
                bytes.withUnsafeBytes { raw in _ = y.initialize(from: raw[offset..<offset + size]) }
            }
            return TestPattern.decodeSequence(from: frame)
        }
    }
}
