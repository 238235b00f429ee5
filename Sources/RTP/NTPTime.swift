/// A 64-bit NTP timestamp (RFC 3550 §4): seconds since 1 January 1900 in the upper 32 bits, the
/// fraction of a second in the lower 32. Sender reports carry one; the middle 32 bits identify an
/// SR in the report blocks that answer it (LSR, RFC 3550 §6.4.1).
///
/// This target reads no clock: the caller converts its wall-clock reading.
public struct NTPTimestamp: Sendable, Hashable, Comparable {
    public var value: UInt64

    /// Seconds from the NTP epoch (1900) to the Unix epoch (1970): 70 years, 17 of them leap.
    public static let unixEpochOffset: UInt64 = 2_208_988_800

    public init(value: UInt64) {
        self.value = value
    }

    /// The timestamp of a wall-clock time given in nanoseconds since the Unix epoch. The seconds
    /// wrap in 2036 (NTP era 1), as on the wire.
    public init(unixNanoseconds: UInt64) {
        let seconds = unixNanoseconds / 1_000_000_000 + Self.unixEpochOffset
        // Below 2^30 nanoseconds, so shifting by 32 cannot overflow 64 bits.
        let fraction = ((unixNanoseconds % 1_000_000_000) << 32) / 1_000_000_000
        value = (seconds << 32) | fraction
    }

    /// Whole seconds since 1900 (modulo 2^32).
    public var seconds: UInt32 { UInt32(truncatingIfNeeded: value >> 32) }

    /// The fraction of a second in units of 2^-32 s.
    public var fraction: UInt32 { UInt32(truncatingIfNeeded: value) }

    /// The middle 32 bits, in units of 1/65536 s: what the LSR field of a report block and the
    /// round-trip computation of RFC 3550 §6.4.1 use.
    public var middle32: UInt32 { UInt32(truncatingIfNeeded: value >> 16) }

    public static func < (lhs: NTPTimestamp, rhs: NTPTimestamp) -> Bool { lhs.value < rhs.value }
}
