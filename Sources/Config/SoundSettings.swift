/// `[sound]`: audio devices and the echo canceller, echo limiter, noise gate, AGC and gains.
///
/// Every key keeps linphone's name, unit and default (shared/reference/linphonerc.md §3 and §5).
/// Tuning keys change live on SIGHUP; echo-canceller sizes apply from the next call.
public struct SoundSettings: Sendable, Hashable {
    /// `capture_dev_id` (string, `default`): ALSA PCM name of the microphone, e.g. `plughw:CARD=wm8960soundcard`.
    public var captureDevice: String
    /// `playback_dev_id` (string, `default`): ALSA PCM name of the speaker.
    public var playbackDevice: String
    /// `echocancellation` (bool, 1): software echo canceller on the microphone path.
    public var echoCancellation: Bool
    /// `ec_tail_len` (int ms, 0 = speex's 250, 0…1000): length of the echo the canceller models.
    public var echoTailLength: Int
    /// `ec_framesize` (int samples at 8 kHz, 0 = 64, 0…1024): canceller frame, rounded down to a power of two.
    public var echoFrameSize: Int
    /// `ec_delay` (int ms, 0, -1…1000): delay of the reference; ≤ 0 means none (-1 is what linphone's calibrator writes on failure).
    public var echoDelay: Int
    /// `echo_suppression` (bool, 1; doorstation's own): per-band residual echo suppression after
    /// the linear canceller, steered by a double-talk detector. Off gives the bare speex canceller.
    public var echoSuppression: Bool
    /// `es_max_attenuation_db` (0…80 dB, 40): the deepest a band is attenuated when it holds echo only.
    public var echoSuppressionMaxAttenuationDB: Double
    /// `es_overdrive_db` (-10…30 dB, 12): margin on the predicted residual echo; higher removes more
    /// echo and more of the visitor's voice while both talk.
    public var echoSuppressionOverdriveDB: Double
    /// `es_dt_coherence` (0…0.99, 0.5): microphone/echo-estimate coherence above which a band counts
    /// as echo only (where the suppressor learns); lower suppresses more.
    public var echoSuppressionDoubleTalkCoherence: Double
    /// `echolimiter` (bool, 0): attenuate the microphone while the far end talks.
    public var echoLimiter: Bool
    /// `el_type` (`mic` | `full`, `mic`): `full` also gates the speaker during far-end silence.
    public var echoLimiterType: EchoLimiterType
    /// `el_thres` (linear energy 0…1, 0.1): far-end energy above which the limiter acts.
    public var echoLimiterThreshold: Double
    /// `el_force` (0…1000, 25): attenuation strength, gain = 1/(1 + energy·force).
    public var echoLimiterForce: Double
    /// `el_sustain` (int ms, 200, 0…10000): hold after the far end stops.
    public var echoLimiterSustain: Int
    /// `el_transmit_thres` (ratio 0…100, 4): local speech this much louder than the far end passes at full gain.
    public var echoLimiterTransmitThreshold: Double
    /// `el_speed` (0…0.5, 0.03): per-10 ms up-ramp of the gain after attenuation.
    public var echoLimiterSpeed: Double
    /// `noisegate` (bool, 0): noise gate on the microphone path.
    public var noiseGate: Bool
    /// `ng_thres` (linear energy 0…1, 0.05): level that opens the gate.
    public var noiseGateThreshold: Double
    /// `ng_floorgain` (linear 0…1, 0 → 0.005): gain while the gate is closed; linphone raises values below 0.005 to 0.005.
    public var noiseGateFloorGain: Double
    /// `agc` (bool, 0): automatic gain control on the microphone path.
    public var agc: Bool
    /// `speaker_agc_enabled` (bool, 0): the same AGC on the speaker path.
    public var speakerAGC: Bool
    /// `dc_removal` (bool, 0): remove DC offset from the microphone.
    public var dcRemoval: Bool
    /// `mic_gain_db` (-40…40, 0): microphone gain; like linphone, the factor is 10^(dB/10) on amplitude.
    public var micGainDB: Double
    /// `playback_gain_db` (-40…40, 0): speaker gain, same convention.
    public var playbackGainDB: Double

    public enum EchoLimiterType: String, Sendable, Hashable, CaseIterable {
        case mic
        case full
    }

    /// linphone's lower bound for the noise-gate floor (msvolume.c).
    public static let minimumFloorGain = 0.005

    /// The floor gain the noise gate really uses.
    public var effectiveNoiseGateFloorGain: Double { max(noiseGateFloorGain, Self.minimumFloorGain) }

    public init() {
        var reader = SectionReader("sound", nil, context: ConfigReadContext())
        self.init(&reader)
    }

    init(_ r: inout SectionReader) {
        captureDevice = r.string("capture_dev_id", default: "default")!
        playbackDevice = r.string("playback_dev_id", default: "default")!
        echoCancellation = r.bool("echocancellation", default: true, reload: .nextCall)
        echoTailLength = r.int("ec_tail_len", default: 0, in: 0...1000, unit: "ms", reload: .nextCall)
        echoFrameSize = r.int("ec_framesize", default: 0, in: 0...1024, unit: "samples", reload: .nextCall)
        echoDelay = r.int("ec_delay", default: 0, in: -1...1000, unit: "ms", reload: .nextCall)
        echoSuppression = r.bool("echo_suppression", default: true, reload: .live)
        echoSuppressionMaxAttenuationDB = r.number("es_max_attenuation_db", default: 40, in: 0...80, unit: "dB", reload: .live)
        echoSuppressionOverdriveDB = r.number("es_overdrive_db", default: 12, in: -10...30, unit: "dB", reload: .live)
        echoSuppressionDoubleTalkCoherence = r.number("es_dt_coherence", default: 0.5, in: 0...0.99, reload: .live)
        echoLimiter = r.bool("echolimiter", default: false, reload: .live)
        echoLimiterType = r.choice("el_type", default: EchoLimiterType.mic, reload: .live)
        echoLimiterThreshold = r.number("el_thres", default: 0.1, in: 0...1, reload: .live)
        echoLimiterForce = r.number("el_force", default: 25, in: 0...1000, reload: .live)
        echoLimiterSustain = r.int("el_sustain", default: 200, in: 0...10000, unit: "ms", reload: .live)
        echoLimiterTransmitThreshold = r.number("el_transmit_thres", default: 4, in: 0...100, reload: .live)
        echoLimiterSpeed = r.number("el_speed", default: 0.03, in: 0...0.5, reload: .live)
        noiseGate = r.bool("noisegate", default: false, reload: .live)
        noiseGateThreshold = r.number("ng_thres", default: 0.05, in: 0...1, reload: .live)
        noiseGateFloorGain = r.number("ng_floorgain", default: 0, in: 0...1, reload: .live)
        agc = r.bool("agc", default: false, reload: .live)
        speakerAGC = r.bool("speaker_agc_enabled", default: false, reload: .live)
        dcRemoval = r.bool("dc_removal", default: false, reload: .live)
        micGainDB = r.number("mic_gain_db", default: 0, in: -40...40, unit: "dB", reload: .live)
        playbackGainDB = r.number("playback_gain_db", default: 0, in: -40...40, unit: "dB", reload: .live)
    }
}
