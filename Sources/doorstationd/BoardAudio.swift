import AudioDSP
import Config
import Devices
import LinuxDevices
import Network
import Synchronization

/// The call audio of the board, opened anew for each call so that a reload applies from the next
/// call: on the sim backend a microphone that hears `sim_audio_source` and a speaker that records
/// to `sim_audio_sink`; on the linux backend the ALSA devices `[sound] capture_dev_id` and
/// `playback_dev_id`, at 8000 Hz for G.711.
final class BoardAudio: AudioDeviceProvider {
    private let settings: Mutex<(board: BoardSettings, sound: SoundSettings)>

    /// Attempts at opening an ALSA device for a call, and the pause between them: the previous
    /// call's devices, or a USB card being re-enumerated, may need a moment to come free.
    static let openingAttempts = 3
    static let openingRetryNanoseconds: UInt64 = 250_000_000

    init(_ settings: Settings) { self.settings = Mutex((settings.board, settings.sound)) }

    func update(_ settings: Settings) { self.settings.withLock { $0 = (settings.board, settings.sound) } }

    /// Runs on the call's own media thread, so waiting between attempts blocks nothing else.
    func openAudio() throws(DeviceError) -> (capture: any AudioCapture, playback: any AudioPlayback) {
        let (board, sound) = settings.withLock { $0 }
        switch board.backend {
        case .sim:
            let source: SimulatedAudioCapture.Source
            switch board.simulatedAudioSource {
            case .tone(let frequency): source = .tone(frequency: frequency, amplitude: 0.3)
            case .file(let path): source = .samples(try WAVFile.read(path: path, expectedRate: AudioFormat.telephony.sampleRate))
            }
            let playback = try SimulatedAudioPlayback(recordingPath: board.simulatedAudioSink)
            return (SimulatedAudioCapture(source: source), playback)
        case .linux:
            let capture = try Self.retrying { () throws(DeviceError) in
                try ALSACapture(device: sound.captureDevice, format: .telephony)
            }
            do {
                let playback = try Self.retrying { () throws(DeviceError) in
                    try ALSAPlayback(device: sound.playbackDevice, format: .telephony)
                }
                return (capture, playback)
            } catch {
                capture.close()
                throw error
            }
        }
    }

    private static func retrying<Device>(_ open: () throws(DeviceError) -> Device) throws(DeviceError) -> Device {
        let clock = MonotonicClock()
        var attempt = 1
        while true {
            do {
                return try open()
            } catch {
                guard attempt < openingAttempts else { throw error }
                attempt += 1
                clock.sleep(until: clock.now() + openingRetryNanoseconds)
            }
        }
    }

    /// What `probe` found: the negotiated configurations of the devices that opened, and why the others did not.
    struct Probe {
        var devices: [ALSAConfiguration] = []
        var errors: [DeviceError] = []
    }

    /// Opens and closes both ALSA devices once, so that start-up says whether calls will have
    /// sound, long before the first visitor rings. Nothing to check on the sim backend.
    func probe() -> Probe {
        let (board, sound) = settings.withLock { $0 }
        var probe = Probe()
        guard board.backend == .linux else { return probe }
        do {
            let capture = try ALSACapture(device: sound.captureDevice, format: .telephony)
            probe.devices.append(capture.negotiated)
            capture.close()
        } catch {
            probe.errors.append(error)
        }
        do {
            let playback = try ALSAPlayback(device: sound.playbackDevice, format: .telephony)
            probe.devices.append(playback.negotiated)
            playback.close()
        } catch {
            probe.errors.append(error)
        }
        return probe
    }
}

extension UserAgentSetup {
    /// `[rtp]`, `[sound]`, `[video]` and `[net]` as the media plane needs them; `camera` says
    /// whether the board has one to send from.
    static func media(_ settings: Settings, camera: Bool) -> MediaEngineSettings {
        let rtp = settings.rtp
        return MediaEngineSettings(
            audioPorts: rtp.audioPorts.mediaPorts,
            videoPorts: rtp.videoPorts.mediaPorts,
            jitterBuffer: .init(sampleRate: 8000, nominalDelayMilliseconds: rtp.audioJitterCompensation, adaptive: rtp.adaptiveAudioJitter,
                                minimumDelayMilliseconds: rtp.jitterBufferMinimum, maximumDelayMilliseconds: rtp.jitterBufferMaximum),
            noRTPTimeout: rtp.noRTPTimeout > 0 ? .seconds(rtp.noRTPTimeout) : nil,
            audioDSCP: rtp.audioDSCP, videoDSCP: rtp.videoDSCP,
            cname: String(settings.door.name.map { $0 == " " ? "-" : $0 }) + "@doorstation",
            audioProcessing: audioProcessing(settings.sound),
            video: camera ? videoSend(settings) : nil, receiveVideo: settings.video.display)
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
