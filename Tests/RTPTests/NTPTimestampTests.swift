import RTP
import Testing

@Suite struct NTPTimestampTests {
    @Test(arguments: [
        // The Unix epoch is 2 208 988 800 s after the NTP epoch (RFC 868, RFC 5905 §6).
        (0 as UInt64, 2_208_988_800 as UInt32, 0 as UInt32),
        (1_500_000_000, 2_208_988_801, 0x8000_0000),
        (1_700_000_000_250_000_000, 3_908_988_800, 0x4000_0000),
        (999_999_999, 2_208_988_800, 0xFFFF_FFFB),  // 2^32 × 0.999999999, rounded down
        // Past 7 February 2036 the seconds wrap into NTP era 1.
        (2_085_978_496_000_000_000, 0, 0),
    ])
    func fromUnixNanoseconds(nanoseconds: UInt64, seconds: UInt32, fraction: UInt32) {
        let timestamp = NTPTimestamp(unixNanoseconds: nanoseconds)
        #expect(timestamp.seconds == seconds)
        #expect(timestamp.fraction == fraction)
        #expect(timestamp.value == UInt64(seconds) << 32 | UInt64(fraction))
    }

    @Test func middle32IsTheLowSecondsAndHighFraction() {
        let timestamp = NTPTimestamp(value: 0xAABB_CCDD_EEFF_0011)
        #expect(timestamp.middle32 == 0xCCDD_EEFF)
        #expect(NTPTimestamp(value: 0xAABB_CCDD_EEFF_0011) < NTPTimestamp(value: 0xAABB_CCDD_EEFF_0012))
    }
}
