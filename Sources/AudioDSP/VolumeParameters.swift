#if canImport(Glibc)
import func Glibc.pow
#elseif canImport(Musl)
import func Musl.pow
#endif

/// The tuning of linphone's two MSVolume filters: volsend (microphone) and volrecv (speaker).
///
/// Every field is a `[sound]` key of linphonerc with liblinphone's default, which is not always
/// MSVolume's own: liblinphone sets `el_force` 25 (MSVolume: 4), `el_speed` 0.03 (MSVolume: 0.4)
/// and `ng_thres` 0.05 (MSVolume: 0.1) after every call start
/// (shared/reference/linphonerc.md §3, `audio-stream.cpp:827-847`).
///
/// Config validates these ranges already; `SendVolume` and `ReceiveVolume` clamp once more
/// (`validated()`) so that no value can push NaN, infinity or a negative gain into the audio path.
public struct VolumeParameters: Sendable, Hashable {
    /// `el_type`: which stages the echo limiter drives.
    public enum EchoLimiterType: String, Sendable, Hashable, CaseIterable {
        /// volsend follows volrecv's energy.
        case mic
        /// The same, plus a noise gate on volrecv that lowers the speaker during far-end silence (§5.6).
        case full
    }

    /// `echolimiter` (0): attenuate the microphone while the far end talks (§5.4).
    public var echoLimiter = false
    /// `el_type` (`mic`).
    public var echoLimiterType = EchoLimiterType.mic
    /// `el_thres` (0.1, linear energy 0…1): far-end energy above which the far end counts as talking.
    public var echoLimiterThreshold = 0.1
    /// `el_force` (25): attenuation is `1 / (1 + farEndEnergy · force)`.
    public var echoLimiterForce = 25.0
    /// `el_sustain` (200 ms): how long the attenuation holds after the far end stops.
    public var echoLimiterSustainMilliseconds = 200
    /// `el_transmit_thres` (4): near end this many times louder than `farEndLongTerm + el_thres` passes at full gain.
    public var echoLimiterTransmitThreshold = 4.0
    /// `el_speed` (0.03, 0…0.5): volsend's slow up-ramp, a factor of `1 + speed` per 10 ms chunk.
    public var echoLimiterSpeed = 0.03
    /// `noisegate` (0): noise gate on the microphone (§5.6).
    public var noiseGate = false
    /// `ng_thres` (0.05, linear energy 0…1): instantaneous chunk energy that opens the gate.
    public var noiseGateThreshold = 0.05
    /// `ng_floorgain` (0, linear 0…1): gain while the gate is closed; below 0.005 means 0.005.
    public var noiseGateFloorGain = 0.0
    /// `agc` (0): linphone's peak-based AGC on the microphone (§5.5).
    public var agc = false
    /// `speaker_agc_enabled` (0): the same AGC on the speaker.
    public var speakerAGC = false
    /// `dc_removal` (0): remove the microphone's DC offset (§5.7).
    public var dcRemoval = false
    /// `mic_gain_db` (0, -40…40): static microphone gain, converted as `amplitudeFactor(decibels:)`.
    public var micGainDB = 0.0
    /// `playback_gain_db` (0, -40…40): static speaker gain, same conversion.
    public var playbackGainDB = 0.0

    /// liblinphone's defaults (linphonerc.md §3).
    public init() {}

    /// MSVolume's lower bound for the noise-gate floor: the multiplicative up-ramp restarts from
    /// here, so the floor must not be 0 (`msvolume.c:45, 363-374`).
    public static let minimumFloorGain = 0.005

    /// The linear amplitude factor linphone uses for a gain in "dB": **10^(dB/10)**, not 10^(dB/20)
    /// (`msvolume.c:262-268`). So +6 "dB" multiplies the amplitude by 3.98 (a real +12 dB). We keep
    /// linphone's convention so that a linphonerc tuned on a linphone door station sounds the same here.
    public static func amplitudeFactor(decibels: Double) -> Double {
        pow(10, decibels / 10)
    }

    /// The floor the microphone noise gate really uses.
    public var effectiveNoiseGateFloorGain: Double { max(noiseGateFloorGain, Self.minimumFloorGain) }

    /// The floor of volrecv's gate in `el_type=full`: the inverse of the microphone's static gain
    /// (`audio-stream.cpp:849-857`), so with `mic_gain_db` 0 the gate does nothing. linphone lets
    /// a negative mic gain push it above 1, which would make the "gate" amplify; we cap it at 1.
    public var speakerGateFloorGain: Double {
        min(1, max(Self.minimumFloorGain, 1 / Self.amplitudeFactor(decibels: micGainDB)))
    }

    /// A copy with every value inside the range MSVolume accepts; a non-finite value takes the default.
    /// Config rejects such values with an error; this is only the last line of defence.
    func validated() -> VolumeParameters {
        let defaults = VolumeParameters()
        var valid = self
        valid.echoLimiterThreshold = Self.clamp(echoLimiterThreshold, 0...1, or: defaults.echoLimiterThreshold)
        valid.echoLimiterForce = Self.clamp(echoLimiterForce, 0...1000, or: defaults.echoLimiterForce)
        valid.echoLimiterSustainMilliseconds = min(max(echoLimiterSustainMilliseconds, 0), 10_000)
        valid.echoLimiterTransmitThreshold = Self.clamp(echoLimiterTransmitThreshold, 0...100, or: defaults.echoLimiterTransmitThreshold)
        valid.echoLimiterSpeed = Self.clamp(echoLimiterSpeed, 0...0.5, or: defaults.echoLimiterSpeed)
        valid.noiseGateThreshold = Self.clamp(noiseGateThreshold, 0...1, or: defaults.noiseGateThreshold)
        valid.noiseGateFloorGain = Self.clamp(noiseGateFloorGain, 0...1, or: defaults.noiseGateFloorGain)
        valid.micGainDB = Self.clamp(micGainDB, -40...40, or: defaults.micGainDB)
        valid.playbackGainDB = Self.clamp(playbackGainDB, -40...40, or: defaults.playbackGainDB)
        return valid
    }

    private static func clamp(_ value: Double, _ range: ClosedRange<Double>, or fallback: Double) -> Double {
        value.isFinite ? min(max(value, range.lowerBound), range.upperBound) : fallback
    }
}
