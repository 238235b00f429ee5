/// A playout buffer for decoded audio, indexed by RTP timestamp (RFC 3550 §5.1), whose clock
/// rate equals the sample rate (8000 for G.711, RFC 3551 §4.5.14).
///
/// The network thread's packets go in with `insert` as they arrive; the audio device takes out
/// exactly what it asks for with `read`, every read period, whatever has arrived: received
/// audio, concealment where packets are missing, or silence before the first packet.
///
/// - Start: playout begins the target delay after the first packet arrives.
/// - Delay: `PlayoutDelayEstimator` measures transit and jitter; the target is the nominal delay,
///   or when adaptive, one read period plus twice the recent peak lateness (clamped to the
///   minimum and maximum). The playout point is steered toward the target only when it strays
///   out of a band (a quarter of the target, at least 10 ms above), and then gradually: at most
///   1/32 of each read in sound, 1/4 in quiet stretches, spliced where the signal is quietest
///   (`TimeScaling`). The same steering follows clock drift between the sender and the sound card.
/// - Gaps: `PacketLossConcealer` repeats the last pitch periods, fading to silence after 60 ms,
///   and cross-fades when audio resumes.
/// - Jumps: a timestamp far outside the buffer restarts it (`InsertResult.resynchronized`).
///
/// Every buffer is allocated in `init`; `insert` and `read` never allocate. Time is passed in (a
/// monotonic clock in nanoseconds, the same for both). One thread owns a buffer: it has no locks.
public final class AudioJitterBuffer {
    public let configuration: Configuration
    /// The counters and the current and target delays.
    public internal(set) var statistics = JitterBufferStatistics()

    enum Phase {
        /// No packet yet: silence.
        case idle
        /// Waiting for the target delay after the first packet, until `startAt`.
        case buffering(startAt: UInt64)
        case playing
    }

    let sampleRate: Int
    let capacity: Int
    let mask: Int64
    let samples: UnsafeMutableBufferPointer<Int16>
    let present: UnsafeMutableBufferPointer<Bool>
    let scratch: UnsafeMutableBufferPointer<Int16>
    /// Reads are processed in chunks of at most 20 ms.
    let chunkLimit: Int
    let concealer: PacketLossConcealer
    var estimator: PlayoutDelayEstimator

    var phase = Phase.idle
    /// The extended timestamp (wraps of the 32-bit timestamp counted) of the stream's first packet.
    var origin: Int64 = 0
    /// Playing: the extended timestamp of the next sample to play. Buffering: the earliest
    /// timestamp a packet may have to be stored.
    var position: Int64 = 0
    /// Buffering: the earliest timestamp stored.
    var earliest: Int64 = 0
    /// Whether a received sample has been played since the start or the last restart.
    var started = false
    var consecutiveLate = 0
    var correcting = false
    /// Samples the device asked for in its last read (20 ms until the first read).
    var readSamples: Int

    /// Late packets in a row that mean the timeline moved back.
    static let lateRunForRestart = 10

    /// Allocates every buffer the stream will need. Traps on a sample rate outside 1000…192 000 or
    /// a negative delay: the `[rtp]` settings are validated before they get here.
    public init(configuration: Configuration = Configuration()) {
        precondition((1000...192_000).contains(configuration.sampleRate), "unsupported sample rate")
        precondition(configuration.nominalDelayMilliseconds >= 0 && configuration.minimumDelayMilliseconds >= 0
                     && (0...10_000).contains(configuration.maximumDelayMilliseconds), "delays out of range")
        self.configuration = configuration
        sampleRate = configuration.sampleRate
        estimator = PlayoutDelayEstimator(
            sampleRate: sampleRate, adaptive: configuration.adaptive, nominal: configuration.nominalDelayMilliseconds,
            minimum: configuration.minimumDelayMilliseconds, maximum: configuration.maximumDelayMilliseconds)
        // The largest delay plus a second for jitter peaks and packets ahead.
        let largest = max(configuration.maximumDelayMilliseconds, configuration.nominalDelayMilliseconds) + 1000
        var size = 1024
        while size < sampleRate * largest / 1000 { size <<= 1 }
        capacity = size
        mask = Int64(size - 1)
        samples = .allocate(capacity: size)
        samples.initialize(repeating: 0)
        present = .allocate(capacity: size)
        present.initialize(repeating: false)
        chunkLimit = max(16, sampleRate / 50)
        readSamples = chunkLimit
        scratch = .allocate(capacity: chunkLimit + chunkLimit / 4 + 1)
        scratch.initialize(repeating: 0)
        concealer = PacketLossConcealer(sampleRate: sampleRate)
        statistics.targetDelayMilliseconds = milliseconds(estimator.target(readSamples: readSamples))
    }

