import AudioDSP
import Foundation
@testable import Network
import SDP
import Testing

/// Two media engines in one process call each other over loopback: real sockets, real libsrtp2,
/// real threads. What each one's speaker played is checked by frequency.
@Suite(.serialized) struct MediaEngineCallTests {
    /// A pair of engines set up as the two ends of one call.
    struct Call {
        let door: MediaEngine, apartment: MediaEngine
        let doorAudio: ToneAudio, apartmentAudio: ToneAudio
        let doorPort: UInt16, apartmentPort: UInt16
        let doorEvents: MediaEventLog, apartmentEvents: MediaEventLog

        init(suite: SRTPCryptoSuite? = nil, doorSettings: MediaEngineSettings = testMediaSettings(), rtcpMux: Bool = false) throws {
            doorAudio = ToneAudio(frequency: 1000, recording: temporaryPath("door.wav"))
            apartmentAudio = ToneAudio(frequency: 440, recording: temporaryPath("apartment.wav"))
            door = MediaEngine(settings: doorSettings, devices: doorAudio)
            apartment = MediaEngine(settings: testMediaSettings(), devices: apartmentAudio)
            doorEvents = MediaEventLog(door)
            apartmentEvents = MediaEventLog(apartment)
            doorPort = try door.reserve(callID: "c", localAddress: "127.0.0.1").audio
            apartmentPort = try apartment.reserve(callID: "c", localAddress: "127.0.0.1").audio
            let length = suite?.keyMaterialLength ?? 0
            let doorKey = (0..<length).map { UInt8($0) }, apartmentKey = (0..<length).map { UInt8(200 - $0) }
            #expect(door.apply(callID: "c", session: negotiatedAudio(localPort: doorPort, remotePort: apartmentPort, suite: suite,
                                                                    localKey: doorKey, remoteKey: apartmentKey, rtcpMux: rtcpMux)) == nil)
            #expect(apartment.apply(callID: "c", session: negotiatedAudio(localPort: apartmentPort, remotePort: doorPort, suite: suite,
                                                                         localKey: apartmentKey, remoteKey: doorKey, rtcpMux: rtcpMux)) == nil)
        }

        func stop() async -> (door: MediaStatistics?, apartment: MediaStatistics?) {
            let door = await self.door.stop(callID: "c")
            let apartment = await self.apartment.stop(callID: "c")
            doorEvents.cancel()
            apartmentEvents.cancel()
            return (door.first, apartment.first)
        }
    }

    @Test(arguments: [nil, SRTPCryptoSuite.aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32, .aeadAES128GCM])
    func tonesCrossBothWays(suite: SRTPCryptoSuite?) async throws {
        let call = try Call(suite: suite)
        #expect(await waitUntil(timeout: 10) { (call.door.statistics(callID: "c")?.packetsReceived ?? 0) >= 75 && (call.apartment.statistics(callID: "c")?.packetsReceived ?? 0) >= 75 })
        #expect(await waitUntil(timeout: 10) { call.door.statistics(callID: "c")?.roundTripMilliseconds != nil })
        let (door, apartment) = await call.stop()
        let heardAtDoor = try call.doorAudio.played(), heardAtApartment = try call.apartmentAudio.played()
        // Skip the jitter buffer's start; the rest is the far end's tone.
        #expect(ToneDetector.medianRelativePower(of: Array(heardAtDoor.suffix(4000)), at: 440, sampleRate: 8000) > 0.8)
        #expect(ToneDetector.medianRelativePower(of: Array(heardAtApartment.suffix(4000)), at: 1000, sampleRate: 8000) > 0.8)
        #expect(ToneDetector.medianRelativePower(of: Array(heardAtDoor.suffix(4000)), at: 1000, sampleRate: 8000) < 0.05)
        for stats in [door, apartment] {
            #expect(stats?.packetsLost == 0)
            #expect(stats?.srtpSuite == suite?.rawValue)
            #expect(stats?.srtpAuthenticationFailures == 0)
            #expect(stats?.codec == "PCMU/8000")
            #expect((stats?.rtcpReceived ?? 0) > 0)
        }
        #expect(door?.roundTripMilliseconds != nil)
    }

    @Test func dtmfDigitsArriveOnceEachInOrder() async throws {
        let call = try Call(suite: .aesCM128HMACSHA1_80)
        #expect(await waitUntil(timeout: 10) { (call.apartment.statistics(callID: "c")?.packetsReceived ?? 0) >= 10 })
        #expect(call.door.sendDTMF(callID: "c", digits: "159#"))
        let digits = { call.apartmentEvents.events.compactMap { event -> Character? in
            if case .dtmf(_, let digit, _) = event { return digit } else { return nil }
        } }
        #expect(await waitUntil(timeout: 10) { digits().count >= 4 })
        // Give repeated end packets time to arrive: still once each.
        try await Task.sleep(for: .milliseconds(300))
        #expect(String(digits()) == "159#")
        let (door, apartment) = await call.stop()
        #expect(door?.dtmfSent == 4)
        #expect(apartment?.dtmfReceived == 4)
    }

    @Test func garbageAndForgeriesAreCountedAndDropped() async throws {
        let call = try Call(suite: .aesCM128HMACSHA1_80)
        #expect(await waitUntil(timeout: 10) { (call.apartment.statistics(callID: "c")?.packetsReceived ?? 0) >= 10 })
        let attacker = try #require(UDPSocket(localAddress: "127.0.0.1", port: 0, dscp: 0) as UDPSocket?)
        let target = try #require(MediaAddress(host: "127.0.0.1", port: call.apartmentPort))
        let forged: [[UInt8]] = [
            [0x80, 0x00],  // truncated
            [0x40] + [UInt8](repeating: 1, count: 40),  // version 1
            [0x80, 0x00, 0x00, 0x01, 0, 0, 0, 1, 0xDE, 0xAD, 0xBE, 0xEF] + [UInt8](repeating: 0xFF, count: 170),  // bad auth tag
        ]
        for packet in forged { packet.withUnsafeBytes { _ = attacker.send($0, to: target) } }
        #expect(await waitUntil(timeout: 5) {
            let stats = call.apartment.statistics(callID: "c")
            return (stats?.srtpAuthenticationFailures ?? 0) >= 1 && (stats?.malformedPackets ?? 0) >= 1
        })
        let before = call.apartment.statistics(callID: "c")?.packetsReceived ?? 0
        #expect(await waitUntil(timeout: 5) { (call.apartment.statistics(callID: "c")?.packetsReceived ?? 0) > before + 10 }, "the audio clock goes on")
        let (_, apartment) = await call.stop()
        // The forged source never became the destination (it failed SRTP).
        #expect(apartment?.remote == "127.0.0.1:\(call.doorPort)")
    }

    @Test func silenceFromThePeerEndsTheCallAfterTheTimeout() async throws {
        let audio = ToneAudio(frequency: 1000, recording: temporaryPath("lonely.wav"))
        let engine = MediaEngine(settings: testMediaSettings(noRTPTimeout: .seconds(1)), devices: audio)
        let events = MediaEventLog(engine)
        let port = try engine.reserve(callID: "quiet", localAddress: "127.0.0.1").audio
        // The "peer" is a port nobody reads: it never sends.
        let sink = try UDPSocket(localAddress: "127.0.0.1", port: 0, dscp: 0)
        _ = sink
        #expect(engine.apply(callID: "quiet", session: negotiatedAudio(localPort: port, remotePort: port &+ 200)) == nil)
        #expect(await waitUntil(timeout: 10) { events.events.contains(.timeout(callID: "quiet", seconds: 1)) }, "\(events.events)")
        let stats = await engine.stop(callID: "quiet")
        #expect((stats.first?.packetsSent ?? 0) > 0)
        events.cancel()
    }

    @Test func symmetricRTPAnswersWhereThePeerSendsFrom() async throws {
        // The door's SDP view of the apartment is wrong (as behind NAT); the apartment's packets
        // tell the door where to send.
        let doorAudio = ToneAudio(frequency: 1000, recording: temporaryPath("door.wav"))
        let apartmentAudio = ToneAudio(frequency: 440, recording: temporaryPath("apartment.wav"))
        let door = MediaEngine(settings: testMediaSettings(), devices: doorAudio)
        let apartment = MediaEngine(settings: testMediaSettings(), devices: apartmentAudio)
        let doorEvents = MediaEventLog(door)
        let doorPort = try door.reserve(callID: "c", localAddress: "127.0.0.1").audio
        let apartmentPort = try apartment.reserve(callID: "c", localAddress: "127.0.0.1").audio
        #expect(door.apply(callID: "c", session: negotiatedAudio(localPort: doorPort, remotePort: 9)) == nil)
        #expect(apartment.apply(callID: "c", session: negotiatedAudio(localPort: apartmentPort, remotePort: doorPort)) == nil)
        #expect(await waitUntil(timeout: 10) { (apartment.statistics(callID: "c")?.packetsReceived ?? 0) >= 25 })
        #expect(doorEvents.events.contains(.remoteMoved(callID: "c", from: "127.0.0.1:9", to: "127.0.0.1:\(apartmentPort)")), "\(doorEvents.events)")
        _ = await door.stop(callID: "c")
        _ = await apartment.stop(callID: "c")
        doorEvents.cancel()
        #expect(ToneDetector.medianRelativePower(of: Array(try apartmentAudio.played().suffix(2000)), at: 1000, sampleRate: 8000) > 0.8)
    }

    @Test func holdStopsSendingAndResumeStartsAgain() async throws {
        let call = try Call()
        #expect(await waitUntil(timeout: 10) { (call.apartment.statistics(callID: "c")?.packetsReceived ?? 0) >= 10 })
        call.door.apply(callID: "c", session: negotiatedAudio(localPort: call.doorPort, remotePort: call.apartmentPort, direction: .inactive))
        try await Task.sleep(for: .milliseconds(200))
        let held = call.apartment.statistics(callID: "c")?.packetsReceived ?? 0
        try await Task.sleep(for: .milliseconds(500))
        #expect(call.apartment.statistics(callID: "c")?.packetsReceived ?? 0 <= held + 1)
        call.door.apply(callID: "c", session: negotiatedAudio(localPort: call.doorPort, remotePort: call.apartmentPort))
        #expect(await waitUntil(timeout: 5) { (call.apartment.statistics(callID: "c")?.packetsReceived ?? 0) > held + 10 })
        _ = await call.stop()
    }
}
