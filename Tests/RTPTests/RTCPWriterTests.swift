import RTP
import Testing

@Suite struct RTCPWriterTests {
    /// Runs `body` on a writer over a 1500-byte buffer and returns what it wrote.
    private func written(_ body: (inout RTCPWriter) -> Void) -> [UInt8] {
        var buffer = [UInt8](repeating: 0xEE, count: 1500)
        let count = buffer.withUnsafeMutableBytes { raw in
            var writer = RTCPWriter(into: raw)
            body(&writer)
            return writer.count
        }
        return Array(buffer.prefix(count))
    }

    private func parse(_ bytes: [UInt8]) throws -> [RTCPPacket] {
        try bytes.withUnsafeBytes { try RTCPCompound.parse($0) }
    }

    /// Writes `packet` with the matching append; the inverse of parsing for what we send.
    private func append(_ packet: RTCPPacket, to writer: inout RTCPWriter) -> Int {
        switch packet {
        case .senderReport(let ssrc, let info, let reports):
            return writer.appendSenderReport(ssrc: ssrc, info: info, reports: reports)
        case .receiverReport(let ssrc, let reports):
            return writer.appendReceiverReport(ssrc: ssrc, reports: reports)
        case .sourceDescription(let chunks):
            return writer.appendSourceDescription(ssrc: chunks[0].ssrc, cname: Array(chunks[0].cname!.utf8))
        case .goodbye(let ssrcs, let reason):
            return writer.appendGoodbye(ssrc: ssrcs[0], reason: reason)
        case .pictureLossIndication(let sender, let media):
            return writer.appendPictureLossIndication(senderSSRC: sender, mediaSSRC: media)
        case .fullIntraRequest(let sender, let requests):
            return writer.appendFullIntraRequest(senderSSRC: sender, requests: requests)
        case .genericNACK(let sender, let media, let lost):
            return writer.appendGenericNACK(senderSSRC: sender, mediaSSRC: media, lost: lost)
        case .other:
            Issue.record("the writer does not write \(packet)")
            return 0
        }
    }

