import RTP
import Testing

@Suite struct AudioJitterBufferAdaptationTests {
    /// ±0.5 % between the sender's clock and ours for 10 minutes: 24 000 samples too many or too
    /// few. The delay stays near the target, and nothing is lost for it.
    @Test(arguments: [1.005, 0.995])
    func clockDriftIsFollowed(senderSpeed: Double) {
        var simulation = JitterBufferSimulation()
        simulation.senderSpeed = senderSpeed
        simulation.jitter = { _, random in Double.random(in: 0...20, using: &random) }
        let result = simulation.run(seconds: 600, seed: 3)
        let statistics = result.buffer.statistics
        let delays = result.history.dropFirst(500).map(\.currentDelayMilliseconds)
        #expect(delays.min()! >= 30 && delays.max()! <= 75, "delay \(delays.min()!)…\(delays.max()!) ms, \(statistics)")
        #expect(abs(statistics.driftAdjustedSamples - 24_000) < 2_000, "\(statistics)")
        #expect(statistics.lateDrops == 0 && statistics.concealedSamples == 0 && statistics.resynchronizations == 0,
                "\(statistics)")
    }

    @Test func theTargetGrowsUnderJitterAndShrinksAfter() {
        var simulation = JitterBufferSimulation()
        // 20 s calm, 20 s of up to 120 ms jitter, 40 s calm.
        simulation.jitter = { packet, random in
            (1000..<2000).contains(packet) ? Double.random(in: 0...120, using: &random) : 0
        }
        let result = simulation.run(seconds: 80, seed: 11)
        let targets = result.history.map(\.targetDelayMilliseconds)
        let delays = result.history.map(\.currentDelayMilliseconds)
        #expect(targets[999] == 40 && delays[999] <= 50, "calm: \(targets[999]), \(delays[999]) ms")
        #expect(targets[1999] >= 120 && delays[1999] >= 100, "jittery: \(targets[1999]), \(delays[1999]) ms")
        #expect(targets.last == 40 && delays.last! <= 50, "calm again: \(targets.last!), \(delays.last!) ms")
        // After the first seconds of jitter, nothing more is late.
        let late = result.history[1150].lateDrops
        #expect(result.buffer.statistics.lateDrops == late, "\(late) late in the first 3 s, \(result.buffer.statistics.lateDrops) in all")
    }

    @Test func nominalDelayIsKeptWhenNotAdaptive() {
        var simulation = JitterBufferSimulation()
        simulation.configuration.adaptive = false
        simulation.jitter = { packet, random in (1000..<2000).contains(packet) ? Double.random(in: 0...120, using: &random) : 0 }
        let result = simulation.run(seconds: 60, seed: 11)
        #expect(result.history.allSatisfy { $0.targetDelayMilliseconds == 60 })
        #expect(result.buffer.statistics.lateDrops > 20)
    }
}
