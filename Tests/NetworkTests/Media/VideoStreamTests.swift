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
            let toDoor = Self.session(local: apartmentPorts, remote: doorPorts, direction: .recvonly, mode: mode, suite: suite, localKey: apartmentKey, remoteKey: doorKey)
            #expect(door.apply(callID: "v", session: toApartment) == nil)
            #expect(apartment.apply(callID: "v", session: toDoor) == nil)
        }

        static func session(local: (audio: UInt16, video: UInt16?), remote: (audio: UInt16, video: UInt16?), direction: MediaDirection, mode: Int,
                            suite: SRTPCryptoSuite?, localKey: [UInt8], remoteKey: [UInt8]) -> NegotiatedSession {
            var session = negotiatedAudio(localPort: local.audio, remotePort: remote.audio)
            let crypto = suite.map { NegotiatedCrypto(suite: $0, tag: 1, localKeyMaterial: localKey, remoteKeyMaterial: remoteKey) }
            session.video = NegotiatedStream(
                mediaIndex: 1, localPort: local.video!, remoteAddress: "127.0.0.1", remotePort: remote.video!,
                remoteRTCPAddress: "127.0.0.1", remoteRTCPPort: remote.video! + 1, rtcpMux: false,
                direction: direction, remoteDirection: direction.reversed, payloadType: 96, codec: .h264, receiveCodecs: [96: .h264],
                crypto: crypto, h264: NegotiatedH264(packetizationMode: mode, profileLevelID: .constrainedBaseline31), feedback: .all)
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
