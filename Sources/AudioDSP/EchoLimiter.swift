/// linphone's echo limiter ("echo avoider", shared/reference/linphonerc.md §5.4,
/// `msvolume.c:201-238`): while the far end talks, the microphone is attenuated in proportion to
/// the far-end energy, so that what the door station's loudspeaker puts into its own microphone
/// does not go back as echo. A local talker clearly louder than the far end passes (double talk).
///
/// Per 10 ms chunk, with `pe` the far end's smoothed energy and `me` the microphone's:
/// ```
/// lt = pe > lt ? pe : 0.005·pe + 0.995·lt          # long-term far-end level, τ ≈ 2 s
/// ratio = me / (lt + el_thres)
/// if pe > el_thres:
///     if ratio > el_transmit_thres: target = static; fast release   (sustain not re-armed)
///     else: target = static / (1 + pe·el_force); sustainLeft = el_sustain
/// elif sustainLeft > 0: sustainLeft -= 10 ms        # hold the previous target
/// else: target = static; fast release
/// ```
/// The target persists between chunks; that is what the hold relies on.
struct EchoLimiter: Sendable, Hashable {
    /// The gain the limiter wants (linphone's `target_gain`).
    private(set) var target: Double
    /// linphone's `lt_speaker_en`, 0 at start.
    private(set) var longTermFarEnd = 0.0
    private var sustainLeft = 0

    init(target: Double) {
        self.target = target
    }

    /// One chunk of `milliseconds`. Returns whether the ramp should release fast (linphone sets
    /// `fast_upramp` whenever it restores the static gain).
    mutating func process(farEnd: Double, nearEnd: Double, staticGain: Double,
                          parameters p: VolumeParameters, milliseconds: Int) -> Bool {
        // Anything but a finite non-negative energy counts as silence: it comes from outside the stage.
        let pe = farEnd.isFinite ? max(0, farEnd) : 0
        longTermFarEnd = pe > longTermFarEnd ? pe : 0.005 * pe + 0.995 * longTermFarEnd
        let ratio = nearEnd / (longTermFarEnd + p.echoLimiterThreshold)
        if pe > p.echoLimiterThreshold {
            if ratio > p.echoLimiterTransmitThreshold {
                target = staticGain
                return true
            }
            target = staticGain / (1 + pe * p.echoLimiterForce)
            sustainLeft = p.echoLimiterSustainMilliseconds
            return false
        }
        if sustainLeft > 0 {
            sustainLeft -= milliseconds
            return false
        }
        target = staticGain
        return true
    }

    /// A live change of the static gain: the held target keeps its attenuation relative to the
    /// new static gain (the ramp then moves there smoothly) instead of releasing early or holding
    /// a level meant for the old gain. An unattenuated target becomes the new gain exactly.
    mutating func retarget(from oldStaticGain: Double, to newStaticGain: Double) {
        target = target == oldStaticGain ? newStaticGain : target * (newStaticGain / oldStaticGain)
    }

    /// The limiter switched on live: start as linphone does at call start (no history, not holding).
    mutating func restart(target: Double) {
        self = EchoLimiter(target: target)
    }
}
