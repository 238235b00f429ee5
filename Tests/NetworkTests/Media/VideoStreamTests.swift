import Devices
import Foundation
import RTP
import SDP
import Testing
@testable import Network

/// A door's video stream to an apartment's, both media engines on loopback: frames arrive
/// whole, with plain RTP and SRTP and in both packetization modes, and key frames come on
/// request (RTCP PLI from the peer, SIP INFO through the engine) within a couple of frames.
@Suite struct VideoStreamTests {
    struct TestPatternCamera: VideoDeviceProvider {
        func openCamera(width: Int, height: Int, framerate: Double) throws(DeviceError) -> any VideoCapture {
            SimulatedCamera(width: width, height: height, framerate: framerate)
        }
    }

    final class Call: Sendable {
        let door: MediaEngine
        let apartment: MediaEngine
        let doorPorts: (audio: UInt16, video: UInt16?)
        let apartmentPorts: (audio: UInt16, video: UInt16?)

        init(mode: Int = 1, suite: SRTPCryptoSuite? = nil, maxPayloadSize: Int = 1200) throws {
            var doorSettings = testMediaSettings()
            doorSettings.video = VideoSendSettings(width: 320, height: 240, framerate: 15, bitrateKbps: 400, maxPayloadSize: maxPayloadSize)
            var apartmentSettings = testMediaSettings()
            apartmentSettings.receiveVideo = true
            door = MediaEngine(settings: doorSettings, devices: SilentAudio(), cameras: TestPatternCamera())
            apartment = MediaEngine(settings: apartmentSettings, devices: SilentAudio())
            doorPorts = try door.reserve(callID: "v", localAddress: "127.0.0.1")
            apartmentPorts = try apartment.reserve(callID: "v", localAddress: "127.0.0.1")
            let length = suite?.keyMaterialLength.flatMap { $0 } ?? 0
            let doorKey = [UInt8](repeating: 7, count: length), apartmentKey = [UInt8](repeating: 9, count: length)
            let toApartment = Self.session(local: doorPorts, remote: apartmentPorts, direction: .sendonly, mode: mode, suite: suite, localKey: doorKey, remoteKey: apartmentKey)
            // The apartment never asks for key frames itself (no PLI negotiated toward it), so every
            // IDR after the first is one a test asked for.
            let toDoor = Self.session(local: apartmentPorts, remote: doorPorts, direction: .recvonly, mode: mode, suite: suite, localKey: apartmentKey, remoteKey: doorKey,
                                      feedback: .none)
            #expect(door.apply(callID: "v", session: toApartment) == nil)
            #expect(apartment.apply(callID: "v", session: toDoor) == nil)
        }

        static func session(local: (audio: UInt16, video: UInt16?), remote: (audio: UInt16, video: UInt16?), direction: MediaDirection, mode: Int,
                            suite: SRTPCryptoSuite?, localKey: [UInt8], remoteKey: [UInt8], feedback: FeedbackSupport = .all) -> NegotiatedSession {
            var session = negotiatedAudio(localPort: local.audio, remotePort: remote.audio)
            let crypto = suite.map { NegotiatedCrypto(suite: $0, tag: 1, localKeyMaterial: localKey, remoteKeyMaterial: remoteKey) }
            session.video = NegotiatedStream(
                mediaIndex: 1, localPort: local.video!, remoteAddress: "127.0.0.1", remotePort: remote.video!,
                remoteRTCPAddress: "127.0.0.1", remoteRTCPPort: remote.video! + 1, rtcpMux: false,
                direction: direction, remoteDirection: direction.reversed, payloadType: 96, codec: .h264, receiveCodecs: [96: .h264],
                crypto: crypto, h264: NegotiatedH264(packetizationMode: mode, profileLevelID: .constrainedBaseline31), feedback: feedback)
            return session
        }

        var doorVideo: VideoCounters? { door.videoStatistics(callID: "v")?.video }
        var apartmentVideo: VideoCounters? { apartment.videoStatistics(callID: "v")?.video }

