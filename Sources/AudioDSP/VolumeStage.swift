/// The engine of linphone's MSVolume that `SendVolume` (volsend) and `ReceiveVolume` (volrecv)
/// share: measurement, echo limiter, AGC, noise gate, gain ramp, DC removal, in linphone's order
/// (`volume_process`, `msvolume.c:471-514`; shared/reference/linphonerc.md §5).
///
/// **Chunking: rate-correct, not bug-compatible (§5.2).** Everything runs per chunk of 10 ms of
/// real audio (`sampleRate / 100` samples: 80 at 8 kHz, 160 at 16 kHz), and every chunk counts as
/// 10 ms for the sustain and noise-gate holds. linphone never tells MSVolume the real rate, so it
/// always cuts 80-sample chunks and counts 10 ms per chunk: right at 8 kHz, but at 16 kHz every
/// time constant and hold is twice too short (`el_sustain` 200 lasts 100 ms), and on its "light
/// path" (no echo limiter, no AGC) whole 20 ms packets count as one step. At 8 kHz we are
/// identical to linphone's chunked path; at any rate the constants of a linphonerc mean real time.
///
/// **Frames that are not a multiple of the chunk** (ours are 20 ms: two chunks) are handled
/// without a buffer, without latency and without allocation. A piece of a frame that does not
/// complete a chunk is scaled by the gain in force and its samples are counted into the chunk in
/// progress; the chunk's decisions (energy, limiter, AGC, gate, ramp) run when a later piece
/// completes it, and the new gain applies from that piece on. A chunk measured in pieces is
/// measured exactly (integer sums), and with whole chunks this is linphone's order exactly:
/// measure the chunk, decide, then scale that same chunk.
struct VolumeStage: Sendable {
    /// A noise gate's threshold (instantaneous energy) and floor (linear gain).
    struct Gate: Sendable, Hashable {
        var threshold: Double
        var floor: Double
    }

    /// What one role derives from `VolumeParameters` (already validated).
    struct Configuration: Sendable, Hashable {
        /// The user gain, linphone's `static_gain`.
        var staticGain: Double
        /// The slow up-ramp per chunk.
        var up: Double
        var agc: Bool
        var dcRemoval: Bool
        /// The noise gate, if enabled.
        var gate: Gate?
        /// The echo limiter's parameters, if enabled (volsend only).
        var echoLimiter: VolumeParameters?
    }

    /// Every chunk is this long in real time.
    static let chunkMilliseconds = 10

    /// Samples per chunk.
    let chunkSize: Int
    private(set) var configuration: Configuration
    private(set) var meter = LevelMeter()
    private(set) var gate = NoiseGate()
    private(set) var limiter: EchoLimiter
    private var ramp: GainRamp
    private var dc = DCRemover()
    /// Samples of the chunk in progress already seen.
    private var filled = 0
    /// The multiplier in force, `gain · ng_gain`, and its Q12 form.
    private(set) var appliedGain: Double
    private var q12: Int

    /// `softStart`: start the gain at the gate's floor, as linphone's volsend does when the noise
    /// gate is enabled (its floor setter runs after the gain setter at call start, §5.3).
    init(configuration: Configuration, sampleRate: Int, softStart: Bool) {
        precondition(sampleRate >= 100 && sampleRate % 100 == 0, "the sample rate must be a whole number of samples per 10 ms")
        chunkSize = sampleRate / 100
        self.configuration = configuration
        var initial = configuration.staticGain
        if softStart, let gate = configuration.gate { initial = gate.floor }
        ramp = GainRamp(gain: initial, up: configuration.up)
        limiter = EchoLimiter(target: initial)
        appliedGain = initial  // the gate's multiplier starts at 1, as in linphone
        q12 = GainRamp.q12(appliedGain)
    }

    /// A live change: only retargets. The gain in force, the gate's multiplier and the DC offset
    /// are not reset, so the ramps of §5.3 carry the change without a click or a dropout. (linphone
    /// jumps: its gain setter sets `gain = static`, and enabling the gate or setting its floor sets
    /// `gain = floor`.)
    mutating func reconfigure(_ new: Configuration) {
        let old = configuration
        ramp.up = new.up
        if new.echoLimiter != nil {
            if old.echoLimiter == nil {
                limiter.restart(target: new.staticGain)
            } else if new.staticGain != old.staticGain {
                limiter.retarget(from: old.staticGain, to: new.staticGain)
            }
        }
        configuration = new
    }

    /// Processes `frame` in place; `farEnergy` is the far end's smoothed energy for the echo limiter.
    mutating func process(_ frame: UnsafeMutableBufferPointer<Int16>, farEnergy: Double) {
        var start = frame.startIndex
        while start < frame.endIndex {
            let count = min(chunkSize - filled, frame.endIndex - start)
            let piece = UnsafeMutableBufferPointer(rebasing: frame[start..<start + count])
            meter.accumulate(UnsafeBufferPointer(piece))
            filled += count
            let completesChunk = filled == chunkSize
            if completesChunk {
                decide(farEnergy: farEnergy)
                filled = 0
            }
            if dc.isActive(enabled: configuration.dcRemoval) {
                dc.apply(piece, q12: q12)
            } else if appliedGain != 1 {
                GainRamp.scale(piece, q12: q12)
            }
            if completesChunk { dc.endChunk(enabled: configuration.dcRemoval) }
            start += count
        }
    }

    /// The per-chunk decisions, in `volume_process`'s order: energy, echo limiter, AGC, noise gate, ramp.
    private mutating func decide(farEnergy: Double) {
        meter.endChunk()
        var desired = configuration.staticGain
        if let parameters = configuration.echoLimiter {
            if limiter.process(farEnd: farEnergy, nearEnd: meter.energy, staticGain: configuration.staticGain,
                               parameters: parameters, milliseconds: Self.chunkMilliseconds) {
                ramp.fast = true
            }
            desired = limiter.target
        }
        if configuration.agc {
            desired = AutomaticGainControl.desiredGain(desired, peak: meter.peak)
        }
        if let settings = configuration.gate {
            gate.process(instantaneous: meter.instantaneous, threshold: settings.threshold,
                         floor: settings.floor, milliseconds: Self.chunkMilliseconds)
        } else {
            gate.relax()
        }
        ramp.step(toward: desired)
        appliedGain = ramp.gain * gate.gain
        q12 = GainRamp.q12(appliedGain)
    }
}