    deinit {
        samples.deallocate()
        present.deallocate()
        scratch.deallocate()
    }

    /// Stores a packet's decoded samples.
    /// - Parameters:
    ///   - timestamp: the packet's RTP timestamp, that of its first sample.
    ///   - arrival: when it arrived (monotonic nanoseconds, the clock of `read`).
    @discardableResult
    public func insert(timestamp: UInt32, samples packet: UnsafeBufferPointer<Int16>, arrival: UInt64) -> InsertResult {
        // No packet fills more than a quarter of the buffer (a 20 ms packet is 1/100 of it).
        let count = Int64(min(packet.count, capacity / 4))
        guard count > 0 else { return .duplicate }
        if case .idle = phase {
            begin(timestamp: timestamp, arrival: arrival)
            store(packet, count: count, at: origin)
            return .stored
        }
        var reference = origin
        if case .playing = phase { reference = position }
        // RFC 3550 §5.1: the timestamp wraps; take the nearest extended value.
        let extended = reference + Int64(Int32(bitPattern: timestamp &- UInt32(truncatingIfNeeded: reference)))
        if extended + count <= position {
            consecutiveLate += 1
            if position - extended > Int64(capacity) || consecutiveLate >= Self.lateRunForRestart {
                return restart(timestamp: timestamp, packet, count: count, arrival: arrival)
            }
            statistics.lateDrops += 1
            // Late packets are the jitter an adaptive target must cover.
            estimator.observe(arrival: arrival, position: extended - origin)
            return .late
        }
        consecutiveLate = 0
        if extended + count - position > Int64(capacity) {
            let lateness = estimator.lateness(arrival: arrival, position: extended - origin)
            if case .playing = phase, abs(lateness) <= estimator.maximum {
                statistics.overflowDrops += 1
                return .overflow
            }
            return restart(timestamp: timestamp, packet, count: count, arrival: arrival)
        }
        let stored = store(packet, count: count, at: extended)
        if extended < position {
            // Its first samples were played (concealed) already; the rest is stored.
            statistics.lateDrops += 1
            estimator.observe(arrival: arrival, position: extended - origin)
            return .late
        }
        guard stored > 0 else {
            statistics.duplicateDrops += 1
            return .duplicate
        }
        if case .buffering = phase { earliest = min(earliest, extended) }
        estimator.observe(arrival: arrival, position: extended - origin)
        return .stored
    }

    /// Forgets the stream, the statistics and the learnt delay: as new.
    public func reset() {
        present.update(repeating: false)
        estimator.restart(keepingTarget: false)
        concealer.reset()
        phase = .idle
        started = false
        consecutiveLate = 0
        correcting = false
        statistics = JitterBufferStatistics()
        statistics.targetDelayMilliseconds = milliseconds(estimator.target(readSamples: readSamples))
    }

    /// The first packet of a stream: playout starts the target delay after its arrival.
    private func begin(timestamp: UInt32, arrival: UInt64) {
        origin = Int64(timestamp)
        earliest = origin
        position = origin - Int64(capacity / 4)
        estimator.observe(arrival: arrival, position: 0)
        let delay = estimator.target(readSamples: readSamples) * 1e9 / Double(sampleRate)
        phase = .buffering(startAt: arrival &+ UInt64(delay))
    }

    /// Starts over from this packet.
    private func restart(timestamp: UInt32, _ packet: UnsafeBufferPointer<Int16>, count: Int64, arrival: UInt64) -> InsertResult {
        dropStream()
        begin(timestamp: timestamp, arrival: arrival)
        store(packet, count: count, at: origin)
        return .resynchronized
    }

    /// Forgets the stream, keeping the learnt target delay and the audio history: what was playing
    /// fades out, and the next packet starts a new stream.
    func dropStream() {
        statistics.resynchronizations += 1
        present.update(repeating: false)
        estimator.restart(keepingTarget: true)
        phase = .idle
        started = false
        consecutiveLate = 0
        correcting = false
    }

    /// Copies the samples not yet present and not yet played; returns how many.
    @discardableResult
    private func store(_ packet: UnsafeBufferPointer<Int16>, count: Int64, at extended: Int64) -> Int {
        var stored = 0
        for offset in max(0, position - extended)..<count {
            let index = Int((extended + offset) & mask)
            guard !present[index] else { continue }
            samples[index] = packet[Int(offset)]
            present[index] = true
            stored += 1
        }
        return stored
    }

    func milliseconds(_ samples: Double) -> Int {
        Int((samples * 1000 / Double(sampleRate)).rounded())
    }
}
