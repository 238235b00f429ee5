import RTP
import Testing

/// A named Annex B stream and the NAL units in it.
struct AnnexBCase: Sendable, CustomTestStringConvertible {
    var name: String
    var stream: [UInt8]
    var units: [[UInt8]]
    var testDescription: String { name }
}

@Suite struct AnnexBTests {
    static let cases: [AnnexBCase] = [
        AnnexBCase(name: "3- and 4-byte start codes mixed",
                   stream: [0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3, 0, 0, 0, 1, 0x65, 4, 5, 0, 0, 1, 0x41, 6],
                   units: [[0x67, 1, 2], [0x68, 3], [0x65, 4, 5], [0x41, 6]]),
        AnnexBCase(name: "trailing zeros after units and at the end",
                   stream: [0, 0, 1, 0x67, 1, 0, 0, 0, 0, 0, 1, 0x68, 0x80, 0, 0, 0],
                   units: [[0x67, 1], [0x68, 0x80]]),
        AnnexBCase(name: "garbage before the first start code",
                   stream: [0xFF, 0x00, 0x12, 0x00, 0x01, 0, 0, 1, 0x09, 0xF0],
                   units: [[0x09, 0xF0]]),
        AnnexBCase(name: "empty stream", stream: [], units: []),
        AnnexBCase(name: "only start codes", stream: [0, 0, 1, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0], units: []),
        AnnexBCase(name: "no start code", stream: [0x65, 0x88, 0, 0, 3, 1], units: []),
        AnnexBCase(name: "one-byte units", stream: [0, 0, 1, 0x09, 0, 0, 1, 0x0C, 0, 0, 0, 1, 0x06],
                   units: [[0x09], [0x0C], [0x06]]),
        AnnexBCase(name: "emulation prevented zeros inside a unit",
                   stream: [0, 0, 0, 1, 0x65, 0, 0, 3, 0, 0, 3, 1, 0, 0x80, 0, 0, 1, 0x41],
                   units: [[0x65, 0, 0, 3, 0, 0, 3, 1, 0, 0x80], [0x41]]),
        AnnexBCase(name: "start code as the last three bytes", stream: [0, 0, 1, 0x67, 0, 0, 1], units: [[0x67]]),
        AnnexBCase(name: "shorter than a start code", stream: [0, 1], units: []),
        AnnexBCase(name: "start code alone", stream: [0, 0, 1], units: []),
        AnnexBCase(name: "unit of 1 after a start code", stream: [0, 0, 1, 1], units: [[1]]),
    ]

    static func split(_ stream: [UInt8]) -> [[UInt8]] {
        var units: [[UInt8]] = []
        stream.withUnsafeBytes { bytes in AnnexB.forEachNALUnit(in: bytes) { units.append(Array($0)) } }
        return units
    }

    /// The definition, the slow way: every `00 00 01` ends a unit; zeros before it are trimmed.
    static func referenceSplit(_ stream: [UInt8]) -> [[UInt8]] {
        var startCodes: [Int] = []
        var index = 0
        while index + 2 < stream.count {
            if stream[index] == 0, stream[index + 1] == 0, stream[index + 2] == 1 {
                startCodes.append(index)
                index += 3
            } else {
                index += 1
            }
        }
        var units: [[UInt8]] = []
        for (number, startCode) in startCodes.enumerated() {
            let begin = startCode + 3
            var end = number + 1 < startCodes.count ? startCodes[number + 1] : stream.count
            while end > begin, stream[end - 1] == 0 { end -= 1 }
            if end > begin { units.append(Array(stream[begin..<end])) }
        }
        return units
    }

    @Test(arguments: cases)
    func splitsOnStartCodes(_ example: AnnexBCase) {
        #expect(Self.split(example.stream) == example.units)
        #expect(Self.referenceSplit(example.stream) == example.units, "the reference agrees")
    }

