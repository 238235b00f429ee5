/// MSVolume's noise gate (shared/reference/linphonerc.md §5.6, `msvolume.c:240-260`): mutes room
/// noise between words so that the far end does not hear the street behind the door.
///
/// Per 10 ms chunk, on the *instantaneous* energy (short clicks open it, as linphone intends):
/// ```
/// want = floor
/// if instantaneous > threshold:  holdLeft = 400 ms; want = 1
/// elif holdLeft > 0:             holdLeft -= 10 ms; want = 1
/// gain = 0.75·gain + 0.25·want   # τ ≈ 35 ms, the same opening and closing
/// ```
/// The multiplier applies on top of the ramped gain (`gain · ng_gain`, §5.3).
struct NoiseGate: Sendable, Hashable {
    /// linphone's `ng_cut_time`; there is no key for it ("TODO: ng_sustain", `msvolume.c:106`).
    static let holdMilliseconds = 400

    /// The multiplier (linphone's `ng_gain`), 1 at init as in linphone.
    private(set) var gain = 1.0
    /// Whether the last chunk wanted the gate open (above the threshold, or within the hold).
    private(set) var isOpen = true
    private var holdLeft = 0

    /// One chunk of `milliseconds` while the gate is enabled.
    mutating func process(instantaneous: Double, threshold: Double, floor: Double, milliseconds: Int) {
        var want = floor
        if instantaneous > threshold {
            holdLeft = Self.holdMilliseconds
            want = 1
        } else if holdLeft > 0 {
            holdLeft -= milliseconds
            want = 1
        }
        isOpen = want == 1
        gain = 0.75 * gain + 0.25 * want
    }

    /// One chunk while the gate is disabled: the multiplier opens with the same smoothing, so
    /// disabling a closed gate live neither jumps nor, as in linphone (which stops updating
    /// `ng_gain`), stays stuck at the floor. Within half a Q12 step of 1 it snaps to exactly 1,
    /// where samples pass untouched.
    mutating func relax() {
        holdLeft = 0
        isOpen = true
        guard gain != 1 else { return }
        gain = 0.75 * gain + 0.25
        if 1 - gain < 1.0 / 8192 { gain = 1 }
    }
}
