/// Plays a few samples more or fewer than were received: how the jitter buffer follows clock
/// drift and moves its playout point without a jump.
///
/// The difference is made at one splice: the signal continues from a point `k` samples later (to
/// drop) or earlier (to repeat), cross-faded linearly over a few milliseconds. The splice goes
/// where the signal is quietest, so that in speech it falls into a pause when there is one.
enum TimeScaling {
    /// Writes `source` into `output`, whose length may differ by a few samples.
    ///
    /// Requirements: dropping needs `crossfade ≤ output.count`; repeating `q` samples needs
    /// `output.count ≥ 2q + crossfade`.
    static func fit(_ source: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<Int16>, crossfade: Int) {
        let count = output.count
        let shift = source.count - count
        guard shift != 0 else {
            for index in 0..<count { output[index] = source[index] }
            return
        }
        let fade = max(1, crossfade)
        // The splice point c; the fade runs over [c, c + fade) of the output. Dropping: output
        // after the fade is source shifted by +shift. Repeating: shifted by shift (negative).
        let lowest = shift > 0 ? 0 : -shift
        let highest = shift > 0 ? count - fade : source.count - fade
        precondition(lowest <= highest, "too large a change for this read")
        let splice = quietestSplice(source, from: lowest, to: highest, span: fade + abs(shift), offset: min(0, shift))
        for index in 0..<splice { output[index] = source[index] }
        for step in 0..<fade {
            let leaving = Int32(source[splice + step])
            let joining = Int32(source[splice + step + shift])
            output[splice + step] = Int16((leaving * Int32(fade - step) + joining * Int32(step + 1)) / Int32(fade + 1))
        }
        for index in (splice + fade)..<count { output[index] = source[index + shift] }
    }

    /// The splice point in [from, to] whose window [c + offset, c + offset + span) has the least
    /// absolute amplitude.
    private static func quietestSplice(_ source: UnsafeBufferPointer<Int16>, from: Int, to: Int, span: Int, offset: Int) -> Int {
        func magnitude(_ index: Int) -> Int { abs(Int(source[index])) }
        var sum = 0
        for index in (from + offset)..<(from + offset + span) { sum += magnitude(index) }
        var best = from
        var bestSum = sum
        var splice = from
        while splice < to {
            sum += magnitude(splice + offset + span) - magnitude(splice + offset)
            splice += 1
            if sum < bestSum {
                bestSum = sum
                best = splice
            }
        }
        return best
    }
}
