/// What we have received from one RTP source: sequence validation (RFC 3550 Appendix A.1),
/// loss (A.3) and interarrival jitter (A.8), and the report blocks that tell the sender about
/// them (§6.4.1). One value per remote SSRC; ``record(sequence:timestamp:arrival:)`` runs for
/// every packet and never allocates.
///
/// Time is an input: arrivals are nanoseconds on the caller's monotonic clock.
public struct ReceptionStatistics: Sendable {
    /// What ``record(sequence:timestamp:arrival:)`` made of a packet.
    public enum Verdict: Sendable, Hashable {
        /// In sequence, or ahead by less than ``maximumDropout`` (the gap counts as lost until
        /// the missing packets turn up).
        case accepted
        /// The source is not validated yet: fewer than ``minimumSequential`` packets in sequence.
        /// The packet is left out of the statistics (the engine may still play it).
        case probation
        /// A duplicate, or a late packet at most ``maximumMisorder`` behind the highest.
        case duplicateOrLate
        /// A jump of ``maximumDropout`` or more ahead (or more than ``maximumMisorder`` behind):
        /// dropped and not counted, unless the next packet follows it in sequence.
        case tooFarAhead
        /// The packet follows a dropped jump in sequence: the source restarted its sequence
        /// numbers, so counting starts again from this packet (A.1 resync).
        case restarted
    }

    /// Packets in sequence needed before a source is valid (A.1 MIN_SEQUENTIAL).
    public static let minimumSequential = 2
    /// The largest jump ahead still taken as loss rather than a restart (A.1 MAX_DROPOUT).
    public static let maximumDropout: UInt16 = 3000
    /// The furthest behind a packet may arrive and still count as late (A.1 MAX_MISORDER).
    public static let maximumMisorder: UInt16 = 100

    private enum State: Sendable {
        case waitingForFirstPacket
        /// Counting down packets in sequence (A.1 `probation`).
        case probation(remaining: Int)
        case valid
    }

    /// The media clock rate in Hz (RFC 3551 §4.5: 8000 for G.711, 90000 for video).
    public let clockRate: Int
    private var state = State.waitingForFirstPacket
    private var maxSequence: UInt16 = 0
    /// Sequence-number wraps, times 65536 (A.1 `cycles`).
    private var cycles = 0
    private var baseSequence = 0
    /// The sequence number after the last dropped jump; 65537 (no sequence number) when none.
    private var badSequence = 65537
    private var expectedPrior = 0
    private var receivedPrior = 0
    private var window = RecentSequences()
    /// The previous packet's relative transit time in timestamp units (A.8), nil before one.
    private var transit: UInt32?
    private var jitterEstimate = 0.0

    /// Packets counted since the source was validated or restarted, duplicates and late ones
    /// included (A.1 `received`).
    public private(set) var packetsReceived = 0
    /// Packets received a second time (within the last 128 sequence numbers).
    public private(set) var duplicates = 0
    /// Packets that arrived after one with a higher sequence number, the first time.
    public private(set) var outOfOrder = 0

    public init(clockRate: Int) {
        precondition(clockRate > 0, "an RTP clock rate is positive")
        self.clockRate = clockRate
    }

    /// Whether the source has passed probation.
    public var isValid: Bool {
        if case .valid = state { true } else { false }
    }

    /// The highest sequence number received, with the count of wraps in the upper 16 bits.
    public var extendedHighestSequence: UInt32 {
        UInt32(truncatingIfNeeded: cycles + Int(maxSequence))
    }

    /// Packets expected since validation or restart: the extended highest sequence number minus
    /// the first, plus one (A.3). 0 while in probation.
    public var expectedPackets: Int {
        isValid ? cycles + Int(maxSequence) - baseSequence + 1 : 0
    }

    /// Expected minus received, clamped to the 24 bits of a report block (A.3). Negative when
    /// duplicates outnumber losses.
    public var cumulativeLost: Int32 {
        let range = RTCPReportBlock.cumulativeLostRange
        return Int32(min(max(expectedPackets - packetsReceived, Int(range.lowerBound)), Int(range.upperBound)))
    }

    /// Interarrival jitter in timestamp units, as a report block carries it (A.8).
    public var jitter: UInt32 { UInt32(jitterEstimate) }

    /// Interarrival jitter in milliseconds.
    public var jitterMilliseconds: Double { jitterEstimate * 1000 / Double(clockRate) }

    /// Counts one received packet: `sequence` and `timestamp` from its header, `arrival` in
    /// nanoseconds on a monotonic clock.
    public mutating func record(sequence: UInt16, timestamp: UInt32, arrival: UInt64) -> Verdict {
        let verdict = updateSequence(sequence)
        switch verdict {
        case .tooFarAhead:
            break
        case .restarted:
            // A new timestamp origin too: start the jitter's transit afresh, keep the estimate.
            transit = nil
            updateJitter(timestamp: timestamp, arrival: arrival)
        case .accepted, .probation, .duplicateOrLate:
            updateJitter(timestamp: timestamp, arrival: arrival)
        }
        return verdict
    }

