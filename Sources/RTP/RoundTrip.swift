/// Round-trip time from reception reports (RFC 3550 §6.4.1), in 1/65536 s units on both sides.
///
/// The sender of an SR notes the middle 32 bits of its NTP timestamp; the receiver answers in a
/// report block with that value (LSR) and the delay between receiving the SR and sending the
/// block (DLSR). When the block comes back at time A, the round trip is A − LSR − DLSR. Neither
/// side's clocks need to agree: LSR and A come from the sender's clock, DLSR is a duration.
public enum RoundTrip {
    /// The round-trip time, in seconds, measured by `report` arriving when our NTP clock's middle
    /// 32 bits read `arrivalMiddle32`. `nil` when the peer has not received an SR from us yet
    /// (LSR is 0) or when the result is negative, which clock steps or a bogus report produce.
    ///
    /// The subtraction is done modulo 2^32, so it stays right when the middle 32 bits wrap (every
    /// 18.2 hours); results of more than 2^31 units (9.1 hours) count as negative.
    public static func seconds(report: RTCPReportBlock, arrivalMiddle32: UInt32) -> Double? {
        guard report.lastSR != 0 else { return nil }
        let units = Int32(bitPattern: arrivalMiddle32 &- report.lastSR &- report.delaySinceLastSR)
        guard units >= 0 else { return nil }
        return Double(units) / 65536
    }

    /// The DLSR to put in a report block (RFC 3550 §6.4.1): the time from receiving the peer's
    /// last SR to `now`, both in nanoseconds on one monotonic clock, in units of 1/65536 s.
    /// 0 when `now` precedes the SR; saturates at `UInt32.max` (18.2 hours).
    public static func delaySinceLastSR(receivedAt: UInt64, now: UInt64) -> UInt32 {
        guard now > receivedAt else { return 0 }
        let elapsed = now - receivedAt
        let seconds = elapsed / 1_000_000_000
        guard seconds < 65536 else { return .max }
        return UInt32((seconds << 16) + ((elapsed % 1_000_000_000) << 16) / 1_000_000_000)
    }
}
