import Devices
import Foundation
import SDP
import Synchronization
import Testing
@testable import Network

/// Received video handed to a display that records it (the sim board's `sim_video_sink`): the
/// file is H.264 Annex B that ffmpeg decodes without a complaint, with as many pictures as the
/// door sent; after loss it resumes at the next key frame; a file that cannot be created is
/// reported once and the call's video goes on.
@Suite struct VideoStreamRecordingTests {
    /// The apartment: no camera, a screen that records to `path`.
    struct RecordingScreen: VideoDeviceProvider {
        let path: String

        func openCamera(width: Int, height: Int, framerate: Double) throws(DeviceError) -> any VideoCapture {
            throw DeviceError(device: "camera", operation: "opening", reason: "the apartment has none")
        }

        func openDisplay() throws(DeviceError) -> (any VideoDisplay)? { try AnnexBRecorder(path: path) }
    }

    /// A door engine sending 320x240 at 15 fps to an apartment engine that records, through
    /// `relay` when given (which then stands in for the apartment's video port).
    final class RecordedCall: Sendable {
        let door: MediaEngine
        let apartment: MediaEngine
        let doorPorts: (audio: UInt16, video: UInt16?)
        let apartmentPorts: (audio: UInt16, video: UInt16?)

        init(recording: String, mode: Int = 1, suite: SRTPCryptoSuite? = nil, relay: LossyRelay? = nil) throws {
            var doorSettings = testMediaSettings()
            doorSettings.video = VideoSendSettings(width: 320, height: 240, framerate: 15, bitrateKbps: 400, maxPayloadSize: mode == 0 ? 700 : 1200)
            var apartmentSettings = testMediaSettings()
            apartmentSettings.receiveVideo = true
            door = MediaEngine(settings: doorSettings, devices: SilentAudio(), cameras: VideoStreamTests.TestPatternCamera())
            apartment = MediaEngine(settings: apartmentSettings, devices: SilentAudio(), cameras: RecordingScreen(path: recording))
            doorPorts = try door.reserve(callID: "r", localAddress: "127.0.0.1")
            apartmentPorts = try apartment.reserve(callID: "r", localAddress: "127.0.0.1")
            let length = suite?.keyMaterialLength.flatMap { $0 } ?? 0
            let doorKey = [UInt8](repeating: 7, count: length), apartmentKey = [UInt8](repeating: 9, count: length)
            relay?.forward(to: MediaAddress(host: "127.0.0.1", port: apartmentPorts.video!)!)
            let towardApartment = (audio: apartmentPorts.audio, video: relay.map { $0.port } ?? apartmentPorts.video)
            // No PLI toward the door: every IDR after the first is one a test asked for.
            #expect(door.apply(callID: "r", session: VideoStreamTests.Call.session(
                local: doorPorts, remote: towardApartment, direction: .sendonly, mode: mode, suite: suite, localKey: doorKey, remoteKey: apartmentKey)) == nil)
            #expect(apartment.apply(callID: "r", session: VideoStreamTests.Call.session(
                local: apartmentPorts, remote: doorPorts, direction: .recvonly, mode: mode, suite: suite, localKey: apartmentKey, remoteKey: doorKey,
                feedback: .none)) == nil)
        }

        var doorVideo: VideoCounters? { door.videoStatistics(callID: "r")?.video }
        var apartmentVideo: VideoCounters? { apartment.videoStatistics(callID: "r")?.video }

        /// The final video statistics of both ends (the door stops first: nothing is in flight
        /// when the apartment closes its recording).
        func stop() async throws -> (door: MediaStatistics, apartment: MediaStatistics) {
            let door = await self.door.stop(callID: "r"), apartment = await self.apartment.stop(callID: "r")
            return (try #require(door.first { $0.kind == "video" }), try #require(apartment.first { $0.kind == "video" }))
        }
    }

    @Test(arguments: [(1, nil), (0, SRTPCryptoSuite.aesCM128HMACSHA1_80)] as [(Int, SRTPCryptoSuite?)])
    func theRecordingDecodesWithEveryFrameSent(mode: Int, suite: SRTPCryptoSuite?) async throws {
        let path = temporaryPath("received.h264")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let call = try RecordedCall(recording: path, mode: mode, suite: suite)
        #expect(await waitUntil(timeout: 10) { (call.apartmentVideo?.framesReceived ?? 0) >= 30 }, "\(String(describing: call.apartmentVideo))")
        let (door, apartment) = try await call.stop()
        let sent = try #require(door.video?.framesSent), received = try #require(apartment.video)
        #expect(received.framesDisplayed == received.framesReceived, "no loss: every frame is recorded")

        let probe = try await FFprobe.run(path)
        #expect(probe.errors.isEmpty, "ffmpeg: \(probe.errors)")
        #expect(probe.frames == received.framesDisplayed, "\(probe)")
        #expect(abs(probe.frames - sent) <= max(1, sent / 10), "door sent \(sent), the file has \(probe.frames)")
        #expect(probe.size == "320x240")
    }

    @Test func afterLossTheRecordingResumesAtTheNextKeyFrame() async throws {
        let path = temporaryPath("lossy.h264")
        defer { try? FileManager.default.removeItem(atPath: path) }
        // The 40th packet (some 13 frames in) is lost: the rest of its frame breaks, and every
        // later frame refers to it until the next IDR.
        let relay = try LossyRelay(dropping: [40])
        defer { relay.stop() }
        let call = try RecordedCall(recording: path, relay: relay)
        #expect(await waitUntil(timeout: 10) { (call.apartmentVideo?.framesDropped ?? 0) >= 1 }, "\(String(describing: call.apartmentVideo))")
        let broken = call.apartmentVideo?.framesReceived ?? 0
        // Frames keep coming (a decoder would conceal them), but none is recorded until the IDR.
        #expect(await waitUntil(timeout: 5) { (call.apartmentVideo?.framesReceived ?? 0) >= broken + 5 })
        #expect(call.apartmentVideo?.framesDisplayed ?? 0 < call.apartmentVideo?.framesReceived ?? 0)
        call.door.requestKeyFrame(callID: "r")
        #expect(await waitUntil(timeout: 5) { (call.apartmentVideo?.keyFramesReceived ?? 0) >= 2 })
        let resumed = call.apartmentVideo?.framesReceived ?? 0
        #expect(await waitUntil(timeout: 5) { (call.apartmentVideo?.framesReceived ?? 0) >= resumed + 5 })
        let (_, apartment) = try await call.stop()
        let received = try #require(apartment.video)
        #expect(received.framesDisplayed <= received.framesReceived - 5, "\(received)")
        #expect(received.framesDisplayed >= 15, "\(received)")

        let probe = try await FFprobe.run(path)
        #expect(probe.errors.isEmpty, "ffmpeg: \(probe.errors)")
        #expect(probe.frames == received.framesDisplayed, "\(probe)")
    }

    @Test func aRecordingThatCannotBeCreatedIsReportedOnceAndVideoGoesOn() async throws {
        let call = try RecordedCall(recording: "/nonexistent-\(UUID().uuidString)/received.h264")
        let log = MediaEventLog(call.apartment)
        defer { log.cancel() }
        #expect(await waitUntil(timeout: 10) { (call.apartmentVideo?.framesReceived ?? 0) >= 15 })
        let (_, apartment) = try await call.stop()
        #expect(apartment.video?.framesDisplayed == 0)
        let reports = log.events.compactMap { event -> String? in
            if case .videoDisplayUnavailable(_, let reason) = event { return reason }
            return nil
        }
        #expect(reports.count == 1, "\(log.events)")
        #expect(reports.first?.contains("creating the video recording failed: No such file or directory") == true, "\(reports)")
    }
}

