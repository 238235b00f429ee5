import RTP
import Testing

#if canImport(Glibc)
import func Glibc.sin
#elseif canImport(Darwin)
import func Darwin.sin
#endif

@Suite struct AudioJitterBufferTests {
    /// What was played from the first sound on equals what was sent, sample for sample.
    static func expectBitExact(_ result: JitterBufferSimulation.Result, _ simulation: JitterBufferSimulation,
                               sourceLocation: SourceLocation = #_sourceLocation) {
        guard let first = result.firstSound else {
            Issue.record("nothing was played", sourceLocation: sourceLocation)
            return
        }
        let played = Array(result.output[first...])
        let sent = simulation.expected(from: 0, count: played.count)
        let firstDifference = played.indices.first { played[$0] != sent[$0] }
        #expect(firstDifference == nil, "differs from sample \(firstDifference ?? 0)", sourceLocation: sourceLocation)
    }

    @Test(arguments: [
        // (adaptive, nominal ms, read samples)
        (false, 100, 160),
        (false, 80, 160),
        (false, 100, 80),
        (false, 120, 480),
    ])
    func jitteryStreamPlaysBitExactWithoutUnderflow(adaptive: Bool, nominal: Int, read: Int) {
        // An adaptive buffer would move its playout point toward its own target: not bit-exact.
        var simulation = JitterBufferSimulation()
        simulation.configuration.adaptive = adaptive
        simulation.configuration.nominalDelayMilliseconds = nominal
        simulation.readSamples = read
        simulation.jitter = { _, random in Double.random(in: 0...60, using: &random) }  // ±30 ms around the mean
        let result = simulation.run(seconds: 60, seed: 7)
        let statistics = result.buffer.statistics
        #expect(statistics.concealedSamples == 0 && statistics.lateDrops == 0 && statistics.driftAdjustedSamples == 0,
                "\(statistics)")
        #expect(result.inserts.allSatisfy { $0 == .stored })
        Self.expectBitExact(result, simulation)
    }

    @Test func playoutStartsTheTargetDelayAfterTheFirstPacket() {
        var simulation = JitterBufferSimulation()
        simulation.readPhase = 0
        simulation.configuration.adaptive = false
        let result = simulation.run(seconds: 2)
        // First packet: captured 0–20 ms, arrives at 45 ms; playout from 105 ms, the read at 100 ms
        // or 120 ms.
        let first = result.firstSound ?? 0
        #expect((800...960).contains(first), "first sound at sample \(first)")
        #expect(result.history.last?.currentDelayMilliseconds == 60)
    }

    @Test func aLostPacketIsConcealedAndAudioResumesSmoothly() {
        var simulation = JitterBufferSimulation()
        simulation.configuration.adaptive = false
        simulation.isLost = { $0 == 50 }
        let result = simulation.run(seconds: 5)
        #expect(result.buffer.statistics.concealedSamples == 160)
        let first = result.firstSound!
        let gap = first + 50 * 160
        let played = Array(result.output[first...])
        let sent = simulation.expected(from: 0, count: played.count)
        // Up to the gap and from 4 ms (the cross-fade) after it, exactly what was sent.
        let differing = played.indices.filter { played[$0] != sent[$0] }
        #expect(differing.first ?? 0 >= 50 * 160 && differing.last ?? 0 < 51 * 160 + 32)
        // The gap is filled with the repeated period, not silence.
        #expect(result.output[gap..<(gap + 80)].contains { $0 != 0 })
    }

    /// A 200 Hz tone (period 40 samples): the lost packet is replaced by the tone's own periods,
    /// and there is no click where the gap begins or ends.
    @Test func concealmentContinuesAVoicedSignal() {
        var simulation = JitterBufferSimulation()
        simulation.configuration.adaptive = false
        simulation.signal = { Int16((10_000 * sin(2 * Double.pi * Double($0) / 40)).rounded()) }
        simulation.isLost = { $0 == 50 || (70..<75).contains($0) }
        let result = simulation.run(seconds: 3)
        // The first sample played is sample 1 of the tone (sample 0 is 0).
        let start = result.firstSound! - 1
        let played = Array(result.output[start...])
        let sent = simulation.expected(from: 0, count: played.count)
        // The first 10 ms of the gap repeat the last periods at full level.
        let error = (50 * 160..<(50 * 160 + 80)).map { abs(Int(played[$0]) - Int(sent[$0])) }.max()!
        #expect(error <= 2, "largest error \(error)")
        // No step larger than the tone's own, around both gaps (the second fades to silence).
        let steepest = (0..<(played.count - 1)).map { abs(Int(played[$0 + 1]) - Int(played[$0])) }.max()!
        #expect(steepest <= 1600 + 10_000 / 33, "steepest step \(steepest)")
    }

    @Test func aLongLossFadesToSilence() {
        var simulation = JitterBufferSimulation()
        simulation.configuration.adaptive = false
        simulation.isLost = { (50..<60).contains($0) }
        let result = simulation.run(seconds: 5)
        #expect(result.buffer.statistics.concealedSamples == 1600)
        let gap = result.firstSound! + 50 * 160
        // Silent from 60 ms into the gap until audio comes back.
        #expect(result.output[(gap + 480)..<(gap + 1600)].allSatisfy { $0 == 0 })
        #expect(result.output[gap + 1600 + 100] != 0)
    }

    @Test func aLatePacketIsDroppedAndCounted() {
        var simulation = JitterBufferSimulation()
        simulation.configuration.adaptive = false
        simulation.jitter = { packet, _ in packet == 50 ? 200 : 0 }
        let result = simulation.run(seconds: 5)
        #expect(result.inserts.filter { $0 == .late }.count == 1)
        #expect(result.buffer.statistics.lateDrops == 1)
        #expect(result.buffer.statistics.concealedSamples == 160)
    }

    @Test func duplicatesAreDroppedAndCounted() {
        var simulation = JitterBufferSimulation()
        simulation.configuration.adaptive = false
        simulation.copies = { $0 % 3 == 0 ? 2 : 1 }
        let result = simulation.run(seconds: 5)
        let duplicates = result.inserts.filter { $0 == .duplicate }.count
        #expect(duplicates > 70 && result.buffer.statistics.duplicateDrops == duplicates)
        Self.expectBitExact(result, simulation)
    }

    @Test func theTimestampWraps() {
        var simulation = JitterBufferSimulation()
        simulation.configuration.adaptive = false
        simulation.firstTimestamp = UInt32.max - 8000 * 3 + 17
        simulation.jitter = { _, random in Double.random(in: 0...30, using: &random) }
        let result = simulation.run(seconds: 10)
        #expect(result.buffer.statistics.resynchronizations == 0 && result.buffer.statistics.concealedSamples == 0)
        Self.expectBitExact(result, simulation)
    }

    @Test func noJitterCompensationPlaysWithinOneReadPeriod() {
        var simulation = JitterBufferSimulation()
        simulation.configuration.nominalDelayMilliseconds = 0
        let result = simulation.run(seconds: 10)
        let statistics = result.buffer.statistics
        #expect(statistics.targetDelayMilliseconds == 22 && (20...25).contains(statistics.currentDelayMilliseconds), "\(statistics)")
        #expect(statistics.concealedSamples == 0 && statistics.driftAdjustedSamples == 0)
        Self.expectBitExact(result, simulation)
        // With jitter, late packets are not waited for: concealed instead.
        simulation.jitter = { _, random in Double.random(in: 0...80, using: &random) }
        let jittery = simulation.run(seconds: 10).buffer.statistics
        #expect(jittery.lateDrops > 0 && jittery.targetDelayMilliseconds == 22)
    }
}
