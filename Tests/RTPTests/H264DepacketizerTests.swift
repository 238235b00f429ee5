import RTP
import Testing

/// A payload the depacketizer must refuse, after `before` (valid packets of the same unit).
struct H264MalformedCase: Sendable, CustomTestStringConvertible {
    var name: String
    var before: [[UInt8]] = []
    var payload: [UInt8]
    var testDescription: String { name }
}

/// A sequence-number step between two single-packet access units and what it means.
struct H264SequenceStepCase: Sendable, CustomTestStringConvertible {
    var step: UInt16
    var lost: Int
    var secondDelivered: Bool
    var testDescription: String { "step \(step)" }
}

/// Packets lost from the scripted stream of `H264DepacketizerTests.scriptedStream`.
struct H264LossCase: Sendable, CustomTestStringConvertible {
    var lost: Set<Int>
    var delivered: [UInt32]
    var dropped: Int
    var needsKeyFrameAtEnd: Bool
    var testDescription: String { "packets \(lost.sorted()) lost" }
}

@Suite struct H264DepacketizerTests {
    typealias F = H264Fixtures
    typealias AccessUnit = H264Depacketizer.AccessUnit
    typealias Statistics = H264Depacketizer.Statistics

    /// One RTP packet for the depacketizer.
    struct Sent {
        var payload: [UInt8]
        var timestamp: UInt32
        var marker: Bool
    }

    /// Pushes `packets` with consecutive sequence numbers from `first`, returning the deliveries.
    static func push(_ packets: [Sent], into depacketizer: inout H264Depacketizer, from first: UInt16 = 0,
                     skipping lost: Set<Int> = []) -> [AccessUnit] {
        var delivered: [AccessUnit] = []
        for (index, packet) in packets.enumerated() where !lost.contains(index) {
            delivered += depacketizer.push(packet.payload, sequenceNumber: first &+ UInt16(index),
                                           timestamp: packet.timestamp, marker: packet.marker)
        }
        return delivered
    }

    static func packetize(_ units: [[UInt8]], timestamp: UInt32, maxPayloadSize: Int = 1200) -> [Sent] {
        var packetizer = H264Packetizer(packetizationMode: 1, maxPayloadSize: maxPayloadSize)
        return packetizer.packets(F.annexB(units)).packets.map { Sent(payload: $0.payload, timestamp: timestamp, marker: $0.marker) }
    }

    static let idr = F.nalUnit(0x65, count: 5000)
    static let pSlice = F.nalUnit(0x41, count: 500)

    /// A P frame (packet 0), an IDR frame (packets 1–6: STAP-A and 5 FU-A), a P frame (7), an IDR
    /// frame (8–13), at timestamps 0, 3000, 6000, 9000.
    static let scriptedStream: [Sent] =
        packetize([pSlice], timestamp: 0) + packetize([F.sps, F.pps, idr], timestamp: 3000)
            + packetize([pSlice], timestamp: 6000) + packetize([F.sps, F.pps, idr], timestamp: 9000)

    @Test func handcraftedPacketsAreReassembled() {
        var depacketizer = H264Depacketizer()
        let packets = [
            Sent(payload: [0x78, 0, 4, 0x67, 1, 2, 3, 0, 2, 0x68, 4], timestamp: 90, marker: false),
            Sent(payload: [0x7C, 0x85, 10, 11], timestamp: 90, marker: false),
            Sent(payload: [0x7C, 0x25, 12], timestamp: 90, marker: false),  // R bit set: ignored
            Sent(payload: [0x7C, 0x05], timestamp: 90, marker: false),  // an empty piece
            Sent(payload: [0x5C, 0x45, 13], timestamp: 90, marker: false),  // NRI from the first fragment
            Sent(payload: [0x06, 0xAA, 0x80], timestamp: 90, marker: true),
        ]
        let delivered = Self.push(packets, into: &depacketizer, from: 500)
        let expected: [UInt8] = [0, 0, 0, 1, 0x67, 1, 2, 3, 0, 0, 0, 1, 0x68, 4, 0, 0, 0, 1, 0x65, 10, 11, 12, 13,
                                 0, 0, 0, 1, 0x06, 0xAA, 0x80]
        #expect(delivered == [AccessUnit(annexB: expected, timestamp: 90, isKeyFrame: true, hasParameterSets: true)])
        #expect(depacketizer.statistics == Statistics(accessUnits: 1, keyFrames: 1))
        #expect(!depacketizer.needsKeyFrame)
    }