    /// Every prefix of every case, and random streams of the bytes that matter, split as the
    /// definition says; the buffers are exactly as long as the stream, so reading past the end
    /// would trap (bounds are checked in debug builds).
    @Test func everyPrefixAndRandomStreamsSplitAsDefined() {
        for example in Self.cases {
            for length in 0...example.stream.count {
                let prefix = Array(example.stream.prefix(length))
                #expect(Self.split(prefix) == Self.referenceSplit(prefix), "\(example.name), \(length) bytes")
            }
        }
        var random = H264TestRandom(state: 6184)
        let alphabet: [UInt8] = [0, 0, 0, 1, 1, 2, 3, 0x65]
        for _ in 0..<3000 {
            let stream = (0..<Int.random(in: 0...40, using: &random)).map { _ in alphabet.randomElement(using: &random)! }
            #expect(Self.split(stream) == Self.referenceSplit(stream), "\(stream)")
        }
    }

    @Test func unitsAreSlicesOfTheStream() {
        let stream: [UInt8] = [0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3]
        stream.withUnsafeBytes { bytes in
            var offsets: [Int] = []
            AnnexB.forEachNALUnit(in: bytes) { offsets.append($0.baseAddress! - bytes.baseAddress!) }
            #expect(offsets == [4, 10])
        }
    }
}

/// One access unit through the packetizer, with the packets it must give.
struct H264PacketizerCase: Sendable, CustomTestStringConvertible {
    var name: String
    var mode = 1
    var maxPayloadSize = 1200
    var units: [[UInt8]]
    var expected: [H264Packet]
    var dropped = 0
    var testDescription: String { name }
}

@Suite struct H264PacketizerTests {
    typealias F = H264Fixtures
    static let idr = F.nalUnit(0x65, count: 300)
    static let slice = F.nalUnit(0x41, count: 40)
    static let bigIDR = F.nalUnit(0x65, count: 2000)
    static let sei60 = F.nalUnit(0x06, count: 60)
    static let sps30 = F.nalUnit(0x67, count: 30)
    static let pps30 = F.nalUnit(0x68, count: 30)

    /// The size-prefixed layout of a STAP-A after its header byte (RFC 6184 §5.7.1).
    static func stapA(_ header: UInt8, _ units: [[UInt8]]) -> [UInt8] {
        [header] + units.flatMap { [UInt8($0.count >> 8), UInt8($0.count & 0xFF)] + $0 }
    }

