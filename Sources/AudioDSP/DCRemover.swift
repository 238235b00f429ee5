/// MSVolume's DC-offset removal (`dc_removal=1`; shared/reference/linphonerc.md §5.7,
/// `msvolume.c:433-439`): some capture codecs (and cheap electret front ends) leave a constant
/// offset, which wastes headroom and thumps when the gain moves.
///
/// The offset in use is subtracted before the gain; after each chunk it follows the chunk's mean
/// in integer arithmetic: `dc ← (7·dc + Σx/N) / 8`, both divisions truncating toward zero as in C.
/// That leaves a residue of up to 7 (a pure DC of 1000 settles at 993), exactly as in linphone.
struct DCRemover: Sendable, Hashable {
    /// The offset being subtracted.
    private(set) var offset = 0
    private var sum = 0
    private var count = 0

    /// Whether samples must go through `apply`: while enabled, and after a live switch-off until
    /// the offset has faded to 0 (so that turning it off does not put the offset back as a step).
    func isActive(enabled: Bool) -> Bool { enabled || offset != 0 }

    /// `y = sat((x - dc) · q / 4096)`, summing the input for the next update.
    mutating func apply(_ samples: UnsafeMutableBufferPointer<Int16>, q12: Int) {
        var total = sum
        for index in samples.indices {
            let value = Int(samples[index])
            total += value
            samples[index] = GainRamp.saturate((value - offset) * q12 / 4096)
        }
        sum = total
        count += samples.count
    }

    /// Updates the offset at the end of a chunk. Disabled, it decays by 7/8 per chunk toward 0
    /// instead of following the input (our choice; linphone just stops subtracting).
    mutating func endChunk(enabled: Bool) {
        if enabled {
            if count > 0 { offset = (offset * 7 + sum / count) / 8 }
        } else {
            offset = offset * 7 / 8
        }
        sum = 0
        count = 0
    }
}
