import RTP
import Testing

private func parse(_ bytes: [UInt8]) throws -> [RTCPPacket] {
    try bytes.withUnsafeBytes { try RTCPCompound.parse($0) }
}

@Suite struct RTCPParsingTests {
    @Test func senderReportWithTwoBlocks() throws {
        #expect(try parse(RTCPFixtures.senderReportWithTwoBlocks) == [RTCPFixtures.senderReportWithTwoBlocksPacket])
    }

    @Test func receiverReportSourceDescriptionAndGoodbye() throws {
        #expect(try parse(RTCPFixtures.receiverReportSourceDescriptionGoodbye)
            == RTCPFixtures.receiverReportSourceDescriptionGoodbyePackets)
    }

    /// RFC 5506 reduced-size RTCP: feedback (and a lone BYE) without a leading report.
    @Test(arguments: RTCPFixtures.feedback)
    func loneFeedbackIsRead(bytes: [UInt8], packet: RTCPPacket) throws {
        #expect(try parse(bytes) == [packet])
    }

    @Test func feedbackAfterAReport() throws {
        let receiverReport: [UInt8] = [0x80, 0xC9, 0x00, 0x01, 0x00, 0x00, 0x00, 0x09]
        let nack = RTCPFixtures.feedback[2]
        #expect(try parse(receiverReport + nack.bytes) == [.receiverReport(ssrc: 9, reports: []), nack.packet])
    }

    @Test func applicationPacketIsReportedAsOther() throws {
        let bytes: [UInt8] = [0x80, 0xC9, 0x00, 0x01, 0x00, 0x00, 0x00, 0x09,
                              0x85, 0xCC, 0x00, 0x03, 0x00, 0x00, 0x00, 0x09, 0x41, 0x42, 0x43, 0x44, 0x01, 0x02, 0x03, 0x04]
        #expect(try parse(bytes) == [.receiverReport(ssrc: 9, reports: []), .other(packetType: 204, count: 5)])
    }

    @Test func paddingOnTheLastPacketIsRemoved() throws {
        // A NACK with 4 bytes of padding, which would otherwise read as a second FCI entry.
        let bytes: [UInt8] = [0xA1, 0xCD, 0x00, 0x04, 0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x0B,
                              0x00, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04]
        #expect(try parse(bytes) == [.genericNACK(senderSSRC: 10, mediaSSRC: 11, lost: [7])])
    }

    @Test func senderReportExtensionIsSkipped() throws {
        // RFC 3550 §6.4.1: profile-specific extensions may follow the report blocks.
        let bytes: [UInt8] = [0x80, 0xC8, 0x00, 0x07, 0x00, 0x00, 0x00, 0x01]
            + [UInt8](repeating: 0, count: 20) + [0xDE, 0xAD, 0xBE, 0xEF]
        let info = RTCPSenderInfo(ntpTimestamp: 0, rtpTimestamp: 0, packetCount: 0, octetCount: 0)
        #expect(try parse(bytes) == [.senderReport(ssrc: 1, info: info, reports: [])])
    }

    @Test func sourceDescriptionWithSeveralItemsAndChunks() throws {
        let bytes: [UInt8] = [
            0x80, 0xC9, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,  // empty RR
            0x82, 0xCA, 0x00, 0x06,  // SDES, SC=2, 28 bytes
            0x00, 0x00, 0x00, 0x01,
            0x02, 0x01, 0x4E,  // NAME "N"
            0x01, 0x02, 0x61, 0x62,  // CNAME "ab"
            0x00,  // end: chunk is 4 + 3 + 4 + 1 = 12 bytes
            0x00, 0x00, 0x00, 0x02,
            0x06, 0x02, 0x78, 0x79,  // TOOL "xy", no CNAME
            0x00, 0x00, 0x00, 0x00,  // end and padding to 32 bits
        ]
        #expect(try parse(bytes) == [
            .receiverReport(ssrc: 1, reports: []),
            .sourceDescription([RTCPSourceDescription(ssrc: 1, cname: "ab"), RTCPSourceDescription(ssrc: 2, cname: nil)]),
        ])
    }

    private static let emptyRR: [UInt8] = [0x80, 0xC9, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01]

    @Test(arguments: [
        ([], RTCPParseError.empty),
        (emptyRR + [0x80, 0xCA], .truncatedHeader(offset: 8, available: 2)),
        ([0x40, 0xC9, 0x00, 0x01, 0, 0, 0, 1], .version(1, offset: 0)),
        (emptyRR + [0xC0, 0xCA, 0x00, 0x00], .version(3, offset: 8)),
        ([0x80, 0xC9, 0x00, 0x02, 0, 0, 0, 1], .lengthOverrun(offset: 0, declared: 12, available: 8)),
        ([0xA0, 0xC9, 0x00, 0x01, 0, 0, 0, 1] + emptyRR, .paddingNotLast(offset: 0)),
        ([0xA0, 0xC9, 0x00, 0x01, 0, 0, 0, 0], .padding(count: 0, offset: 0)),
        ([0xA0, 0xC9, 0x00, 0x01, 0, 0, 0, 5], .padding(count: 5, offset: 0)),
        ([0x81, 0xCA, 0x00, 0x01, 0, 0, 0, 1], .firstPacketType(202)),
        ([0x80, 0xCC, 0x00, 0x01, 0, 0, 0, 1], .firstPacketType(204)),
        // SR with one report block declared but only the sender info present.
        ([0x81, 0xC8, 0x00, 0x06] + [UInt8](repeating: 0, count: 24), .packetTooShort(packetType: 200, offset: 0, needed: 52, length: 28)),
        ([0x81, 0xC9, 0x00, 0x01, 0, 0, 0, 1], .packetTooShort(packetType: 201, offset: 0, needed: 32, length: 8)),
        // BYE with two sources declared, one present.
        ([0x82, 0xCB, 0x00, 0x01, 0, 0, 0, 1], .packetTooShort(packetType: 203, offset: 0, needed: 12, length: 8)),
        // BYE reason of 9 bytes in 3.
        ([0x81, 0xCB, 0x00, 0x02, 0, 0, 0, 1, 0x09, 0x61, 0x62, 0x63], .packetTooShort(packetType: 203, offset: 0, needed: 18, length: 12)),
        // NACK without its media SSRC.
        ([0x81, 0xCD, 0x00, 0x01, 0, 0, 0, 1], .packetTooShort(packetType: 205, offset: 0, needed: 12, length: 8)),
        (emptyRR + [0x81, 0xCE, 0x00, 0x01, 0, 0, 0, 1], .packetTooShort(packetType: 206, offset: 8, needed: 12, length: 8)),
        // SDES CNAME item of 9 bytes in a 12-byte chunk.
        (emptyRR + [0x81, 0xCA, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x09, 0x61, 0x62], .sourceDescriptionOverrun(offset: 16)),
        // SDES declaring two chunks, holding one.
        (emptyRR + [0x82, 0xCA, 0x00, 0x02, 0, 0, 0, 1, 0x00, 0x00, 0x00, 0x00], .sourceDescriptionOverrun(offset: 20)),
        // SDES item type with no length octet before the end.
        (emptyRR + [0x81, 0xCA, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x01, 0x61, 0x02], .sourceDescriptionOverrun(offset: 19)),
    ] as [([UInt8], RTCPParseError)])
    func malformedDatagramsAreRejectedWithTheirReason(bytes: [UInt8], expected: RTCPParseError) {
        #expect(throws: expected) { try parse(bytes) }
    }

    @Test(arguments: [
        (RTCPParseError.empty, "RTCP datagram is empty"),
        (.lengthOverrun(offset: 8, declared: 32, available: 12), "RTCP packet at byte 8 declares 32 bytes, only 12 remain"),
        (.firstPacketType(202), "RTCP datagram starts with packet type 202, expected SR or RR (or BYE or feedback, reduced-size)"),
        (.packetTooShort(packetType: 205, offset: 0, needed: 12, length: 8), "RTCP packet type 205 at byte 0 needs 12 bytes, has 8"),
    ])
    func errorsDescribeThemselves(error: RTCPParseError, description: String) {
        #expect(error.description == description)
    }
}
