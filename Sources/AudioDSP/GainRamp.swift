/// MSVolume's gain smoothing and its Q12 application (shared/reference/linphonerc.md §5.3,
/// `apply_gain`, `msvolume.c:409-445`).
///
/// The gain moves multiplicatively, i.e. in straight lines in dB, once per 10 ms chunk:
/// down by `× (1 - down)` (−4.44 dB, so the echo limiter bites within 3 chunks), up by
/// `× (1 + up)` (volsend: `el_speed`, +0.257 dB at 0.03) or, after the echo limiter releases,
/// by `× (1 + fastUp)` (+6.85 dB). It never overshoots the desired gain.
struct GainRamp: Sendable, Hashable {
    /// `vol_downramp` 0.4, not configurable in linphone.
    static let down = 0.4
    /// `vol_fast_upramp` = 3 × 0.4, fixed at MSVolume's init: `el_speed` does not change it.
    static let fastUp = 1.2
    /// MSVolume's own `vol_upramp`; volrecv keeps it because liblinphone sets `el_speed` on volsend only.
    static let defaultUp = 0.4

    /// The smoothed gain (linphone's `gain`), without the noise gate.
    var gain: Double
    /// The slow up-ramp per chunk.
    var up: Double
    /// Set by the echo limiter when it releases; cleared by the next downward step.
    var fast = false
    /// Where an upward ramp restarts from when the gain is below it: a multiplicative ramp could
    /// never leave 0. linphone restarts from the noise gate's floor (`ng_floorgain`, set whether or
    /// not the gate is on; on volrecv `1/10^(mic_gain_db/10)`, i.e. 1 at `mic_gain_db` 0). We
    /// restart from the floor's minimum, 0.005, on both paths: the same with volsend's default
    /// floor, and it avoids linphone's jumps where the gain sits below a higher floor, e.g. the
    /// speaker AGC with `playback_gain_db` < 0 (0.5 → 0.9 in one chunk), or a live raise of the
    /// playback gain from −20 to −10 dB (+20 dB at once).
    static let restartPoint = VolumeParameters.minimumFloorGain

    /// One chunk's step toward `desired`.
    mutating func step(toward desired: Double) {
        if gain < desired {
            if gain < Self.restartPoint { gain = Self.restartPoint }
            gain *= 1 + (fast ? Self.fastUp : up)
            if gain > desired { gain = desired }
        } else if gain > desired {
            gain *= 1 - Self.down
            if gain < desired { gain = desired }
            fast = false
        }
    }

    /// The Q12 integer gain linphone multiplies samples by: `(int32_t)(gain * 4096)`, truncated toward zero.
    static func q12(_ gain: Double) -> Int {
        Int(gain * 4096)
    }

    /// `y = sat(x · q / 4096)` with C's integer division (truncation toward zero), saturated to
    /// ±32767: linphone's `saturate` maps -32768 to -32767 too, keeping the output symmetric.
    /// Int is 64-bit here, so `x · q` cannot overflow even at +40 "dB" with the AGC's ×2.
    static func scale(_ samples: UnsafeMutableBufferPointer<Int16>, q12: Int) {
        for index in samples.indices {
            samples[index] = saturate(Int(samples[index]) * q12 / 4096)
        }
    }

    @inline(__always)
    static func saturate(_ value: Int) -> Int16 {
        Int16(min(32767, max(-32767, value)))
    }
}
