import RTP
import Testing

@Suite struct RoundTripTests {
    private func block(lastSR: UInt32, delaySinceLastSR: UInt32) -> RTCPReportBlock {
        RTCPReportBlock(ssrc: 1, fractionLost: 0, cumulativeLost: 0, extendedHighestSequence: 0, jitter: 0,
                        lastSR: lastSR, delaySinceLastSR: delaySinceLastSR)
    }

    @Test(arguments: [
        // RFC 3550 §6.4.1, figure 2: A 46864.500 s, LSR 46853.125 s, DLSR 5.250 s → 6.125 s.
        (0xB710_8000 as UInt32, 0xB705_2000 as UInt32, 0x0005_4000 as UInt32, 6.125 as Double?),
        // Nothing from the sender yet (LSR 0), though A − LSR − DLSR would be 1 s.
        (0x0001_0000, 0, 0, nil),
        // The peer claims to have held the SR longer than it has been gone: clock step or bogus.
        (0x0001_0000, 0x0000_8000, 0x0001_0000, nil),
        // The middle 32 bits wrapped between the SR and the report: 2 s out, 0.5 s held.
        (0x0001_0000, 0xFFFF_0000, 0x0000_8000, 1.5),
        // Instant reply.
        (0x1234_5678, 0x1234_5678, 0, 0),
        // 20 ms, in the 1/65536 s units of the wire (1310.72 units, so 1311 rounds it).
        (0x0002_0000 + 1311, 0x0002_0000, 0, 1311.0 / 65536),
    ])
    func roundTripFromReportBlock(arrival: UInt32, lastSR: UInt32, delaySinceLastSR: UInt32, seconds: Double?) {
        #expect(RoundTrip.seconds(report: block(lastSR: lastSR, delaySinceLastSR: delaySinceLastSR), arrivalMiddle32: arrival) == seconds)
    }

    @Test(arguments: [
        (1_000_000_000 as UInt64, 6_250_000_000 as UInt64, 0x0005_4000 as UInt32),  // 5.25 s
        (7, 7, 0),
        (10, 5, 0),  // now before the SR: no negative delay
        (0, 15_258, 0),  // under one unit (15 258.8 ns)
        (0, 15_259, 1),
        (0, 65_535_999_999_999, 0xFFFF_FFFF),  // just under 65536 s
        (0, 65_536_000_000_000, .max),
        (0, .max, .max),
    ])
    func delaySinceLastSR(receivedAt: UInt64, now: UInt64, expected: UInt32) {
        #expect(RoundTrip.delaySinceLastSR(receivedAt: receivedAt, now: now) == expected)
    }

    /// The DLSR we report and the RTT the peer computes from it agree.
    @Test func delayAndRoundTripAgree() {
        let sentAt = NTPTimestamp(unixNanoseconds: 1_700_000_000_000_000_000)
        // The SR takes 40 ms to reach us, we hold it 1.2 s, the report takes 60 ms back.
        let dlsr = RoundTrip.delaySinceLastSR(receivedAt: 3_000_000_000, now: 4_200_000_000)
        let arrival = NTPTimestamp(unixNanoseconds: 1_700_000_000_000_000_000 + 1_300_000_000)
        let rtt = RoundTrip.seconds(report: block(lastSR: sentAt.middle32, delaySinceLastSR: dlsr), arrivalMiddle32: arrival.middle32)
        #expect(abs(rtt! - 0.100) < 2.0 / 65536)
    }
}
