import RTP

/// A small deterministic generator (SplitMix64), so that random tests repeat exactly.
struct H264TestRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// One RTP payload as the packetizer emitted it.
struct H264Packet: Hashable, CustomStringConvertible {
    var payload: [UInt8]
    var marker: Bool

    init(_ payload: [UInt8], marker: Bool = false) {
        self.payload = payload
        self.marker = marker
    }

    var description: String {
        "\(payload.count) bytes [\(payload.prefix(4).map { String($0, radix: 16) }.joined(separator: " "))…]"
            + (marker ? " M" : "")
    }
}

enum H264Fixtures {
    /// Small NAL units as x264 writes them before an IDR slice (header bytes 0x67, 0x68, 0x06).
    static let sps: [UInt8] = [0x67, 0x42, 0xC0, 0x1F, 0xDA, 0x01, 0x40, 0x16, 0xE8]
    static let pps: [UInt8] = [0x68, 0xCE, 0x3C, 0x80]
    static let sei: [UInt8] = [0x06, 0x05, 0x02, 0xAA, 0xBB, 0x80]

    /// A NAL unit of `count` bytes with header `header`, its body counting up (no start codes in it).
    static func nalUnit(_ header: UInt8, count: Int) -> [UInt8] {
        [header] + (1..<max(count, 1)).map { UInt8(truncatingIfNeeded: $0 % 251 + 1) }
    }

    /// An Annex B stream of `units`, with 4-byte start codes where `longStartCodes` says so.
    static func annexB(_ units: [[UInt8]], longStartCodes: [Bool]? = nil) -> [UInt8] {
        var stream: [UInt8] = []
        for (index, unit) in units.enumerated() {
            if longStartCodes?[index] ?? true { stream.append(0) }
            stream += [0, 0, 1] + unit
        }
        return stream
    }

    /// What the depacketizer gives back for `units`: each after `00 00 00 01`.
    static func normalized(_ units: [[UInt8]]) -> [UInt8] { annexB(units) }

    /// A NAL unit of `count` bytes with random content that a real encoder could write: emulation
    /// prevention applied (no `00 00 0x` with x ≤ 3 inside), not ending in a zero byte.
    static func randomNALUnit(type: UInt8, count: Int, using random: inout H264TestRandom) -> [UInt8] {
        var unit = [UInt8.random(in: 0...3, using: &random) << 5 | type]
        unit.reserveCapacity(count)
        var zeros = 0
        var word: UInt64 = 0
        while unit.count < count {
            if unit.count % 8 == 1 { word = random.next() }
            // Zeros are frequent in real slices: one byte in four here.
            var byte = UInt8(truncatingIfNeeded: word)
            word >>= 8
            if byte < 64 { byte = 0 }
            if zeros >= 2, byte <= 3 { byte = 3 }
            zeros = byte == 0 ? zeros + 1 : 0
            unit.append(byte)
        }
        if unit[unit.count - 1] == 0 { unit[unit.count - 1] = 0x80 }
        return unit
    }
}

extension H264Packetizer {
    /// Packetizes `stream`, returning the packets and the count of dropped NAL units.
    mutating func packets(_ stream: [UInt8]) -> (packets: [H264Packet], dropped: Int) {
        var packets: [H264Packet] = []
        let dropped = stream.withUnsafeBytes { bytes in
            packetize(annexB: bytes) { payload, marker in packets.append(H264Packet(Array(payload), marker: marker)) }
        }
        return (packets, dropped)
    }
}

extension H264Depacketizer {
    /// Pushes one payload, returning what it delivered.
    mutating func push(_ payload: [UInt8], sequenceNumber: UInt16, timestamp: UInt32, marker: Bool) -> [AccessUnit] {
        var delivered: [AccessUnit] = []
        payload.withUnsafeBytes { bytes in
            push(payload: bytes, sequenceNumber: sequenceNumber, timestamp: timestamp, marker: marker) {
                delivered.append($0)
            }
        }
        return delivered
    }
}
