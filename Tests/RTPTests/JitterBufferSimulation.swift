import RTP

/// A small deterministic generator (SplitMix64), so that random tests repeat exactly.
struct JitterTestRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A sender, a network and a sound card around an `AudioJitterBuffer`, in simulated time:
/// packets of `packetSamples` leave as the sender's clock fills them, arrive `networkDelay` plus
/// `jitter` later, and the card reads `readSamples` every read period of our clock.
struct JitterBufferSimulation {
    var configuration = AudioJitterBuffer.Configuration()
    var packetSamples = 160
    var readSamples = 160
    /// Speed of the sender's clock against ours: 1.005 sends 0.5 % more samples per second.
    var senderSpeed = 1.0
    var firstTimestamp: UInt32 = 0x1234_5678
    var networkDelay = 25.0
    /// Extra milliseconds for packet i (at least 0).
    var jitter: (Int, inout JitterTestRandom) -> Double = { _, _ in 0 }
    var isLost: (Int) -> Bool = { _ in false }
    var copies: (Int) -> Int = { _ in 1 }
    /// Added to the timestamp of packet i: a jump of the sender's timeline.
    var timestampJump: (Int) -> UInt32 = { _ in 0 }
    /// Reads the sound card misses (packets still arrive).
    var isReadSkipped: (Int) -> Bool = { _ in false }
    /// Where the reads fall between packet arrivals (ms).
    var readPhase = 7.3
    /// The sender's sample i: loud noise that is never zero.
    var signal: (Int) -> Int16 = { index in
        var z = UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        return Int16(truncatingIfNeeded: (z ^ (z >> 27)) >> 48) | 1
    }

    struct Result {
        var output: [Int16] = []
        var inserts: [AudioJitterBuffer.InsertResult] = []
        /// Statistics after each read.
        var history: [JitterBufferStatistics] = []
        var buffer: AudioJitterBuffer

        /// Index of the first sample played that is not silence.
        var firstSound: Int? { output.firstIndex { $0 != 0 } }
    }

    func run(seconds: Double, seed: UInt64 = 1, buffer existing: AudioJitterBuffer? = nil) -> Result {
        let rate = Double(configuration.sampleRate)
        var random = JitterTestRandom(state: seed)
        let packetCount = Int(seconds * rate * senderSpeed) / packetSamples
        var arrivals: [(time: UInt64, packet: Int)] = []
        for packet in 0..<packetCount where !isLost(packet) {
            let sent = Double((packet + 1) * packetSamples) / (rate * senderSpeed) * 1000
            let arrival = sent + networkDelay + max(0, jitter(packet, &random))
            for _ in 0..<copies(packet) { arrivals.append((nanoseconds(arrival), packet)) }
        }
        arrivals.sort { $0.time < $1.time }
        var result = Result(buffer: existing ?? AudioJitterBuffer(configuration: configuration))
        let reads = Int(seconds * rate) / readSamples
        var next = 0
        var block = [Int16](repeating: 0, count: readSamples)
        var samples = [Int16](repeating: 0, count: packetSamples)
        result.output.reserveCapacity(reads * readSamples)
        for read in 0..<reads {
            let now = nanoseconds(readPhase + Double(read * readSamples) / rate * 1000)
            while next < arrivals.count, arrivals[next].time <= now {
                let packet = arrivals[next].packet
                for offset in 0..<packetSamples { samples[offset] = signal(packet * packetSamples + offset) }
                let timestamp = firstTimestamp &+ UInt32(truncatingIfNeeded: packet * packetSamples) &+ timestampJump(packet)
                result.inserts.append(samples.withUnsafeBufferPointer {
                    result.buffer.insert(timestamp: timestamp, samples: $0, arrival: arrivals[next].time)
                })
                next += 1
            }
            if isReadSkipped(read) { continue }
            block.withUnsafeMutableBufferPointer { result.buffer.read(into: $0, now: now) }
            result.output += block
            result.history.append(result.buffer.statistics)
        }
        return result
    }

    private func nanoseconds(_ milliseconds: Double) -> UInt64 {
        UInt64(1_000_000_000_000 + milliseconds * 1_000_000)
    }

    /// Whether `played` is a stretch of the sender's signal, without splice or gap.
    func isContiguous(_ played: ArraySlice<Int16>) -> Bool {
        guard played.count >= 4, let first = played.first else { return false }
        let start = played.startIndex
        let limit = 1_000_000
        guard let origin = (0..<limit).first(where: { index in
            signal(index) == first && (1..<4).allSatisfy { signal(index + $0) == played[start + $0] }
        }) else { return false }
        return played.indices.allSatisfy { played[$0] == signal(origin + $0 - start) }
    }

    /// The sender's samples from index `start`.
    func expected(from start: Int, count: Int) -> [Int16] {
        (start..<(start + count)).map(signal)
    }
}
