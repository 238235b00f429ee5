/// What the echo limiter on the microphone path needs to know about the speaker path: the far
/// end's smoothed energy as `ReceiveVolume` measured it, before the playback gain (so it does not
/// depend on `playback_gain_db`; shared/reference/linphonerc.md §2).
///
/// linphone's volsend reads its peer volrecv's `energy` field directly (`msvolume.c:206-207`);
/// here the media tick hands `ReceiveVolume.farEndLevel` to `SendVolume.process(_:farEnd:)`, so
/// the two stages share no state.
public struct FarEndLevel: Sendable, Hashable {
    /// Smoothed linear level in `LevelMeter` units (full-scale sine ≈ 1).
    public var energy: Double

    public init(energy: Double) {
        self.energy = energy
    }

    /// No far-end audio.
    public static let silent = FarEndLevel(energy: 0)
}