    @Test(arguments: [0, 1], [100, 576, 1200, 1400])
    func randomAccessUnitsSurviveTheRoundTrip(mode: Int, maxPayloadSize: Int) {
        var random = H264TestRandom(state: UInt64(mode * 10_000 + maxPayloadSize))
        var packetizer = H264Packetizer(packetizationMode: mode, maxPayloadSize: maxPayloadSize)
        var depacketizer = H264Depacketizer()
        var sequenceNumber: UInt16 = 65_535 - 40  // wraps during the run
        var expected: [AccessUnit] = []
        var delivered: [AccessUnit] = []
        for index in 0..<30 {
            let timestamp = 1_000_000 &+ UInt32(index) &* 3000
            let slices = (0..<Int.random(in: 1...3, using: &random)).map { _ in
                let scale = Int.random(in: 0...15, using: &random)
                return min(60_000, (1 << scale) + Int.random(in: 0..<(1 << scale), using: &random))
            }
            var types: [UInt8] = Bool.random(using: &random) ? [9] : []
            if index % 10 == 0 {
                types += [7, 8, 6] + slices.map { _ in 5 }
            } else {
                types += slices.map { _ in 1 }
            }
            let sliceSizes = Array(repeating: 0, count: types.count - slices.count) + slices
            let units = zip(types, sliceSizes).map { type, sliceSize in
                F.randomNALUnit(type: type, count: sliceSize > 0 ? sliceSize : Int.random(in: 1...40, using: &random),
                                using: &random)
            }
            let startCodes = units.map { _ in Bool.random(using: &random) }
            let stream = F.annexB(units, longStartCodes: startCodes) + (Bool.random(using: &random) ? [0, 0] : [])

            let sent = mode == 0 ? units.filter { $0.count <= maxPayloadSize } : units
            if !sent.isEmpty {
                let types = Set(sent.map { $0[0] & 0x1F })
                expected.append(AccessUnit(annexB: F.normalized(sent), timestamp: timestamp, isKeyFrame: types.contains(5),
                                           hasParameterSets: types.contains(7) && types.contains(8)))
            }
            let (packets, dropped) = packetizer.packets(stream)
            #expect(dropped == units.count - sent.count)
            #expect(packets.allSatisfy { $0.payload.count <= maxPayloadSize })
            #expect(packets.map(\.marker) == packets.indices.map { $0 == packets.count - 1 })
            for packet in packets {
                delivered += depacketizer.push(packet.payload, sequenceNumber: sequenceNumber, timestamp: timestamp,
                                               marker: packet.marker)
                sequenceNumber &+= 1
            }
        }
        #expect(delivered.count == expected.count)
        for (got, wanted) in zip(delivered, expected) where got != wanted {
            Issue.record("access unit at \(wanted.timestamp): \(got.annexB.count) bytes, expected \(wanted.annexB.count)")
        }
        #expect(depacketizer.statistics == Statistics(accessUnits: expected.count,
                                                      keyFrames: expected.filter(\.isKeyFrame).count))
        #expect(!depacketizer.needsKeyFrame)
        #expect(expected.count >= 15, "most access units have something to send")
    }

    @Test(arguments: [
        H264LossCase(lost: [1], delivered: [0, 6000, 9000], dropped: 1, needsKeyFrameAtEnd: false),  // the STAP-A
        H264LossCase(lost: [3], delivered: [0, 6000, 9000], dropped: 1, needsKeyFrameAtEnd: false),  // an FU-A middle
        H264LossCase(lost: [3, 4], delivered: [0, 6000, 9000], dropped: 1, needsKeyFrameAtEnd: false),
        // The marker packet: the unit after the gap goes too (its beginning might have been lost).
        H264LossCase(lost: [6], delivered: [0, 9000], dropped: 2, needsKeyFrameAtEnd: false),
        // A whole P frame: the next unit, the IDR, goes; the key frame is still needed.
        H264LossCase(lost: [7], delivered: [0, 3000], dropped: 1, needsKeyFrameAtEnd: true),
        H264LossCase(lost: [13], delivered: [0, 3000, 6000], dropped: 0, needsKeyFrameAtEnd: false),  // undetectable
    ])
    func lossDropsTheAccessUnit(_ example: H264LossCase) {
        #expect(Self.scriptedStream.count == 14)
        var depacketizer = H264Depacketizer()
        let delivered = Self.push(Self.scriptedStream, into: &depacketizer, skipping: example.lost)
        #expect(delivered.map(\.timestamp) == example.delivered)
        let lost = example.lost.contains(13) ? 0 : example.lost.count
        #expect(depacketizer.statistics == Statistics(accessUnits: example.delivered.count,
                                                      keyFrames: example.delivered.filter { $0 % 6000 == 3000 }.count,
                                                      droppedAccessUnits: example.dropped, lostPackets: lost))
        #expect(depacketizer.needsKeyFrame == example.needsKeyFrameAtEnd)
    }

    @Test func needsKeyFrameLastsUntilAnIDR() {
        var depacketizer = H264Depacketizer()
        let stream = Self.scriptedStream
        var delivered = Self.push(Array(stream[0...2]), into: &depacketizer)
        #expect(!depacketizer.needsKeyFrame)
        delivered += Self.push(Array(stream[4...6]), into: &depacketizer, from: 4)  // packet 3 lost
        #expect(depacketizer.needsKeyFrame)
        delivered += Self.push([stream[7]], into: &depacketizer, from: 7)
        #expect(delivered.map(\.timestamp) == [0, 6000] && depacketizer.needsKeyFrame, "a P frame does not clear it")
        delivered += Self.push(Array(stream[8...]), into: &depacketizer, from: 8)
        #expect(delivered.map(\.timestamp) == [0, 6000, 9000] && !depacketizer.needsKeyFrame)
        #expect(delivered.last?.isKeyFrame == true && delivered.last?.hasParameterSets == true)
    }

    /// Reordering is the caller's job: a packet out of order is a gap (loss), and when it comes
    /// it is too late and ignored.
    @Test func aPacketOutOfOrderIsLossAndThenIgnored() {
        var depacketizer = H264Depacketizer()
        let stream = Self.scriptedStream
        var delivered: [AccessUnit] = []
        for index in [0, 1, 2, 4, 3, 5, 6, 7] {
            delivered += depacketizer.push(stream[index].payload, sequenceNumber: UInt16(index),
                                           timestamp: stream[index].timestamp, marker: stream[index].marker)
        }
        #expect(delivered.map(\.timestamp) == [0, 6000])
        #expect(depacketizer.statistics == Statistics(accessUnits: 2, droppedAccessUnits: 1, lostPackets: 1))
        #expect(depacketizer.needsKeyFrame)
    }

    /// Two single-packet units `step` sequence numbers apart.
    @Test(arguments: [
        H264SequenceStepCase(step: 1, lost: 0, secondDelivered: true),
        H264SequenceStepCase(step: 2, lost: 1, secondDelivered: false),
        H264SequenceStepCase(step: 2999, lost: 2998, secondDelivered: false),
        H264SequenceStepCase(step: 3000, lost: 2999, secondDelivered: false),
        H264SequenceStepCase(step: 3001, lost: 0, secondDelivered: false),  // 3000 ahead: a restart
        H264SequenceStepCase(step: 0, lost: 0, secondDelivered: false),  // a duplicate: ignored
        H264SequenceStepCase(step: 65_437, lost: 0, secondDelivered: false),  // 100 behind: late, ignored
        H264SequenceStepCase(step: 65_436, lost: 0, secondDelivered: false),  // 101 behind: a restart
    ])
    func sequenceNumberSteps(_ example: H264SequenceStepCase) {
        for first in [UInt16(7), 65_535] {
            var depacketizer = H264Depacketizer()
            var delivered = depacketizer.push(Self.pSlice, sequenceNumber: first, timestamp: 0, marker: true)
            delivered += depacketizer.push(Self.pSlice, sequenceNumber: first &+ example.step, timestamp: 3000, marker: true)
            #expect(delivered.map(\.timestamp) == (example.secondDelivered ? [0, 3000] : [0]))
            let isIgnored = example.step == 0 || example.step == 65_437
            let isDiscontinuity = !example.secondDelivered && !isIgnored
            #expect(depacketizer.statistics == Statistics(accessUnits: delivered.count,
                                                          droppedAccessUnits: isDiscontinuity ? 1 : 0,
                                                          lostPackets: example.lost))
            #expect(depacketizer.needsKeyFrame == isDiscontinuity)
            // After a late packet the stream goes on where it was.
            delivered = depacketizer.push(Self.pSlice, sequenceNumber: first &+ (isIgnored ? 1 : example.step &+ 1),
                                          timestamp: 6000, marker: true)
            #expect(delivered.map(\.timestamp) == [6000])
        }
    }

    @Test func theSequenceNumberWrapsWithinAnAccessUnit() {
        var depacketizer = H264Depacketizer()
        let packets = Self.packetize([F.sps, F.pps, Self.idr], timestamp: 42)
        let delivered = Self.push(packets, into: &depacketizer, from: 65_533)
        #expect(delivered == [AccessUnit(annexB: F.normalized([F.sps, F.pps, Self.idr]), timestamp: 42,
                                         isKeyFrame: true, hasParameterSets: true)])
        #expect(depacketizer.statistics == Statistics(accessUnits: 1, keyFrames: 1))
    }

    @Test func aTimestampChangeWithoutMarkerDeliversTheOpenUnit() {
        var depacketizer = H264Depacketizer()
        let stap: [UInt8] = [0x78] + [0, UInt8(F.sps.count)] + F.sps + [0, UInt8(F.pps.count)] + F.pps
        #expect(depacketizer.push(stap, sequenceNumber: 9, timestamp: 100, marker: false).isEmpty)
        #expect(depacketizer.push([0x65, 1, 2], sequenceNumber: 10, timestamp: 100, marker: false).isEmpty)
        let first = depacketizer.push([0x41, 3], sequenceNumber: 11, timestamp: 200, marker: false)
        #expect(first == [AccessUnit(annexB: F.normalized([F.sps, F.pps, [0x65, 1, 2]]), timestamp: 100,
                                     isKeyFrame: true, hasParameterSets: true)])
        let both = depacketizer.push([0x41, 4], sequenceNumber: 12, timestamp: 300, marker: true)
        #expect(both == [AccessUnit(annexB: F.normalized([[0x41, 3]]), timestamp: 200, isKeyFrame: false, hasParameterSets: false),
                         AccessUnit(annexB: F.normalized([[0x41, 4]]), timestamp: 300, isKeyFrame: false, hasParameterSets: false)])
        #expect(depacketizer.statistics == Statistics(accessUnits: 3, keyFrames: 1))
    }

    /// An FU-A still open when its unit ends (timestamp change or marker) lost its end.
    @Test(arguments: [false, true])
    func anUnfinishedFragmentDropsTheUnit(endsByMarker: Bool) {
        var depacketizer = H264Depacketizer()
        var delivered = depacketizer.push([0x7C, 0x85, 1, 2], sequenceNumber: 1, timestamp: 100, marker: endsByMarker)
        delivered += depacketizer.push([0x41, 3], sequenceNumber: 2, timestamp: 200, marker: true)
        #expect(delivered.map(\.timestamp) == [200])
        #expect(depacketizer.statistics == Statistics(accessUnits: 1, droppedAccessUnits: 1))
        #expect(depacketizer.needsKeyFrame)
    }

    static let malformedCases: [H264MalformedCase] = [
        H264MalformedCase(name: "empty payload", payload: []),
        H264MalformedCase(name: "forbidden bit, single NAL unit", payload: [0xC1, 1]),
        H264MalformedCase(name: "forbidden bit, STAP-A", payload: [0xF8, 0, 2, 0x67, 1]),
        H264MalformedCase(name: "forbidden bit, FU-A", payload: [0xFC, 0x85, 1]),
        H264MalformedCase(name: "type 0", payload: [0x00, 1]),
        H264MalformedCase(name: "type 25 STAP-B", payload: [0x19, 0, 1, 0, 2, 0x67, 1]),
        H264MalformedCase(name: "type 26 MTAP16", payload: [0x1A, 0, 1, 0, 2, 0, 0, 0, 0x67, 1]),
        H264MalformedCase(name: "type 27 MTAP24", payload: [0x1B, 0, 1, 0, 2, 0, 0, 0, 0, 0x67, 1]),
        H264MalformedCase(name: "type 29 FU-B", payload: [0x1D, 0x85, 0, 1, 1]),
        H264MalformedCase(name: "type 30", payload: [0x1E, 1]),
        H264MalformedCase(name: "type 31", payload: [0x1F, 1]),
        H264MalformedCase(name: "STAP-A without units", payload: [0x78]),
        H264MalformedCase(name: "STAP-A size overruns", payload: [0x78, 0, 2, 0x67, 1, 0, 5, 0x68, 1]),
        H264MalformedCase(name: "STAP-A size field cut", payload: [0x78, 0, 2, 0x67, 1, 0]),
        H264MalformedCase(name: "STAP-A size zero", payload: [0x78, 0, 0, 0, 2, 0x67, 1]),
        H264MalformedCase(name: "STAP-A size zero at the end", payload: [0x78, 0, 2, 0x67, 1, 0, 0]),
        // Were the empty unit skipped, the rest would parse: a unit of 256 bytes with header 0x01.
        H264MalformedCase(name: "STAP-A size zero, then bytes that parse",
                          payload: [0x78, 0, 0, 1, 0] + H264Fixtures.nalUnit(0x41, count: 256)),
        H264MalformedCase(name: "STAP-A unit with forbidden bit", payload: [0x78, 0, 2, 0x67, 1, 0, 2, 0xE8, 1]),
        H264MalformedCase(name: "STAP-A unit of type 0", payload: [0x78, 0, 2, 0x60, 1]),
        H264MalformedCase(name: "STAP-A nested in STAP-A", payload: [0x78, 0, 5, 0x78, 0, 2, 0x67, 1]),
        H264MalformedCase(name: "FU-A of one byte", payload: [0x7C]),
        H264MalformedCase(name: "FU-A with S and E", payload: [0x7C, 0xC5, 1, 2]),
        H264MalformedCase(name: "FU-A continuation without start", payload: [0x7C, 0x05, 1, 2]),
        H264MalformedCase(name: "FU-A end without start", payload: [0x7C, 0x45, 1, 2]),
        H264MalformedCase(name: "FU-A of a STAP-A", payload: [0x7C, 0x98, 1]),
        H264MalformedCase(name: "FU-A of type 0", payload: [0x7C, 0x80, 1]),
        H264MalformedCase(name: "FU-A continuation of another type", before: [[0x7C, 0x85, 1, 2]], payload: [0x7C, 0x01, 3]),
        H264MalformedCase(name: "FU-A start inside an FU-A", before: [[0x7C, 0x85, 1, 2]], payload: [0x7C, 0x85, 3]),
        H264MalformedCase(name: "single NAL unit inside an FU-A", before: [[0x7C, 0x85, 1, 2]], payload: [0x41, 3]),
        H264MalformedCase(name: "STAP-A inside an FU-A", before: [[0x7C, 0x85, 1, 2]], payload: [0x78, 0, 2, 0x67, 1]),
        H264MalformedCase(name: "after a valid STAP-A", before: [[0x78, 0, 2, 0x67, 1, 0, 2, 0x68, 1]], payload: [0x1F]),
    ]

    /// Counted, the unit dropped (its remaining packets ignored), a key frame asked for; the next
    /// unit with an IDR clears that.
    @Test(arguments: malformedCases)
    func malformedPayloadsAreCountedAndDropTheUnit(_ example: H264MalformedCase) {
        var depacketizer = H264Depacketizer()
        var packets = example.before.map { Sent(payload: $0, timestamp: 3000, marker: false) }
        packets.append(Sent(payload: example.payload, timestamp: 3000, marker: false))
        #expect(Self.push(packets, into: &depacketizer, from: 100).isEmpty)
        #expect(depacketizer.statistics == Statistics(droppedAccessUnits: 1, malformedPackets: 1), "at the packet")
        #expect(depacketizer.needsKeyFrame)
        // The unit's last packet, valid, is ignored with the rest of the unit.
        let last = depacketizer.push([0x41, 9, 9], sequenceNumber: 100 &+ UInt16(packets.count), timestamp: 3000, marker: true)
        #expect(last.isEmpty)
        #expect(depacketizer.statistics == Statistics(droppedAccessUnits: 1, malformedPackets: 1))

        let next = depacketizer.push([0x65, 7], sequenceNumber: 101 &+ UInt16(packets.count), timestamp: 6000, marker: true)
        #expect(next.map(\.annexB) == [[0, 0, 0, 1, 0x65, 7]])
        #expect(!depacketizer.needsKeyFrame)
    }

    /// `maxAccessUnitSize` counts the normalized Annex B bytes: 4-byte start codes included.
    @Test(arguments: [(60, 32, true), (60, 33, false), (90, 2, true), (91, 2, false), (60, 36, false), (60, 37, false)])
    func accessUnitsAboveTheLimitAreMalformed(first: Int, second: Int, fits: Bool) {
        for fragmented in [false, true] {
            var depacketizer = H264Depacketizer(maxAccessUnitSize: 100)
            let firstUnit = F.nalUnit(0x65, count: first)
            let packets: [[UInt8]] = fragmented
                ? [[0x7C, 0x85] + firstUnit.dropFirst(), [0x7C, 0x45] + F.nalUnit(0x41, count: second + 1).dropFirst()]
                : [firstUnit, F.nalUnit(0x41, count: second)]
            let sizes = fragmented ? [4 + first, second] : [4 + first, 4 + second]
            let delivered = Self.push([Sent(payload: packets[0], timestamp: 1, marker: false),
                                       Sent(payload: packets[1], timestamp: 1, marker: true)], into: &depacketizer)
            let limitFits = sizes.reduce(0, +) <= 100
            #expect(delivered.count == (limitFits ? 1 : 0), "fragmented: \(fragmented)")
            #expect(depacketizer.statistics.malformedPackets == (limitFits ? 0 : 1))
            if !fragmented { #expect(limitFits == fits) }
        }
    }

    /// Garbage from the network, and packets half like ours: nothing traps, everything is counted.
    @Test func randomPayloadsNeverTrap() {
        var random = H264TestRandom(state: 6184_2011)
        var depacketizer = H264Depacketizer(maxAccessUnitSize: 2000)
        var sequenceNumber: UInt16 = 0
        var timestamp: UInt32 = 0
        var delivered: [AccessUnit] = []
        let plausibleTypes: [UInt8] = [1, 5, 7, 8, 24, 24, 28, 28, 28, 28]
        for _ in 0..<20_000 {
            var payload = (0..<Int.random(in: 0..<80, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            if !payload.isEmpty, Int.random(in: 0..<4, using: &random) != 0 {
                payload[0] = payload[0] & 0x60 | plausibleTypes.randomElement(using: &random)!
                if payload.count > 1, payload[0] & 0x1F == 28 {
                    let bits: UInt8 = [0x80, 0x00, 0x00, 0x40, 0xC0].randomElement(using: &random)!
                    payload[1] = bits | [1, 5, 5, 24].randomElement(using: &random)!
                }
                if payload.count > 2, payload[0] & 0x1F == 24 { payload[1] = 0 }
            }
            if Int.random(in: 0..<100, using: &random) == 0 {
                sequenceNumber &+= UInt16.random(in: 0...UInt16.max, using: &random)
            }
            if Int.random(in: 0..<8, using: &random) == 0 { timestamp &+= 3000 }
            let marker = Int.random(in: 0..<6, using: &random) == 0
            delivered += depacketizer.push(payload, sequenceNumber: sequenceNumber, timestamp: timestamp, marker: marker)
            sequenceNumber &+= 1
        }
        let statistics = depacketizer.statistics
        #expect(delivered.count == statistics.accessUnits)
        #expect(delivered.filter(\.isKeyFrame).count == statistics.keyFrames)
        #expect(delivered.allSatisfy { $0.annexB.starts(with: [0, 0, 0, 1]) && $0.annexB.count <= 2000 })
        #expect(statistics.accessUnits > 100 && statistics.malformedPackets > 1000 && statistics.lostPackets > 0,
                "\(statistics)")
    }
}