    static let cases: [H264PacketizerCase] = [
        H264PacketizerCase(name: "mode 1: SPS, PPS, SEI in a STAP-A, then the IDR slice alone with the marker",
                       units: [F.sps, F.pps, F.sei, idr],
                       expected: [H264Packet(stapA(0x78, [F.sps, F.pps, F.sei])), H264Packet(idr, marker: true)]),
        H264PacketizerCase(name: "mode 1: a lone parameter set goes as a single NAL unit packet",
                       units: [F.pps, slice], expected: [H264Packet(F.pps), H264Packet(slice, marker: true)]),
        H264PacketizerCase(name: "mode 1: slices are never aggregated", units: [slice, slice, F.sei],
                       expected: [H264Packet(slice), H264Packet(slice), H264Packet(F.sei, marker: true)]),
        H264PacketizerCase(name: "mode 1: a STAP-A as the last packet carries the marker", units: [F.sps, F.pps],
                       expected: [H264Packet(stapA(0x78, [F.sps, F.pps]), marker: true)]),
        H264PacketizerCase(name: "mode 1: a STAP-A takes what fits, the rest starts the next one", maxPayloadSize: 100,
                       units: [sei60, sps30, pps30, F.sei, slice],
                       // 1 + 62 + 32 = 95 bytes; the PPS would make 127; PPS and SEI make 41.
                       expected: [H264Packet(stapA(0x78, [sei60, sps30])), H264Packet(stapA(0x78, [pps30, F.sei])),
                                  H264Packet(slice, marker: true)]),
        H264PacketizerCase(name: "mode 1: a STAP-A of exactly maxPayloadSize", maxPayloadSize: 100,
                       units: [sei60, F.nalUnit(0x67, count: 35), slice],
                       expected: [H264Packet(stapA(0x78, [sei60, F.nalUnit(0x67, count: 35)])), H264Packet(slice, marker: true)]),
        H264PacketizerCase(name: "mode 1: a STAP-A one byte too long is not made", maxPayloadSize: 100,
                       units: [sei60, F.nalUnit(0x67, count: 36), slice],
                       expected: [H264Packet(sei60), H264Packet(F.nalUnit(0x67, count: 36)), H264Packet(slice, marker: true)]),
        H264PacketizerCase(name: "mode 1: a unit that fits only alone is not aggregated", maxPayloadSize: 100,
                       units: [F.nalUnit(0x06, count: 98), F.pps, F.nalUnit(0x06, count: 100)],
                       expected: [H264Packet(F.nalUnit(0x06, count: 98)), H264Packet(F.pps),
                                  H264Packet(F.nalUnit(0x06, count: 100), marker: true)]),
        H264PacketizerCase(name: "mode 0: each unit alone", mode: 0, units: [F.sps, F.pps, F.sei, idr],
                       expected: [H264Packet(F.sps), H264Packet(F.pps), H264Packet(F.sei), H264Packet(idr, marker: true)]),
        H264PacketizerCase(name: "mode 0: an oversize last unit is dropped, the marker moves back", mode: 0, maxPayloadSize: 1000,
                       units: [F.sps, F.pps, bigIDR],
                       expected: [H264Packet(F.sps), H264Packet(F.pps, marker: true)], dropped: 1),
        H264PacketizerCase(name: "mode 0: an oversize unit in the middle is dropped", mode: 0, maxPayloadSize: 1000,
                       units: [F.sps, bigIDR, slice],
                       expected: [H264Packet(F.sps), H264Packet(slice, marker: true)], dropped: 1),
        H264PacketizerCase(name: "mode 0: nothing fits", mode: 0, maxPayloadSize: 1000, units: [bigIDR, bigIDR],
                       expected: [], dropped: 2),
        H264PacketizerCase(name: "mode 0: a unit of exactly maxPayloadSize is sent", mode: 0, maxPayloadSize: 300,
                       units: [idr], expected: [H264Packet(idr, marker: true)]),
        H264PacketizerCase(name: "empty access unit", units: [], expected: []),
    ]

    @Test(arguments: cases)
    func packetsAreExact(_ example: H264PacketizerCase) {
        var packetizer = H264Packetizer(packetizationMode: example.mode, maxPayloadSize: example.maxPayloadSize)
        let longStartCodes = example.units.indices.map { $0 % 2 == 0 }
        let result = packetizer.packets(F.annexB(example.units, longStartCodes: longStartCodes) + [0, 0])
        #expect(result.packets == example.expected)
        #expect(result.dropped == example.dropped)
    }

    /// RFC 6184 §5.7.1: the STAP-A's F bit is the OR of its units' F bits, its NRI their maximum.
    @Test(arguments: [
        ([0x06, 0x09], 0x18), ([0x26, 0x48], 0x58), ([0x06, 0x67, 0x28], 0x78),
        ([0x86, 0x09], 0x98), ([0x09, 0xA8], 0xB8), ([0x46, 0x26, 0x06], 0x58),
    ] as [([UInt8], UInt8)])
    func stapAHeaderCombinesFAndNRI(headers: [UInt8], expected: UInt8) {
        var packetizer = H264Packetizer(packetizationMode: 1, maxPayloadSize: 1200)
        let units = headers.map { F.nalUnit($0, count: 4) }
        let packets = packetizer.packets(F.annexB(units)).packets
        #expect(packets == [H264Packet(Self.stapA(expected, units), marker: true)])
    }