        func stop() async -> (door: [MediaStatistics], apartment: [MediaStatistics]) {
            (await door.stop(callID: "v"), await apartment.stop(callID: "v"))
        }
    }

    @Test(arguments: [(1, nil), (0, nil), (1, SRTPCryptoSuite.aesCM128HMACSHA1_80), (0, .aeadAES128GCM)] as [(Int, SRTPCryptoSuite?)])
    func framesArriveWhole(mode: Int, suite: SRTPCryptoSuite?) async throws {
        // Mode 0 with a small MTU: the encoder must cut slices to fit single-NAL packets.
        let call = try Call(mode: mode, suite: suite, maxPayloadSize: mode == 0 ? 700 : 1200)
        #expect(await waitUntil(timeout: 10) { (call.apartmentVideo?.framesReceived ?? 0) >= 20 }, "\(String(describing: call.apartmentVideo))")
        let (door, apartment) = await call.stop()
        let sent = try #require(door.first { $0.kind == "video" })
        let received = try #require(apartment.first { $0.kind == "video" })
        let video = try #require(received.video)
        #expect(video.framesDropped == 0, "door: \(sent)")
        #expect(video.keyFramesReceived >= 1, "the first frame is an IDR")
        #expect(received.srtpAuthenticationFailures == 0 && received.malformedPackets == 0)
        #expect(sent.video?.oversizedNALUnits == 0)
        #expect(sent.srtpSuite == suite?.rawValue, "\(sent)")
        #expect(received.packetsLost == 0, "\(received)")
        #expect((sent.video?.framesSent ?? 0) >= video.framesReceived)
        #expect((sent.video?.captureToWireMaxMilliseconds ?? 0) > 0)
    }

    @Test func pliFromThePeerAndInfoBothBringAKeyFrame() async throws {
        let call = try Call()
        #expect(await waitUntil(timeout: 10) { (call.doorVideo?.framesSent ?? 0) >= 5 })
        let before = call.doorVideo?.keyFramesSent ?? 0
        #expect(before == 1, "only the first frame is an IDR (the periodic one is 10 s away)")

        // RTCP PLI (RFC 4585 §6.3.1) to the door's video RTCP port, as the apartment's decoder would send.
        let socket = try UDPSocket(localAddress: "127.0.0.1", port: 0, dscp: 0)
        var bytes = [UInt8](repeating: 0, count: 64)
        let length = bytes.withUnsafeMutableBytes { buffer in
            var writer = RTCPWriter(into: buffer)
            writer.appendReceiverReport(ssrc: 0x1234, reports: EmptyCollection())
            writer.appendPictureLossIndication(senderSSRC: 0x1234, mediaSSRC: 0)
            return writer.count
        }
        #expect(bytes.withUnsafeBytes { socket.send(UnsafeRawBufferPointer(rebasing: $0[0..<length]), to: MediaAddress(host: "127.0.0.1", port: call.doorPorts.video! + 1)!) })
        #expect(await waitUntil(timeout: 5) { (call.doorVideo?.keyFramesSent ?? 0) == before + 1 }, "\(String(describing: call.doorVideo))")
        #expect(call.doorVideo?.keyFrameRequests == 1)

        // SIP INFO picture_fast_update reaches the engine; after the rate limit's gap it is served too.
        call.door.requestKeyFrame(callID: "v")
        #expect(await waitUntil(timeout: 5) { (call.doorVideo?.keyFramesSent ?? 0) == before + 2 }, "\(String(describing: call.doorVideo))")
        #expect(await waitUntil(timeout: 5) { (call.apartmentVideo?.keyFramesReceived ?? 0) >= 3 })
        _ = await call.stop()
    }
}

/// Audio devices that capture silence and discard what they play, paced by the clock.
struct SilentAudio: AudioDeviceProvider {
    func openAudio() throws(DeviceError) -> (capture: any AudioCapture, playback: any AudioPlayback) {
        AudioStream.silentDevices()
    }
}