/// Forwards RTP datagrams from its port to one address, leaving out the ones whose index (from
/// 0, in arrival order) is listed: loss where the test wants it.
final class LossyRelay: @unchecked Sendable {
    let socket: UDPSocket
    var port: UInt16 { socket.localPort }
    private let dropping: Set<Int>
    private let destination = Mutex<MediaAddress?>(nil)
    private let stopped = Atomic<Bool>(false)
    private let exited = Atomic<Bool>(false)

    init(dropping: Set<Int>) throws {
        var random = SystemRandomNumberGenerator()
        socket = try RTPPortPair.bind(localAddress: "127.0.0.1", ports: MediaPortRange(40000...44998), dscp: 0, using: &random).rtp
        self.dropping = dropping
        let started = Thread { [self] in run() }
        started.start()
    }

    func forward(to address: MediaAddress) { destination.withLock { $0 = address } }

    private func run() {
        defer { exited.store(true, ordering: .releasing) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 8)
        defer { buffer.deallocate() }
        var source = MediaAddress(), arrival: UInt64 = 0, index = 0
        while !stopped.load(ordering: .acquiring) {
            guard let length = socket.receive(into: buffer, source: &source, arrival: &arrival) else {
                usleep(500)
                continue
            }
            defer { index += 1 }
            guard !dropping.contains(index), let target = destination.withLock({ $0 }) else { continue }
            _ = socket.send(UnsafeRawBufferPointer(rebasing: buffer[0..<min(length, buffer.count)]), to: target)
        }
    }

    /// Ends the thread, waiting at most a second for it.
    func stop() {
        stopped.store(true, ordering: .releasing)
        for _ in 0..<1000 where !exited.load(ordering: .acquiring) { usleep(1000) }
    }
}

/// What `ffprobe -count_frames` reads from an Annex B file, and what a full `ffmpeg` decode of it
/// says at `-v error` (nothing, for a clean stream). Each tool is killed after 30 s.
struct FFprobe: CustomStringConvertible {
    var frames: Int
    var size: String
    var errors: String

    var description: String { "\(frames) frames \(size), errors: \(errors.isEmpty ? "none" : errors)" }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func run(_ path: String) async throws -> FFprobe {
        let (probed, probeErrors) = try await tool("ffprobe", ["-v", "error", "-f", "h264", "-count_frames", "-select_streams", "v:0",
                                                               "-show_entries", "stream=nb_read_frames,width,height", "-of", "csv=p=0", path])
        // "320,240,42"
        let fields = probed.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",")
        guard fields.count == 3, let frames = Int(fields[2]) else { throw Failure(description: "ffprobe printed \(probed) \(probeErrors)") }
        let (_, decodeErrors) = try await tool("ffmpeg", ["-nostdin", "-v", "error", "-f", "h264", "-i", path, "-f", "null", "-"])
        return FFprobe(frames: frames, size: "\(fields[0])x\(fields[1])", errors: probeErrors + decodeErrors)
    }

    /// Runs `name` from PATH; its stdout and stderr (files, so that a chatty tool never blocks on a pipe).
    private static func tool(_ name: String, _ arguments: [String]) async throws -> (output: String, errors: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ffprobe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = folder.appendingPathComponent("out"), errors = folder.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: output)
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        guard await waitUntil(timeout: 30, { !process.isRunning }) else {
            process.terminate()
            throw Failure(description: "\(name) did not finish within 30 s")
        }
        let written = try String(contentsOf: output, encoding: .utf8), complaints = try String(contentsOf: errors, encoding: .utf8)
        guard process.terminationStatus == 0 else { throw Failure(description: "\(name) exited with \(process.terminationStatus): \(complaints)") }
        return (written, complaints)
    }
}