    /// RFC 6184 §5.8: FU indicator with the unit's F and NRI and type 28; FU header with S on the
    /// first, E on the last and the unit's type; the unit's header byte is not repeated.
    @Test(arguments: [
        (1201, 1200, 0x65, [600, 600]),
        (2397, 1200, 0x65, [1198, 1198]),
        (5000, 1200, 0x45, [1000, 1000, 1000, 1000, 999]),
        (101, 100, 0x41, [50, 50]),
        (3000, 1000, 0xE5, [750, 750, 750, 749]),
        (60_000, 1400, 0x25, Array(repeating: 1396, count: 14) + Array(repeating: 1395, count: 29)),
    ] as [(Int, Int, UInt8, [Int])])
    func largeUnitsAreFragmented(count: Int, maxPayloadSize: Int, header: UInt8, fragmentSizes: [Int]) {
        var packetizer = H264Packetizer(packetizationMode: 1, maxPayloadSize: maxPayloadSize)
        let unit = F.nalUnit(header, count: count)
        let packets = packetizer.packets(F.annexB([unit])).packets
        #expect(packets.map { $0.payload.count - 2 } == fragmentSizes)
        #expect(packets.allSatisfy { $0.payload.count <= maxPayloadSize })
        #expect(packets.allSatisfy { $0.payload[0] == header & 0xE0 | 28 })
        let fuHeaders = packets.map { $0.payload[1] }
        let type = header & 0x1F
        #expect(fuHeaders == [0x80 | type] + Array(repeating: type, count: packets.count - 2) + [0x40 | type])
        #expect(packets.map(\.marker) == Array(repeating: false, count: packets.count - 1) + [true])
        #expect([header] + packets.flatMap { $0.payload.dropFirst(2) } == unit)
    }

    @Test func fragmentBytesAreExact() {
        var packetizer = H264Packetizer(packetizationMode: 1, maxPayloadSize: 100)
        let unit = F.nalUnit(0x65, count: 150)
        let packets = packetizer.packets(F.annexB([unit])).packets
        #expect(packets == [H264Packet([0x7C, 0x85] + unit[1...75]), H264Packet([0x7C, 0x45] + unit[76...], marker: true)])
    }

    @Test func markerIsOnlyOnTheLastPacketOfAMixedAccessUnit() {
        var packetizer = H264Packetizer(packetizationMode: 1, maxPayloadSize: 1200)
        let idr = F.nalUnit(0x65, count: 3000)
        let packets = packetizer.packets(F.annexB([[0x09, 0xF0], F.sps, F.pps, F.sei, idr, Self.slice])).packets
        #expect(packets.map { $0.payload[0] & 0x1F } == [24, 28, 28, 28, 1])
        #expect(packets.map { $0.payload.count } == [1 + (2 + 2) + (2 + 9) + (2 + 4) + (2 + 6), 1002, 1002, 1001, 40])
        #expect(packets.map(\.marker) == [false, false, false, false, true])
    }

    @Test func theSameAccessUnitGivesTheSamePacketsAgainAndFromACopy() {
        var packetizer = H264Packetizer(packetizationMode: 1, maxPayloadSize: 500)
        let stream = F.annexB([F.sps, F.pps, F.nalUnit(0x65, count: 1800), Self.slice])
        let first = packetizer.packets(stream)
        var copy = packetizer
        #expect(copy.packets(stream) == first)
        #expect(packetizer.packets(stream) == first)
        #expect(first.packets.count == 6)
    }

    struct Stop: Error {}

    @Test func anErrorFromEmitEndsTheCallAndLeavesThePacketizerUsable() {
        var packetizer = H264Packetizer(packetizationMode: 1, maxPayloadSize: 500)
        let stream = F.annexB([F.sps, F.pps, F.nalUnit(0x65, count: 1800)])
        var emitted = 0
        #expect(throws: Stop.self) {
            try stream.withUnsafeBytes { bytes in
                try packetizer.packetize(annexB: bytes) { _, _ in
                    emitted += 1
                    if emitted == 2 { throw Stop() }
                }
            }
        }
        #expect(emitted == 2)
        var fresh = H264Packetizer(packetizationMode: 1, maxPayloadSize: 500)
        #expect(packetizer.packets(stream) == fresh.packets(stream))
    }
}
