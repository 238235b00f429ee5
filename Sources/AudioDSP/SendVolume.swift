/// The microphone path's gain stage, linphone's "volsend" MSVolume: `mic_gain_db`, the echo
/// limiter, the noise gate, the AGC and DC removal (shared/reference/linphonerc.md §2, §5). It sits
/// after the echo canceller and before the encoder.
///
/// Time runs in 10 ms chunks of real audio at any sample rate (see `VolumeStage` for why this
/// differs from linphone above 8 kHz, and how frames that are not whole chunks are handled).
/// `process` allocates nothing.
///
/// Start-up and live changes differ on purpose:
/// - At init with the noise gate enabled, the gain starts at the gate's floor and ramps up:
///   linphone's soft start (liblinphone sets the floor after the gains at call start, and that
///   setter sets `gain = floor`). With `el_speed` 0.03 that is 180 chunks (1.8 s) from the 0.005
///   floor to 0 dB, or 7 chunks when the echo limiter is on and releases fast.
/// - `update` never resets the gain: a new mic gain, enabling the gate or changing its floor,
///   or any echo-limiter key only moves the targets, and the ramps (down ×0.6, up ×(1 + el_speed)
///   or ×2.2 per chunk, gate ×0.75/0.25) carry the change: no click and no dropout on SIGHUP.
public struct SendVolume: Sendable {
    /// The parameters in force, after validation.
    public private(set) var parameters: VolumeParameters
    private var stage: VolumeStage

    public init(parameters: VolumeParameters, sampleRate: Int) {
        let valid = parameters.validated()
        self.parameters = valid
        stage = VolumeStage(configuration: Self.configuration(valid), sampleRate: sampleRate, softStart: true)
    }

    /// Samples per 10 ms chunk.
    public var chunkSize: Int { stage.chunkSize }
    /// The multiplier last applied to the samples, noise gate included (1 = untouched).
    public var gain: Double { stage.appliedGain }
    /// The microphone's smoothed energy (before the gain), `LevelMeter` units.
    public var energy: Double { stage.meter.energy }
    /// Whether the echo limiter is holding the microphone below its static gain.
    public var echoLimiterActive: Bool {
        parameters.echoLimiter && stage.limiter.target < stage.configuration.staticGain
    }
    /// Whether the noise gate wanted to be open on the last chunk (speech, or within the 400 ms
    /// hold after it). Always true while the gate is disabled.
    public var noiseGateOpen: Bool { stage.gate.isOpen }

    /// Processes a frame of microphone audio in place, with the far end's level from
    /// `ReceiveVolume.farEndLevel` of the same tick (ignored unless the echo limiter is on).
    public mutating func process(_ frame: UnsafeMutableBufferPointer<Int16>, farEnd: FarEndLevel) {
        stage.process(frame, farEnergy: farEnd.energy)
    }

    /// Live tuning (SIGHUP): retargets without resetting the gain.
    public mutating func update(_ parameters: VolumeParameters) {
        let valid = parameters.validated()
        self.parameters = valid
        stage.reconfigure(Self.configuration(valid))
    }

    /// volsend's configuration: `el_speed` is its up-ramp (liblinphone sets it on volsend only).
    static func configuration(_ p: VolumeParameters) -> VolumeStage.Configuration {
        let floor = p.effectiveNoiseGateFloorGain
        return VolumeStage.Configuration(
            staticGain: VolumeParameters.amplitudeFactor(decibels: p.micGainDB),
            up: p.echoLimiterSpeed,
            agc: p.agc,
            dcRemoval: p.dcRemoval,
            gate: p.noiseGate ? VolumeStage.Gate(threshold: p.noiseGateThreshold, floor: floor) : nil,
            echoLimiter: p.echoLimiter ? p : nil
        )
    }
}
