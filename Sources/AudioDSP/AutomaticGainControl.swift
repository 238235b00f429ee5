/// linphone's built-in AGC (`agc`, `speaker_agc_enabled`; shared/reference/linphonerc.md §5.5,
/// the `#else` branch of `msvolume.c:163-186`, which is what runs: the speex AGC state linphone
/// creates is never used).
///
/// Per 10 ms chunk, after the echo limiter: `desired /= (0.5 + peak)`, with `peak` the chunk's
/// peak over `LevelMeter.reference`. Silence gets ×2 (+6 dB), a peak of half the reference ×1,
/// full scale ×0.52; in steady state the output peak is `p / (0.5 + p/reference)`, which tends to
/// the reference (≈ −3 dBFS). It multiplies the echo limiter's attenuation rather than taking the
/// smaller of the two, deliberately (`msvolume.c:493-497`): the loudspeaker is next to the
/// microphone. Smoothing comes only from the ramps of `GainRamp` (fast down, slow up).
enum AutomaticGainControl {
    /// linphone's `agc_threshold`.
    static let threshold = 0.5

    static func desiredGain(_ desired: Double, peak: Double) -> Double {
        desired / (threshold + peak)
    }
}
