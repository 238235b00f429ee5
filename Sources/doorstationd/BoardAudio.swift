import AudioDSP
import Config
import Devices
import Network
import Synchronization

/// The call audio of the board: on the sim backend a microphone that hears `sim_audio_source`
/// and a speaker that records to `sim_audio_sink`; opened anew for each call, so a reload
/// applies from the next call.
final class BoardAudio: AudioDeviceProvider {
    private let board: Mutex<BoardSettings>

    init(_ settings: BoardSettings) { board = Mutex(settings) }

    func update(_ settings: BoardSettings) { board.withLock { $0 = settings } }

    func openAudio() throws(DeviceError) -> (capture: any AudioCapture, playback: any AudioPlayback) {
        let settings = board.withLock { $0 }
        switch settings.backend {
        case .sim:
            let source: SimulatedAudioCapture.Source
            switch settings.simulatedAudioSource {
            case .tone(let frequency): source = .tone(frequency: frequency, amplitude: 0.3)
            case .file(let path): source = .samples(try WAVFile.read(path: path, expectedRate: AudioFormat.telephony.sampleRate))
            }
            let playback = try SimulatedAudioPlayback(recordingPath: settings.simulatedAudioSink)
            return (SimulatedAudioCapture(source: source), playback)
        case .linux:
            // ALSA capture and playback (`[sound] capture_dev_id`/`playback_dev_id`) come with the
            // audio pipeline; until then a linux board's calls carry silence and say why.
            throw DeviceError(device: "ALSA", operation: "opening", reason: "the ALSA backend is not part of this build; calls carry silence")
        }
    }
}

extension UserAgentSetup {
    /// `[rtp]` as the media plane needs it.
    static func media(_ settings: Settings) -> MediaEngineSettings {
        let rtp = settings.rtp
        return MediaEngineSettings(
            audioPorts: rtp.audioPorts.mediaPorts,
            videoPorts: rtp.videoPorts.mediaPorts,
            jitterBuffer: .init(sampleRate: 8000, nominalDelayMilliseconds: rtp.audioJitterCompensation, adaptive: rtp.adaptiveAudioJitter,
                                minimumDelayMilliseconds: rtp.jitterBufferMinimum, maximumDelayMilliseconds: rtp.jitterBufferMaximum),
            noRTPTimeout: rtp.noRTPTimeout > 0 ? .seconds(rtp.noRTPTimeout) : nil,
            audioDSCP: rtp.audioDSCP, videoDSCP: rtp.videoDSCP,
            cname: String(settings.door.name.map { $0 == " " ? "-" : $0 }) + "@doorstation",
            audioProcessing: audioProcessing(settings.sound))
    }
}

extension PortRange {
    /// A configured port is tried first, then the pairs above it (linphone); a range or `-1` starts anywhere in it.
    var mediaPorts: MediaPortRange {
        switch self {
        case .any: MediaPortRange(49152...65534)
        case .single(let port): MediaPortRange(port...min(65534, port + 98), sequential: true)
        case .range(let range): MediaPortRange(range)
        }
    }
}