/// Early video (`[video] early_video`), and datagrams on the video port that are not the peer's
/// video. (Corrupt H.264 of the peer's own stream is the depacketizer's job: H264DepacketizerTests
/// feed it malformed and random payloads.)
@Suite struct VideoStreamEdgeTests {
    @Test(arguments: [true, false])
    func earlyVideoFollowsTheSetting(early: Bool) async throws {
        var settings = testMediaSettings()
        settings.video = VideoSendSettings(width: 160, height: 120, framerate: 15, earlyVideo: early)
        let door = MediaEngine(settings: settings, devices: SilentAudio(), cameras: VideoStreamTests.TestPatternCamera())
        let ports = try door.reserve(callID: "e", localAddress: "127.0.0.1")
        // Another call's bound ports stand in for the apartment (nothing reads them).
        let remote = try door.reserve(callID: "sink", localAddress: "127.0.0.1")
        let session = VideoStreamTests.Call.session(local: ports, remote: remote, direction: .sendonly, mode: 1, suite: nil, localKey: [], remoteKey: [])
        // 183 with SDP: the apartment rings.
        #expect(door.apply(callID: "e", session: session, early: true) == nil)
        if early {
            #expect(await waitUntil(timeout: 5) { (door.videoStatistics(callID: "e")?.video?.framesSent ?? 0) >= 3 }, "\(String(describing: door.videoStatistics(callID: "e")))")
        } else {
            try await Task.sleep(for: .milliseconds(300))
            #expect(door.videoStatistics(callID: "e") == nil, "no video before the answer")
            // 200 OK: video starts.
            #expect(door.apply(callID: "e", session: session, early: false) == nil)
            #expect(await waitUntil(timeout: 5) { (door.videoStatistics(callID: "e")?.video?.framesSent ?? 0) >= 3 })
        }
        _ = await door.stop(callID: "e")
        _ = await door.stop(callID: "sink")
    }

    @Test func garbageAndForeignPacketsAreCountedAndTheStreamGoesOn() async throws {
        let call = try VideoStreamTests.Call()
        let socket = try UDPSocket(localAddress: "127.0.0.1", port: 0, dscp: 0)
        let apartment = MediaAddress(host: "127.0.0.1", port: call.apartmentPorts.video!)!
        #expect(await waitUntil(timeout: 10) { (call.apartmentVideo?.framesReceived ?? 0) >= 5 })
        // Not RTP at all, then RTP of the door's payload type from another SSRC carrying a broken
        // FU-A (continuation without a start) and a STAP-A whose size runs past the end: a stray
        // or spoofed sender must not break the picture being received.
        var datagrams: [[UInt8]] = [[0xFF, 0x00, 0x13], Array(repeating: 0x80, count: 7)]
        for (index, payload) in [[0x7C, 0x45, 1, 2, 3], [0x78, 0x10, 0x00, 0x67]].enumerated() as EnumeratedSequence<[[UInt8]]> {
            var packet = [UInt8](repeating: 0, count: 12)
            packet.withUnsafeMutableBytes { _ = RTPHeader(payloadType: 96, sequenceNumber: UInt16(index), timestamp: 0, ssrc: 0xBAD).write(to: $0) }
            datagrams.append(packet + payload)
        }
        for datagram in datagrams {
            #expect(datagram.withUnsafeBytes { socket.send($0, to: apartment) })
        }
        #expect(await waitUntil(timeout: 5) {
            let stats = call.apartment.videoStatistics(callID: "v")
            return (stats?.malformedPackets ?? 0) >= 1 && (stats?.foreignSSRCPackets ?? 0) >= 2
        }, "\(String(describing: call.apartment.videoStatistics(callID: "v")))")
        let received = call.apartmentVideo?.framesReceived ?? 0
        #expect(await waitUntil(timeout: 5) { (call.apartmentVideo?.framesReceived ?? 0) > received + 5 }, "the stream goes on")
        _ = await call.stop()
    }
}
