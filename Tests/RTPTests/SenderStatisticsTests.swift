import RTP
import Testing

@Suite struct SenderStatisticsTests {
    @Test func countsPacketsAndPayloadOctets() {
        var statistics = SenderStatistics()
        for _ in 0..<3 { statistics.sent(payloadBytes: 160) }
        statistics.sent(payloadBytes: 0)
        #expect(statistics.packets == 4)
        #expect(statistics.octets == 480)
        let ntp = NTPTimestamp(value: 0x0102_0304_0506_0708)
        #expect(statistics.senderInfo(ntpTimestamp: ntp, rtpTimestamp: 99)
            == RTCPSenderInfo(ntpTimestamp: 0x0102_0304_0506_0708, rtpTimestamp: 99, packetCount: 4, octetCount: 480))
    }

    /// RFC 3550 §6.4.1: the counts wrap around rather than saturate.
    @Test func octetCountWraps() {
        var statistics = SenderStatistics()
        statistics.sent(payloadBytes: Int(UInt32.max))
        statistics.sent(payloadBytes: 2)
        #expect(statistics.octets == 1)
        #expect(statistics.packets == 2)
    }
}
