/// The speaker path's gain stage, linphone's "volrecv" MSVolume: `playback_gain_db`, the speaker
/// AGC and, with `el_type=full`, a noise gate on the speaker (shared/reference/linphonerc.md §2,
/// §5.5, §5.6). It sits after the decoder and before the echo canceller's reference.
///
/// It also measures the far end for the microphone's echo limiter: `farEndLevel` is the smoothed
/// energy of the decoded audio *before* the playback gain (linphone updates the energy before
/// applying the gain, `msvolume.c:504-510`), so `playback_gain_db` does not change how hard the
/// limiter bites.
///
/// Differences from volsend, as in liblinphone:
/// - the up-ramp stays MSVolume's 0.4 per chunk: `el_speed` is set on volsend only;
/// - no echo limiter and no DC removal;
/// - the speaker gate exists only with `echolimiter=1` and `el_type=full`; its threshold is
///   `ng_thres` and its floor `1/10^(mic_gain_db/10)` (capped at 1), so it does nothing at
///   `mic_gain_db` 0 and otherwise undoes the mic gain's boost of the echo during far-end silence;
/// - no soft start: liblinphone re-applies the playback gain after setting the speaker gate's
///   floor (`forceSpeakerMuted`, §2 step 4), which puts the gain back at the static gain.
///
/// Like `SendVolume`, it runs in 10 ms chunks of real audio, allocates nothing in `process`, and
/// `update` only retargets.
public struct ReceiveVolume: Sendable {
    /// The parameters in force, after validation.
    public private(set) var parameters: VolumeParameters
    private var stage: VolumeStage

    public init(parameters: VolumeParameters, sampleRate: Int) {
        let valid = parameters.validated()
        self.parameters = valid
        stage = VolumeStage(configuration: Self.configuration(valid), sampleRate: sampleRate, softStart: false)
    }

    /// Samples per 10 ms chunk.
    public var chunkSize: Int { stage.chunkSize }
    /// The multiplier last applied to the samples, speaker gate included (1 = untouched).
    public var gain: Double { stage.appliedGain }
    /// The far end's smoothed energy, measured before the playback gain.
    public var energy: Double { stage.meter.energy }
    /// What `SendVolume.process(_:farEnd:)` needs from this stage, to hand over every tick.
    public var farEndLevel: FarEndLevel { FarEndLevel(energy: stage.meter.energy) }
    /// Whether the speaker gate wanted to be open on the last chunk. Always true while it is disabled.
    public var noiseGateOpen: Bool { stage.gate.isOpen }

    /// Processes a frame of decoded far-end audio in place.
    public mutating func process(_ frame: UnsafeMutableBufferPointer<Int16>) {
        stage.process(frame, farEnergy: 0)
    }

    /// Live tuning (SIGHUP): retargets without resetting the gain.
    public mutating func update(_ parameters: VolumeParameters) {
        let valid = parameters.validated()
        self.parameters = valid
        stage.reconfigure(Self.configuration(valid))
    }

    /// volrecv's configuration.
    static func configuration(_ p: VolumeParameters) -> VolumeStage.Configuration {
        let floor = p.speakerGateFloorGain
        return VolumeStage.Configuration(
            staticGain: VolumeParameters.amplitudeFactor(decibels: p.playbackGainDB),
            up: GainRamp.defaultUp,
            agc: p.speakerAGC,
            dcRemoval: false,
            gate: p.echoLimiter && p.echoLimiterType == .full
                ? VolumeStage.Gate(threshold: p.noiseGateThreshold, floor: floor) : nil,
            echoLimiter: nil
        )
    }
}
