import RTP
import Testing

@Suite struct ReceptionStatisticsTests {
    typealias Verdict = ReceptionStatistics.Verdict

    /// Feeds packets 20 ms apart at 8 kHz (timestamps 160 apart), as G.711 would arrive.
    @discardableResult
    private func feed(_ statistics: inout ReceptionStatistics, _ sequences: some Sequence<UInt16>) -> [Verdict] {
        sequences.map { sequence in
            statistics.record(sequence: sequence, timestamp: UInt32(sequence) &* 160,
                              arrival: 1_000_000_000 + UInt64(sequence) * 20_000_000)
        }
    }

    struct Scenario: Sendable, CustomTestStringConvertible {
        var name: String
        var sequences: [UInt16]
        var verdicts: [Verdict]
        var received: Int
        var expected: Int
        var lost: Int32
        var duplicates = 0
        var outOfOrder = 0
        var extendedHighest: UInt32
        var testDescription: String { name }
    }

    @Test(arguments: [
        Scenario(name: "probation then in order", sequences: [10, 11, 12, 13],
                 verdicts: [.probation, .accepted, .accepted, .accepted], received: 3, expected: 3, lost: 0, extendedHighest: 13),
        Scenario(name: "probation restarts on a gap", sequences: [10, 12, 13, 14],
                 verdicts: [.probation, .probation, .accepted, .accepted], received: 2, expected: 2, lost: 0, extendedHighest: 14),
        Scenario(name: "gap counts as loss", sequences: [1, 2, 3, 7, 8],
                 verdicts: [.probation, .accepted, .accepted, .accepted, .accepted], received: 4, expected: 7, lost: 3, extendedHighest: 8),
        Scenario(name: "reordering", sequences: [1, 2, 3, 5, 4, 6],
                 verdicts: [.probation, .accepted, .accepted, .accepted, .duplicateOrLate, .accepted],
                 received: 5, expected: 5, lost: 0, outOfOrder: 1, extendedHighest: 6),
        // RFC 3550 §6.4.1: duplicates count as received, so the loss goes negative.
        Scenario(name: "duplicates", sequences: [1, 2, 3, 3, 2, 4],
                 verdicts: [.probation, .accepted, .accepted, .duplicateOrLate, .duplicateOrLate, .accepted],
                 received: 5, expected: 3, lost: -2, duplicates: 2, extendedHighest: 4),
        Scenario(name: "late then duplicate of it", sequences: [1, 2, 4, 5, 3, 3],
                 verdicts: [.probation, .accepted, .accepted, .accepted, .duplicateOrLate, .duplicateOrLate],
                 received: 5, expected: 4, lost: -1, duplicates: 1, outOfOrder: 1, extendedHighest: 5),
        Scenario(name: "sequence wrap adds a cycle", sequences: [65533, 65534, 65535, 0, 1],
                 verdicts: [.probation, .accepted, .accepted, .accepted, .accepted], received: 4, expected: 4, lost: 0,
                 extendedHighest: 0x0001_0001),
        Scenario(name: "late packet from before the wrap", sequences: [65533, 65534, 0, 1, 65535],
                 verdicts: [.probation, .accepted, .accepted, .accepted, .duplicateOrLate], received: 4, expected: 4, lost: 0,
                 outOfOrder: 1, extendedHighest: 0x0001_0001),
        // A.1: one packet far ahead is dropped, not counted as thousands lost.
        Scenario(name: "single huge jump is ignored", sequences: [1, 2, 3, 5000, 4],
                 verdicts: [.probation, .accepted, .accepted, .tooFarAhead, .accepted], received: 3, expected: 3, lost: 0, extendedHighest: 4),
        Scenario(name: "huge jump then resync", sequences: [1, 2, 3, 5000, 5001, 5002],
                 verdicts: [.probation, .accepted, .accepted, .tooFarAhead, .restarted, .accepted], received: 2, expected: 2, lost: 0,
                 extendedHighest: 5002),
        Scenario(name: "packet too far behind is dropped", sequences: [300, 301, 302, 150, 303],
                 verdicts: [.probation, .accepted, .accepted, .tooFarAhead, .accepted], received: 3, expected: 3, lost: 0, extendedHighest: 303),
        Scenario(name: "largest permissible gap", sequences: [1, 2, 3001],
                 verdicts: [.probation, .accepted, .accepted], received: 2, expected: 3000, lost: 2998, extendedHighest: 3001),
        Scenario(name: "smallest dropped jump", sequences: [1, 2, 3002],
                 verdicts: [.probation, .accepted, .tooFarAhead], received: 1, expected: 1, lost: 0, extendedHighest: 2),
    ])
    func sequenceValidation(_ scenario: Scenario) {
        var statistics = ReceptionStatistics(clockRate: 8000)
        #expect(feed(&statistics, scenario.sequences) == scenario.verdicts)
        #expect(statistics.packetsReceived == scenario.received)
        #expect(statistics.expectedPackets == scenario.expected)
        #expect(statistics.cumulativeLost == scenario.lost)
        #expect(statistics.duplicates == scenario.duplicates)
        #expect(statistics.outOfOrder == scenario.outOfOrder)
        #expect(statistics.extendedHighestSequence == scenario.extendedHighest)
    }