    /// A report block on this source for an RR or SR (RFC 3550 §6.4.1). The fraction lost covers
    /// the packets since the previous block (A.3), so each call starts a new interval.
    /// `lastSR` and `delaySinceLastSR` come from the last SR this source sent us (0 if none);
    /// see ``NTPTimestamp/middle32`` and ``RoundTrip/delaySinceLastSR(receivedAt:now:)``.
    public mutating func makeReportBlock(ssrc: UInt32, lastSR: UInt32, delaySinceLastSR: UInt32) -> RTCPReportBlock {
        let expected = expectedPackets
        let expectedInterval = expected - expectedPrior
        expectedPrior = expected
        let receivedInterval = packetsReceived - receivedPrior
        receivedPrior = packetsReceived
        let lostInterval = expectedInterval - receivedInterval
        // An 8-bit fixed-point fraction; all lost (256/256) cannot be written, so it saturates.
        let fraction = expectedInterval <= 0 || lostInterval <= 0 ? 0 : min(255, (lostInterval << 8) / expectedInterval)
        return RTCPReportBlock(ssrc: ssrc, fractionLost: UInt8(fraction), cumulativeLost: cumulativeLost,
                               extendedHighestSequence: extendedHighestSequence, jitter: jitter,
                               lastSR: lastSR, delaySinceLastSR: delaySinceLastSR)
    }

    /// RFC 3550 A.1 `update_seq`, with the initialization for a new source.
    private mutating func updateSequence(_ sequence: UInt16) -> Verdict {
        switch state {
        case .waitingForFirstPacket:
            maxSequence = sequence &- 1
            state = .probation(remaining: Self.minimumSequential)
            return updateSequence(sequence)
        case .probation(let remaining):
            guard sequence == maxSequence &+ 1 else {
                state = .probation(remaining: Self.minimumSequential - 1)
                maxSequence = sequence
                return .probation
            }
            maxSequence = sequence
            guard remaining > 1 else {
                startCounting(at: sequence)
                return .accepted
            }
            state = .probation(remaining: remaining - 1)
            return .probation
        case .valid:
            let delta = sequence &- maxSequence
            let verdict: Verdict
            if delta == 0 {
                duplicates += 1
                verdict = .duplicateOrLate
            } else if delta < Self.maximumDropout {
                // In order, with a permissible gap.
                if sequence < maxSequence { cycles += 65536 }
                maxSequence = sequence
                window.advance(by: Int(delta))
                verdict = .accepted
            } else if Int(delta) <= 65536 - Int(Self.maximumMisorder) {
                // A very large jump: two sequential packets mean the source restarted.
                guard Int(sequence) == badSequence else {
                    badSequence = Int(sequence &+ 1)
                    return .tooFarAhead
                }
                startCounting(at: sequence)
                return .restarted
            } else {
                // Behind the highest, within MAX_MISORDER.
                if window.insert(behind: 65536 - Int(delta)) { outOfOrder += 1 } else { duplicates += 1 }
                verdict = .duplicateOrLate
            }
            packetsReceived += 1
            return verdict
        }
    }

    /// RFC 3550 A.1 `init_seq` followed by counting the packet.
    private mutating func startCounting(at sequence: UInt16) {
        state = .valid
        baseSequence = Int(sequence)
        maxSequence = sequence
        badSequence = 65537
        cycles = 0
        packetsReceived = 1
        receivedPrior = 0
        expectedPrior = 0
        window = RecentSequences()
    }

    /// RFC 3550 A.8: J += (|D(i−1, i)| − J) / 16, where D is the change in relative transit time
    /// (arrival on the media clock minus RTP timestamp) between successive packets.
    private mutating func updateJitter(timestamp: UInt32, arrival: UInt64) {
        // Nanoseconds to media-clock units. Only the low 32 bits matter (transit times are
        // differences modulo 2^32), so the whole-seconds part may wrap.
        let rate = UInt64(clockRate)
        let units = (arrival / 1_000_000_000) &* rate &+ (arrival % 1_000_000_000) * rate / 1_000_000_000
        let current = UInt32(truncatingIfNeeded: units) &- timestamp
        if let previous = transit {
            let difference = Int32(bitPattern: current &- previous).magnitude
            jitterEstimate += (Double(difference) - jitterEstimate) / 16
        }
        transit = current
    }
}

/// Which of the 128 sequence numbers up to the highest have been received: bit n of the pair
/// stands for the highest minus n. Enough to tell duplicates from late packets within
/// ``ReceptionStatistics/maximumMisorder``.
private struct RecentSequences: Sendable {
    private var low: UInt64 = 1  // the highest itself, received
    private var high: UInt64 = 0

    /// The highest moved `distance` ahead, and was received.
    mutating func advance(by distance: Int) {
        // Swift's smart shifts give 0 for counts of 64 or more, so large jumps clear the window.
        high = distance >= 64 ? low << (distance - 64) : high << distance | low >> (64 - distance)
        low = low << distance | 1
    }

    /// Marks the sequence number `behind` (1…127) the highest; false if it was already marked.
    mutating func insert(behind: Int) -> Bool {
        let bit: UInt64 = 1 << (behind % 64)
        let marked = behind < 64 ? low & bit != 0 : high & bit != 0
        if behind < 64 { low |= bit } else { high |= bit }
        return !marked
    }
}
