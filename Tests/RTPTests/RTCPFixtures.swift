import RTP

/// Hand-built RTCP datagrams with their known contents, shared by the parsing, writer and
/// robustness tests. Byte layouts follow RFC 3550 §6.4–6.6, RFC 4585 §6 and RFC 5104 §4.3.1.
enum RTCPFixtures {
    /// An SR (RC 2, length 18 words → 76 bytes) with two report blocks, the second with a
    /// negative cumulative loss (0xFFFFFE = −2, duplicates).
    static let senderReportWithTwoBlocks: [UInt8] = [
        0x82, 0xC8, 0x00, 0x12,  // V=2 RC=2, PT=200, length 18
        0x11, 0x22, 0x33, 0x44,  // SSRC of sender
        0xE8, 0xA1, 0xB2, 0xC3, 0x80, 0x00, 0x00, 0x00,  // NTP timestamp
        0x00, 0x00, 0x1F, 0x40,  // RTP timestamp 8000
        0x00, 0x00, 0x00, 0x64,  // packet count 100
        0x00, 0x00, 0x3E, 0x80,  // octet count 16000
        // block 1
        0xAA, 0xBB, 0xCC, 0xDD,
        0x19, 0x00, 0x00, 0x05,  // fraction 25/256, cumulative 5
        0x00, 0x01, 0x00, 0x10,  // one cycle, highest 16
        0x00, 0x00, 0x00, 0x20,  // jitter 32
        0xB2, 0xC3, 0x80, 0x00,  // LSR
        0x00, 0x01, 0x00, 0x00,  // DLSR: 1 s
        // block 2
        0x01, 0x02, 0x03, 0x04,
        0x00, 0xFF, 0xFF, 0xFE,  // fraction 0, cumulative −2
        0x00, 0x00, 0x00, 0x64,
        0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00,
    ]

    static let senderReportWithTwoBlocksPacket = RTCPPacket.senderReport(
        ssrc: 0x1122_3344,
        info: RTCPSenderInfo(ntpTimestamp: 0xE8A1_B2C3_8000_0000, rtpTimestamp: 8000, packetCount: 100, octetCount: 16000),
        reports: [
            RTCPReportBlock(ssrc: 0xAABB_CCDD, fractionLost: 25, cumulativeLost: 5, extendedHighestSequence: 0x0001_0010,
                            jitter: 32, lastSR: 0xB2C3_8000, delaySinceLastSR: 0x0001_0000),
            RTCPReportBlock(ssrc: 0x0102_0304, fractionLost: 0, cumulativeLost: -2, extendedHighestSequence: 100,
                            jitter: 0, lastSR: 0, delaySinceLastSR: 0),
        ]
    )

    /// RR with one block, SDES with CNAME "door@10.0.0.2", BYE with reason "bye": what a
    /// receive-only peer sends when hanging up.
    static let receiverReportSourceDescriptionGoodbye: [UInt8] = [
        0x81, 0xC9, 0x00, 0x07,  // RR, RC=1, length 7 → 32 bytes
        0x00, 0x00, 0x00, 0x01,
        0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x81, 0xCA, 0x00, 0x05,  // SDES, SC=1, length 5 → 24 bytes
        0x00, 0x00, 0x00, 0x01,
        0x01, 0x0D,  // CNAME, 13 bytes
        0x64, 0x6F, 0x6F, 0x72, 0x40, 0x31, 0x30, 0x2E, 0x30, 0x2E, 0x30, 0x2E, 0x32,
        0x00,  // end of items (4 + 2 + 13 + 1 = 20 bytes of chunk)
        0x81, 0xCB, 0x00, 0x02,  // BYE, SC=1, length 2 → 12 bytes
        0x00, 0x00, 0x00, 0x01,
        0x03, 0x62, 0x79, 0x65,  // reason "bye"
    ]

    static let receiverReportSourceDescriptionGoodbyePackets: [RTCPPacket] = [
        .receiverReport(ssrc: 1, reports: [
            RTCPReportBlock(ssrc: 2, fractionLost: 0, cumulativeLost: 0, extendedHighestSequence: 0xFFFF,
                            jitter: 0, lastSR: 0, delaySinceLastSR: 0),
        ]),
        .sourceDescription([RTCPSourceDescription(ssrc: 1, cname: "door@10.0.0.2")]),
        .goodbye(ssrcs: [1], reason: "bye"),
    ]

    /// Lone feedback messages (reduced-size RTCP, RFC 5506) with what they mean.
    static let feedback: [(bytes: [UInt8], packet: RTCPPacket)] = [
        // PLI (RFC 4585 §6.3.1): PSFB FMT 1, no FCI.
        ([0x81, 0xCE, 0x00, 0x02, 0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x0B],
         .pictureLossIndication(senderSSRC: 10, mediaSSRC: 11)),
        // FIR (RFC 5104 §4.3.1): PSFB FMT 4, media SSRC 0, two FCI entries.
        ([0x84, 0xCE, 0x00, 0x06, 0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x00,
          0x00, 0x00, 0x00, 0x0B, 0x07, 0x00, 0x00, 0x00,
          0x00, 0x00, 0x00, 0x0C, 0xFF, 0x00, 0x00, 0x00],
         .fullIntraRequest(senderSSRC: 10, requests: [RTCPFullIntraRequest(ssrc: 11, sequenceNumber: 7),
                                                      RTCPFullIntraRequest(ssrc: 12, sequenceNumber: 255)])),
        // Generic NACK (RFC 4585 §6.2.1): PID 1000, BLP 0x8001 → 1000, 1001, 1016.
        ([0x81, 0xCD, 0x00, 0x03, 0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x0B, 0x03, 0xE8, 0x80, 0x01],
         .genericNACK(senderSSRC: 10, mediaSSRC: 11, lost: [1000, 1001, 1016])),
        // Two NACK entries, the second wrapping past 65535.
        ([0x81, 0xCD, 0x00, 0x04, 0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x0B,
          0x00, 0x05, 0x00, 0x00, 0xFF, 0xFE, 0x00, 0x03],
         .genericNACK(senderSSRC: 10, mediaSSRC: 11, lost: [5, 65534, 65535, 0])),
        // REMB (PSFB FMT 15) is not read.
        ([0x8F, 0xCE, 0x00, 0x02, 0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x00], .other(packetType: 206, count: 15)),
        // Transport-wide congestion control (RTPFB FMT 15) is not read.
        ([0x8F, 0xCD, 0x00, 0x02, 0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x0B], .other(packetType: 205, count: 15)),
        // A lone BYE without reason.
        ([0x81, 0xCB, 0x00, 0x01, 0x12, 0x34, 0x56, 0x78], .goodbye(ssrcs: [0x1234_5678], reason: nil)),
    ]

    /// Every valid datagram above, for the robustness tests.
    static var allValidDatagrams: [[UInt8]] {
        [senderReportWithTwoBlocks, receiverReportSourceDescriptionGoodbye] + feedback.map(\.bytes)
    }
}