    @Test func fractionLostCoversTheIntervalSinceThePreviousBlock() {
        var statistics = ReceptionStatistics(clockRate: 8000)
        feed(&statistics, [0, 1])
        #expect(statistics.makeReportBlock(ssrc: 9, lastSR: 0, delaySinceLastSR: 0).fractionLost == 0)
        // 100 more expected (2…101), every tenth missing: 10% lost → 25/256 (A.3 rounds down).
        feed(&statistics, (2...101).filter { $0 % 10 != 5 })
        let block = statistics.makeReportBlock(ssrc: 9, lastSR: 0x1234_5678, delaySinceLastSR: 0x0002_8000)
        #expect(block == RTCPReportBlock(ssrc: 9, fractionLost: 25, cumulativeLost: 10, extendedHighestSequence: 101,
                                         jitter: 0, lastSR: 0x1234_5678, delaySinceLastSR: 0x0002_8000))
        // Nothing lost since: the fraction returns to 0, the cumulative count stays.
        feed(&statistics, 102...150)
        let next = statistics.makeReportBlock(ssrc: 9, lastSR: 0, delaySinceLastSR: 0)
        #expect(next.fractionLost == 0 && next.cumulativeLost == 10)
        // Duplicates outnumbering losses in an interval also give 0, never a negative fraction.
        feed(&statistics, [150, 150, 152])
        #expect(statistics.makeReportBlock(ssrc: 9, lastSR: 0, delaySinceLastSR: 0).fractionLost == 0)
    }

    @Test func cumulativeLostSaturatesAt24Bits() {
        var statistics = ReceptionStatistics(clockRate: 8000)
        // Jumps of 2999 stay within MAX_DROPOUT and lose 2998 packets each: 2800 of them lose
        // 8 394 400, past the 24-bit maximum of 8 388 607.
        feed(&statistics, [0, 1])
        var sequence: UInt16 = 1
        for _ in 0..<2800 {
            sequence &+= 2999
            #expect(feed(&statistics, [sequence]) == [.accepted])
        }
        #expect(statistics.expectedPackets - statistics.packetsReceived == 2800 * 2998)
        #expect(statistics.cumulativeLost == 0x7F_FFFF)
        #expect(statistics.makeReportBlock(ssrc: 1, lastSR: 0, delaySinceLastSR: 0).fractionLost == 255)
    }

    @Test(arguments: [
        (8000, 20_000_000 as UInt64, 160 as UInt32),  // G.711, 20 ms
        (90000, 33_333_333, 3000),  // video at 30 frames/s: the conversion rounds, by at most 1 unit
        (48000, 10_000_000, 480),
    ])
    func constantDelayGivesNoJitter(clockRate: Int, interval: UInt64, step: UInt32) {
        var statistics = ReceptionStatistics(clockRate: clockRate)
        for index in 0..<500 {
            let arrival = 5_000_000_000 + UInt64(index) * interval + 37_000_000
            _ = statistics.record(sequence: UInt16(index), timestamp: 0xFFFF_0000 &+ UInt32(index) &* step, arrival: arrival)
        }
        #expect(statistics.jitter <= 1)
        #expect(statistics.jitterMilliseconds < 1000 / Double(clockRate) * 1.5)
    }

    @Test func alternatingDelayFollowsTheRecursiveEstimate() {
        var statistics = ReceptionStatistics(clockRate: 8000)
        // Every other packet 10 ms late: the transit time changes by 80 units each packet.
        var expected = 0.0
        for index in 0..<60 {
            let arrival = UInt64(index) * 20_000_000 + (index % 2 == 1 ? 10_000_000 : 0)
            _ = statistics.record(sequence: UInt16(index), timestamp: UInt32(index) * 160, arrival: arrival)
            // RFC 3550 A.8: J(i) = J(i−1) + (|D(i−1, i)| − J(i−1)) / 16, from the second packet on.
            if index > 0 { expected += (80 - expected) / 16 }
            #expect(abs(statistics.jitterMilliseconds - expected / 8) < 1e-9)
        }
        #expect(statistics.jitter == UInt32(expected))
        #expect(statistics.jitter == 78)  // 80 × (1 − (15/16)^59), rounded down
    }

    @Test func restartResetsTheCountsButNotTheJitterEstimate() {
        var statistics = ReceptionStatistics(clockRate: 8000)
        for index in 0..<20 {
            _ = statistics.record(sequence: UInt16(index), timestamp: UInt32(index) * 160,
                                  arrival: UInt64(index) * 20_000_000 + (index % 2 == 1 ? 10_000_000 : 0))
        }
        let jitterBefore = statistics.jitter
        #expect(jitterBefore > 0)
        // The source restarts with new sequence numbers and a new timestamp origin.
        #expect(statistics.record(sequence: 40_000, timestamp: 7, arrival: 500_000_000) == .tooFarAhead)
        #expect(statistics.record(sequence: 40_001, timestamp: 167, arrival: 520_000_000) == .restarted)
        #expect(statistics.packetsReceived == 1 && statistics.expectedPackets == 1)
        // The first packet after the restart only primes the transit time: no spike.
        #expect(statistics.jitter == jitterBefore)
    }
}
