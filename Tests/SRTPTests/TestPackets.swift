import SRTP

/// A packet at the start of a buffer with room for libsrtp's trailer, as the media engine will hold one.
struct PacketBuffer {
    var storage: [UInt8]
    var length: Int

    init(_ bytes: [UInt8], spare: Int = SRTPContext.maximumTrailerLength) {
        storage = bytes + [UInt8](repeating: 0, count: spare)
        length = bytes.count
    }

    var bytes: [UInt8] { Array(storage[..<length]) }
}

extension SRTPContext {
    func protectRTP(_ packet: inout PacketBuffer) throws(SRTPError) { try run(&packet, protectRTP) }
    func unprotectRTP(_ packet: inout PacketBuffer) throws(SRTPError) { try run(&packet, unprotectRTP) }
    func protectRTCP(_ packet: inout PacketBuffer) throws(SRTPError) { try run(&packet, protectRTCP) }
    func unprotectRTCP(_ packet: inout PacketBuffer) throws(SRTPError) { try run(&packet, unprotectRTCP) }

    /// Protects a copy of `bytes` as RTP and returns the SRTP packet.
    func protectedRTP(_ bytes: [UInt8]) throws(SRTPError) -> [UInt8] {
        var packet = PacketBuffer(bytes)
        try protectRTP(&packet)
        return packet.bytes
    }

    /// Protects a copy of `bytes` as RTCP and returns the SRTCP packet.
    func protectedRTCP(_ bytes: [UInt8]) throws(SRTPError) -> [UInt8] {
        var packet = PacketBuffer(bytes)
        try protectRTCP(&packet)
        return packet.bytes
    }

    private func run(
        _ packet: inout PacketBuffer, _ operation: (UnsafeMutableRawBufferPointer, Int) throws(SRTPError) -> Int
    ) throws(SRTPError) {
        let length = packet.length
        let result = packet.storage.withUnsafeMutableBytes { buffer in
            Result { () throws(SRTPError) in try operation(buffer, length) }
        }
        packet.length = try result.get()
    }
}

/// An RTP packet (RFC 3550 §5.1): version 2, no CSRC or extension.
func rtpPacket(
    sequenceNumber: UInt16, timestamp: UInt32 = 0x0102_0304, ssrc: UInt32 = 0xCAFE_BABE, payloadType: UInt8 = 0x60,
    payload: [UInt8] = Array(0..<160)
) -> [UInt8] {
    [0x80, payloadType] + bigEndian(sequenceNumber) + bigEndian(timestamp) + bigEndian(ssrc) + payload
}

/// An RTCP receiver report with one report block (RFC 3550 §6.4.2).
func rtcpPacket(ssrc: UInt32 = 0xCAFE_BABE, reportee: UInt32 = 0x0BAD_CAFE) -> [UInt8] {
    let block = bigEndian(reportee) + [UInt8](repeating: 0x5A, count: 20)
    return [0x81, 201] + bigEndian(UInt16(7)) + bigEndian(ssrc) + block
}

/// Key material for tests: `count` bytes derived from `seed`, distinct per seed.
func testKey(_ count: Int, seed: UInt8) -> [UInt8] {
    (0..<count).map { UInt8(truncatingIfNeeded: Int(seed) &* 37 &+ $0 &* 11 &+ 1) }
}

/// Two contexts keyed as the two ends of one call: each one's outbound key is the other's inbound key.
func callPair(_ profile: SRTPProfile) throws -> (doorStation: SRTPContext, peer: SRTPContext) {
    let ours = testKey(profile.keyMaterialLength, seed: 1)
    let theirs = testKey(profile.keyMaterialLength, seed: 2)
    return (
        try SRTPContext(profile: profile, localKeyMaterial: ours, remoteKeyMaterial: theirs),
        try SRTPContext(profile: profile, localKeyMaterial: theirs, remoteKeyMaterial: ours)
    )
}

func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    (0..<T.bitWidth / 8).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
}

extension [UInt8] {
    /// Bytes from hex digits; spaces are ignored.
    init(hex: String) {
        let digits = hex.filter { !$0.isWhitespace }.map { $0.hexDigitValue! }
        self = stride(from: 0, to: digits.count, by: 2).map { UInt8(digits[$0] << 4 | digits[$0 + 1]) }
    }

    /// Ways a key could leak into text: its hex, the hex of its first four bytes, or those as a Swift array.
    var traces: [String] { [hex, self[..<4].hex, "\(Array(self[..<4]))"] }
}

extension Sequence<UInt8> {
    var hex: String { map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() }
}

/// A small deterministic generator for garbage packets (xorshift64*).
struct TestRandom: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 2_685_821_657_736_338_717
    }
}
