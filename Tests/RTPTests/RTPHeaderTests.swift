import RTP
import Testing

@Suite struct RTPHeaderTests {
    @Test func writtenHeaderParsesBack() throws {
        let header = RTPHeader(marker: true, payloadType: 101, sequenceNumber: 0xFFFE, timestamp: 0xDEAD_BEEF, ssrc: 0x0102_0304)
        var bytes = [UInt8](repeating: 0xAA, count: 12 + 160)
        bytes.withUnsafeMutableBytes { _ = header.write(to: $0) }
        #expect(Array(bytes[0..<4]) == [0x80, 0xE5, 0xFF, 0xFE])
        let view = try bytes.withUnsafeBytes { try RTPPacketView(parsing: $0) }
        #expect(view.header == header)
        #expect(view.payload == 12..<172)
    }

    @Test(arguments: [
        ([UInt8](repeating: 0x80, count: 11), RTPParseError.truncated(11)),
        ([0x40] + [UInt8](repeating: 0, count: 11), .version(1)),
        // One CSRC declared, none present.
        ([0x81] + [UInt8](repeating: 0, count: 11), .truncated(12)),
        // Extension of 0x10 words in a 16-byte packet.
        ([0x90] + [UInt8](repeating: 0, count: 11) + [0xBE, 0xDE, 0x00, 0x10], .extensionOverrun(declared: 64)),
        // Padding count larger than the payload.
        ([0xA0] + [UInt8](repeating: 0, count: 11) + [0x00, 0x09], .padding(9)),
        ([0xA0] + [UInt8](repeating: 0, count: 11) + [0x00, 0x00], .padding(0)),
    ])
    func malformedPacketsAreRejectedWithTheirReason(bytes: [UInt8], expected: RTPParseError) {
        #expect(throws: expected) { try bytes.withUnsafeBytes { try RTPPacketView(parsing: $0) } }
    }

    @Test func csrcExtensionAndPaddingAreSkipped() throws {
        var bytes: [UInt8] = [0xB1, 0x00, 0x00, 0x01, 0, 0, 0, 2, 0, 0, 0, 3]
        bytes += [0, 0, 0, 4]  // CSRC
        bytes += [0xBE, 0xDE, 0x00, 0x01, 1, 2, 3, 4]  // one-word extension
        bytes += [0x11, 0x22, 0x33]  // payload
        bytes += [0, 0, 3]  // padding
        let view = try bytes.withUnsafeBytes { try RTPPacketView(parsing: $0) }
        #expect(view.payload == 24..<27)
        #expect(view.header.sequenceNumber == 1 && view.header.timestamp == 2 && view.header.ssrc == 3)
    }
}
