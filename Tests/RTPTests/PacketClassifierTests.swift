import RTP
import Testing

@Suite struct PacketClassifierTests {
    @Test(arguments: [
        ([] as [UInt8], PacketKind.unknown),
        ([0x00, 0x01, 0x00, 0x00], .stun),  // Binding request
        ([0x01, 0x01], .stun),  // Binding success response
        ([0x03], .stun),
        ([0x04], .unknown),
        ([0x10], .unknown),  // ZRTP
        ([0x14, 0xFE, 0xFD], .dtls),  // 20: ChangeCipherSpec
        ([0x16, 0xFE, 0xFD], .dtls),  // 22: Handshake
        ([0x3F], .dtls),
        ([0x40], .unknown),  // TURN ChannelData
        ([0x7F], .unknown),
        ([0x80], .unknown),  // too short to tell RTP from RTCP
        ([0x80, 0x00], .rtp),  // PCMU
        ([0x80, 0x08], .rtp),  // PCMA
        ([0x80, 0x60], .rtp),  // dynamic 96
        ([0x80, 0xE0], .rtp),  // dynamic 96 with the marker bit: second byte 224
        ([0x80, 0xBF], .rtp),  // 63 with the marker bit
        ([0x80, 0xC8], .rtcp),  // SR
        ([0x81, 0xC9], .rtcp),  // RR with one block
        ([0x80, 0xC0], .rtcp),  // 192, lowest of RFC 5761's range
        ([0x80, 0xDF], .rtcp),  // 223, highest
        ([0x80, 0x40], .rtcp),  // RTP payload type 64 without marker: why RFC 5761 §4 forbids 64–95
        ([0x80, 0x5F], .rtcp),
        ([0xBF, 0x7F], .rtp),  // 191, top of the RTP/RTCP range
        ([0xC0, 0xC8], .unknown),  // version 3
        ([0xFF, 0xFF], .unknown),
    ])
    func classifiesByTheFirstBytes(bytes: [UInt8], kind: PacketKind) {
        #expect(bytes.withUnsafeBytes { PacketClassifier.classify($0) } == kind)
    }
}
