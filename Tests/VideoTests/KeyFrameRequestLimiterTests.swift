import Testing
import Video

@Suite struct KeyFrameRequestLimiterTests {
    static let ms: UInt64 = 1_000_000

    /// Requests at the given milliseconds, frames every 66 ms for a second: the frames that were IDRs.
    static func forcedFrames(requests: [UInt64], gap: UInt64 = 500) -> [UInt64] {
        var limiter = KeyFrameRequestLimiter(minimumGap: gap * ms)
        var forced: [UInt64] = []
        var pending = requests.sorted()
        for frame in stride(from: UInt64(0), through: 1000, by: 66) {
            while let first = pending.first, first <= frame { limiter.request(); pending.removeFirst() }
            if limiter.forceKeyFrame(now: frame * ms) { forced.append(frame) }
        }
        return forced
    }

    @Test(arguments: [
        ([UInt64](), [UInt64]()),
        ([10], [66]),
        // A burst is served at once, then once more at the end of the gap.
        ([10, 20, 70, 130, 200], [66, 594]),
        ([10, 600], [66, 660]),
        ([0, 100, 700], [0, 528]),
    ])
    func burstsAreFoldedNotDropped(requests: [UInt64], expected: [UInt64]) {
        #expect(Self.forcedFrames(requests: requests) == expected)
    }

    @Test func aPeriodicKeyFrameServesAWaitingRequest() {
        var limiter = KeyFrameRequestLimiter(minimumGap: 500 * Self.ms)
        limiter.request()
        limiter.keyFrameSent(now: 0)
        let atNextFrame = limiter.forceKeyFrame(now: 66 * Self.ms)
        #expect(!atNextFrame)
        #expect(limiter.requests == 1 && limiter.served == 0)
        limiter.request()
        let withinGap = limiter.forceKeyFrame(now: 132 * Self.ms)
        #expect(!withinGap, "within the gap after the periodic IDR")
        let afterGap = limiter.forceKeyFrame(now: 528 * Self.ms)
        #expect(afterGap)
    }
}
