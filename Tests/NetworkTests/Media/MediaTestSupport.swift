import AudioDSP
import Devices
import Foundation
@testable import Network
import SDP

/// A simulated microphone (a tone) and a speaker that records to a WAV file, per engine.
final class ToneAudio: AudioDeviceProvider {
    let frequency: Double
    let recording: String

    init(frequency: Double, recording: String) {
        self.frequency = frequency
        self.recording = recording
    }

    func openAudio() throws(DeviceError) -> (capture: any AudioCapture, playback: any AudioPlayback) {
        (SimulatedAudioCapture(source: .tone(frequency: frequency, amplitude: 0.3)), try SimulatedAudioPlayback(recordingPath: recording))
    }

    /// What the speaker played (after the stream stopped and the file was closed).
    func played() throws -> [Int16] { try WAVFile.read(path: recording, expectedRate: 8000) }
}

/// A negotiated PCMU stream from `localPort` toward `remotePort` on 127.0.0.1, as offer/answer
/// would settle it, with optional SDES keys.
func negotiatedAudio(localPort: UInt16, remotePort: UInt16, suite: SRTPCryptoSuite? = nil, localKey: [UInt8] = [], remoteKey: [UInt8] = [],
                     rtcpMux: Bool = false, direction: MediaDirection = .sendrecv) -> NegotiatedSession {
    let crypto = suite.map { NegotiatedCrypto(suite: $0, tag: 1, localKeyMaterial: localKey, remoteKeyMaterial: remoteKey) }
    let stream = NegotiatedStream(
        mediaIndex: 0, localPort: localPort, remoteAddress: "127.0.0.1", remotePort: remotePort,
        remoteRTCPAddress: "127.0.0.1", remoteRTCPPort: rtcpMux ? remotePort : remotePort + 1, rtcpMux: rtcpMux,
        direction: direction, remoteDirection: direction.reversed,
        payloadType: 0, codec: .pcmu, receiveCodecs: [0: .pcmu, 8: .pcma, 101: .telephoneEvent],
        telephoneEventPayloadType: 101, sendPtime: 20, crypto: crypto)
    return NegotiatedSession(audio: stream, video: nil)
}

extension MediaDirection {
    var reversed: MediaDirection {
        switch self {
        case .sendonly: .recvonly
        case .recvonly: .sendonly
        default: self
        }
    }
}

/// Media settings for tests: ports from a range no peer uses, short RTCP interval, and no echo
/// processing: these calls carry steady tones at both ends, and an adaptive canceller partly
/// learns a steady near-end tone from the far end's concealment splatter (EchoTests and
/// `tools aec` check the chain on speech).
func testMediaSettings(noRTPTimeout: Duration? = .seconds(30)) -> MediaEngineSettings {
    MediaEngineSettings(audioPorts: MediaPortRange(30000...39998), noRTPTimeout: noRTPTimeout, rtcpInterval: .milliseconds(400), cname: "test@doorstation",
                        audioProcessing: AudioProcessingParameters(echoCancellation: false))
}

func temporaryPath(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("media-\(UUID().uuidString)-\(name)").path
}

/// Polls `condition` every 20 ms for at most `timeout` seconds.
/// Sleeps on the task, not the thread: the cooperative pool has only as many threads as cores.
func waitUntil(timeout: Double, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return condition()
}

/// Collects an engine's events on a task of its own.
final class MediaEventLog: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [MediaEvent] = []
    private var task: Task<Void, Never>?

    init(_ engine: MediaEngine) {
        task = Task { [weak self] in
            for await event in engine.events { self?.append(event) }
        }
    }

    private func append(_ event: MediaEvent) { lock.withLock { collected.append(event) } }
    var events: [MediaEvent] { lock.withLock { collected } }
    func cancel() { task?.cancel() }
}