    @Test func senderReportIsWrittenByteForByte() {
        let bytes = written { #expect(append(RTCPFixtures.senderReportWithTwoBlocksPacket, to: &$0) == 76) }
        #expect(bytes == RTCPFixtures.senderReportWithTwoBlocks)
    }

    @Test func receiverReportSourceDescriptionAndGoodbyeAreWrittenByteForByte() {
        let bytes = written { writer in
            for packet in RTCPFixtures.receiverReportSourceDescriptionGoodbyePackets {
                _ = append(packet, to: &writer)
            }
        }
        #expect(bytes == RTCPFixtures.receiverReportSourceDescriptionGoodbye)
    }

    @Test(arguments: RTCPFixtures.feedback.filter { if case .other = $0.packet { false } else { true } })
    func feedbackIsWrittenByteForByte(bytes: [UInt8], packet: RTCPPacket) {
        #expect(written { _ = append(packet, to: &$0) } == bytes)
    }

    /// What parses serializes back, after an empty RR so that any packet may follow.
    @Test(arguments: [
        RTCPPacket.receiverReport(ssrc: 0xFFFF_FFFF, reports: (0..<31).map {
            RTCPReportBlock(ssrc: UInt32($0), fractionLost: UInt8($0 * 8), cumulativeLost: Int32($0) - 15,
                            extendedHighestSequence: UInt32($0) << 16, jitter: 7, lastSR: 8, delaySinceLastSR: 9)
        }),
        .senderReport(ssrc: 5, info: RTCPSenderInfo(ntpTimestamp: .max, rtpTimestamp: .max, packetCount: 1, octetCount: 2), reports: []),
        .sourceDescription([RTCPSourceDescription(ssrc: 3, cname: "")]),
        .sourceDescription([RTCPSourceDescription(ssrc: 3, cname: "abc")]),
        .sourceDescription([RTCPSourceDescription(ssrc: 3, cname: "türklingel@[2001:db8::1]")]),
        .sourceDescription([RTCPSourceDescription(ssrc: 3, cname: String(repeating: "x", count: 255))]),
        .goodbye(ssrcs: [3], reason: nil),
        .goodbye(ssrcs: [3], reason: ""),
        .goodbye(ssrcs: [3], reason: "call ended"),
        .goodbye(ssrcs: [3], reason: String(repeating: "y", count: 255)),
        .pictureLossIndication(senderSSRC: 1, mediaSSRC: 2),
        .fullIntraRequest(senderSSRC: 1, requests: [RTCPFullIntraRequest(ssrc: 2, sequenceNumber: 0)]),
        .genericNACK(senderSSRC: 1, mediaSSRC: 2, lost: [0]),
        .genericNACK(senderSSRC: 1, mediaSSRC: 2, lost: Array(100...116) + [200, 65535, 0, 15]),
    ])
    func writtenPacketsParseBack(packet: RTCPPacket) throws {
        let bytes = written { writer in
            writer.appendReceiverReport(ssrc: 1, reports: [RTCPReportBlock]())
            let length = append(packet, to: &writer)
            #expect(length % 4 == 0 && length == writer.count - 8)
        }
        #expect(try parse(bytes) == [.receiverReport(ssrc: 1, reports: []), packet])
    }

    @Test(arguments: [
        // Ascending runs share entries; a repeat is ignored; 17 ahead starts a new entry.
        ([100, 101, 116] as [UInt16], [0x00, 0x64, 0x80, 0x01] as [UInt8]),
        ([7, 7, 8], [0x00, 0x07, 0x00, 0x01]),
        ([1, 18], [0x00, 0x01, 0x00, 0x00, 0x00, 0x12, 0x00, 0x00]),
        ([65535, 0, 1], [0xFF, 0xFF, 0x00, 0x03]),
        ([5, 3], [0x00, 0x05, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00]),
    ])
    func nackEntriesPackTheBitmask(lost: [UInt16], fci: [UInt8]) {
        let bytes = written { $0.appendGenericNACK(senderSSRC: 1, mediaSSRC: 2, lost: lost) }
        #expect(Array(bytes.dropFirst(12)) == fci)
        #expect(Int(bytes[3]) == (12 + fci.count) / 4 - 1)
    }

    @Test(arguments: [
        (Int32(10_000_000), Int32(0x7F_FFFF)),
        (-10_000_000, -0x80_0000),
        (-1, -1),
        (0x7F_FFFF, 0x7F_FFFF),
    ])
    func cumulativeLostIsClampedTo24Bits(written lost: Int32, read: Int32) throws {
        let block = RTCPReportBlock(ssrc: 1, fractionLost: 0xFF, cumulativeLost: lost, extendedHighestSequence: 0,
                                    jitter: 0, lastSR: 0, delaySinceLastSR: 0)
        let packets = try parse(written { $0.appendReceiverReport(ssrc: 9, reports: CollectionOfOne(block)) })
        var expected = block
        expected.cumulativeLost = read
        #expect(packets == [.receiverReport(ssrc: 9, reports: [expected])])
    }

    @Test(arguments: [
        (RTCPSenderInfo(ntpTimestamp: 1, rtpTimestamp: 2, packetCount: 3, octetCount: 4) as RTCPSenderInfo?, false, nil as String?),
        (nil, false, nil),
        (nil, true, nil),
        (RTCPSenderInfo(ntpTimestamp: 1, rtpTimestamp: 2, packetCount: 3, octetCount: 4), true, "hung up"),
    ])
    func compoundReport(senderInfo: RTCPSenderInfo?, goodbye: Bool, reason: String?) throws {
        let block = RTCPReportBlock(ssrc: 77, fractionLost: 1, cumulativeLost: 2, extendedHighestSequence: 3,
                                    jitter: 4, lastSR: 5, delaySinceLastSR: 6)
        let cname = Array("doorstation@192.0.2.7".utf8)
        var buffer = [UInt8](repeating: 0, count: 1500)
        let count = buffer.withUnsafeMutableBytes {
            RTCPWriter.writeReport(into: $0, ssrc: 42, senderInfo: senderInfo, reports: [block], cname: cname,
                                   goodbye: goodbye, goodbyeReason: reason)
        }
        var expected: [RTCPPacket] = [
            senderInfo.map { .senderReport(ssrc: 42, info: $0, reports: [block]) } ?? .receiverReport(ssrc: 42, reports: [block]),
            .sourceDescription([RTCPSourceDescription(ssrc: 42, cname: "doorstation@192.0.2.7")]),
        ]
        if goodbye { expected.append(.goodbye(ssrcs: [42], reason: reason)) }
        #expect(try parse(Array(buffer.prefix(count))) == expected)
    }

    @Test func largestCompoundReportHasTheDocumentedLength() throws {
        let blocks = [RTCPReportBlock](repeating: RTCPReportBlock(ssrc: 1, fractionLost: 0, cumulativeLost: 0, extendedHighestSequence: 0,
                                                                  jitter: 0, lastSR: 0, delaySinceLastSR: 0), count: 31)
        let info = RTCPSenderInfo(ntpTimestamp: 0, rtpTimestamp: 0, packetCount: 0, octetCount: 0)
        var buffer = [UInt8](repeating: 0, count: RTCPWriter.maximumCompoundReportLength)
        let count = buffer.withUnsafeMutableBytes {
            RTCPWriter.writeReport(into: $0, ssrc: 1, senderInfo: info, reports: blocks, cname: [UInt8](repeating: 0x61, count: 255),
                                   goodbye: true, goodbyeReason: String(repeating: "z", count: 255))
        }
        #expect(count == RTCPWriter.maximumCompoundReportLength)
        #expect(try parse(buffer).count == 3)
    }

    @Test func sourceDescriptionIsPaddedWithNullOctets() {
        // 4 header + 4 SSRC + 2 item header + 2 text + 1 null = 13, padded to 16.
        let bytes = written { $0.appendSourceDescription(ssrc: 1, cname: [0x61, 0x62]) }
        #expect(bytes == [0x81, 0xCA, 0x00, 0x03, 0, 0, 0, 1, 0x01, 0x02, 0x61, 0x62, 0, 0, 0, 0])
    }
}
