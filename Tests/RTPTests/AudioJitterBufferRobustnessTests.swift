import RTP
import Testing

@Suite struct AudioJitterBufferRobustnessTests {
    @Test func aTimestampJumpRestartsTheBuffer() {
        var simulation = JitterBufferSimulation()
        simulation.timestampJump = { $0 >= 250 ? 80_000 : 0 }
        let result = simulation.run(seconds: 10)
        #expect(result.inserts[250] == .resynchronized)
        #expect(result.inserts.enumerated().allSatisfy { $0.offset == 250 || $0.element == .stored })
        #expect(result.buffer.statistics.resynchronizations == 1)
        #expect(simulation.isContiguous(result.output.suffix(8000)))
    }

    @Test func aJumpBackRestartsAfterTenLatePackets() {
        var simulation = JitterBufferSimulation()
        simulation.configuration.adaptive = false
        simulation.timestampJump = { $0 >= 250 ? UInt32.max - 2399 : 0 }  // 300 ms back
        let result = simulation.run(seconds: 10)
        #expect(result.inserts[250..<259].allSatisfy { $0 == .late })
        #expect(result.inserts[259] == .resynchronized)
        #expect(result.buffer.statistics.resynchronizations == 1 && result.buffer.statistics.lateDrops == 9)
        #expect(simulation.isContiguous(result.output.suffix(8000)))
    }

    @Test func aStalledReaderOverflowsAndThenCatchesUp() {
        var simulation = JitterBufferSimulation()
        simulation.isReadSkipped = { (250..<400).contains($0) }  // 3 s without reads
        let result = simulation.run(seconds: 15)
        let statistics = result.buffer.statistics
        #expect(statistics.overflowDrops > 0 && result.inserts.contains(.overflow))
        #expect(statistics.resynchronizations == 1, "\(statistics)")
        #expect(statistics.currentDelayMilliseconds <= 60, "\(statistics)")
        #expect(simulation.isContiguous(result.output.suffix(8000)))
    }

    @Test func resetStartsOver() {
        var simulation = JitterBufferSimulation()
        simulation.configuration.adaptive = false
        let buffer = simulation.run(seconds: 3).buffer
        buffer.reset()
        var fresh = JitterBufferStatistics()
        fresh.targetDelayMilliseconds = 60
        #expect(buffer.statistics == fresh)
        var block = [Int16](repeating: 1, count: 160)
        block.withUnsafeMutableBufferPointer { buffer.read(into: $0, now: 5_000_000_000_000) }
        #expect(block.allSatisfy { $0 == 0 })
        // A new stream (other timestamps) plays from its start.
        simulation.firstTimestamp = 99
        let again = simulation.run(seconds: 3, buffer: buffer)
        #expect(again.buffer.statistics.resynchronizations == 0 && again.buffer.statistics.concealedSamples == 0)
        AudioJitterBufferTests.expectBitExact(again, simulation)
    }

    /// Random timestamps, sizes, arrival times and read sizes: no trap, and every read is filled.
    @Test(arguments: [(8000, 60, true), (8000, 0, false), (16000, 200, true), (48000, 20, true)])
    func garbageNeverTraps(sampleRate: Int, nominal: Int, adaptive: Bool) {
        var random = JitterTestRandom(state: UInt64(sampleRate + nominal))
        let buffer = AudioJitterBuffer(configuration: .init(sampleRate: sampleRate, nominalDelayMilliseconds: nominal, adaptive: adaptive))
        var packet = [Int16](repeating: 0, count: 70_000)
        var output = [Int16](repeating: 0, count: 5000)
        var now: UInt64 = 0
        var timestamp: UInt32 = 0
        for _ in 0..<4000 {
            let wild = Int.random(in: 0..<4, using: &random) == 0
            now = wild ? UInt64.random(in: 0...UInt64.max, using: &random) : now &+ UInt64.random(in: 0...40_000_000, using: &random)
            timestamp = wild ? UInt32.random(in: 0...UInt32.max, using: &random) : timestamp &+ UInt32.random(in: 0...2000, using: &random)
            for index in 0..<100 { packet[index] = Int16.random(in: Int16.min...Int16.max, using: &random) }
            if Bool.random(using: &random) {
                let count = Int.random(in: 0...(Bool.random(using: &random) ? 400 : 70_000), using: &random)
                packet.withUnsafeBufferPointer {
                    _ = buffer.insert(timestamp: timestamp, samples: UnsafeBufferPointer(rebasing: $0[0..<count]), arrival: now)
                }
            } else {
                let count = Int.random(in: 0...(Bool.random(using: &random) ? 400 : 5000), using: &random)
                output.withUnsafeMutableBufferPointer { buffer.read(into: UnsafeMutableBufferPointer(rebasing: $0[0..<count]), now: now) }
            }
        }
        let statistics = buffer.statistics
        #expect(statistics.concealedSamples >= 0 && statistics.targetDelayMilliseconds >= 0)
    }
}
