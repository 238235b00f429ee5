import RTP
import Testing

/// One telephone-event packet as it would go on the wire.
private struct SentPacket: Equatable, CustomStringConvertible {
    var marker: Bool
    var timestamp: UInt32
    var payload: [UInt8]
    var decoded: TelephoneEventPayload { payload.withUnsafeBytes { TelephoneEventPayload(parsing: $0)! } }
    var description: String { "(\(marker), \(timestamp), \(decoded.duration), E=\(decoded.isEnd))" }
}

/// Runs a sender for `intervals` packet intervals from `start`; nil where audio goes out.
private func run(_ sender: inout DTMFSender, intervals: Int, start: UInt32 = 1000, step: UInt32 = 160) -> [SentPacket?] {
    var bytes = [UInt8](repeating: 0, count: 4)
    return (0..<intervals).map { index in
        let now = start &+ UInt32(index) &* step
        guard let packet = bytes.withUnsafeMutableBytes({ sender.nextPacket(currentTimestamp: now, into: $0) }) else { return nil }
        #expect(packet.payloadBytes == 4)
        return SentPacket(marker: packet.marker, timestamp: packet.timestamp, payload: bytes)
    }
}

private func receive(_ receiver: inout DTMFReceiver, _ packet: SentPacket, at arrival: UInt64) -> DTMFDetection? {
    packet.payload.withUnsafeBytes { receiver.receive(payload: $0, timestamp: packet.timestamp, arrival: arrival) }
}

/// A small deterministic generator (SplitMix64), so that random tests repeat exactly.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct DTMFEventTests {
    @Test(arguments: Array("0123456789*#ABCD").enumerated().map { ($0.element, UInt8($0.offset)) })
    func keysMapToEventCodes(character: Character, code: UInt8) {
        #expect(DTMFEvent(character)?.code == code)
        #expect(DTMFEvent(code: code)?.character == character)
    }

    @Test(arguments: ["E", "x", " ", "+", "١", "1\u{301}", "\r\n"] as [Character])
    func otherCharactersAreNotKeys(character: Character) {
        #expect(DTMFEvent(character) == nil)
    }

    @Test func lowercaseLettersAreAccepted() {
        #expect(DTMFEvent("d")?.code == 15)
        #expect(DTMFEvent(code: 16) == nil)
    }

    @Test func payloadLayoutFollowsRFC4733Figure1() {
        var bytes = [UInt8](repeating: 0, count: 4)
        let payload = TelephoneEventPayload(event: 11, isEnd: true, volume: 10, duration: 0x0320)
        bytes.withUnsafeMutableBytes { _ = payload.write(to: $0) }
        #expect(bytes == [0x0B, 0x8A, 0x03, 0x20])
        // The R bit is ignored on reading.
        let reserved: [UInt8] = [0x0B, 0xCA, 0x03, 0x20]
        #expect(reserved.withUnsafeBytes { TelephoneEventPayload(parsing: $0) } == payload)
        #expect([UInt8]([1, 2, 3]).withUnsafeBytes { TelephoneEventPayload(parsing: $0) } == nil)
    }
}

@Suite struct DTMFSenderTests {
    /// (marker, timestamp, duration, E) of each packet of one key.
    @Test(arguments: [
        (20, 100, [(true, 1000, 160, false), (false, 1000, 320, false), (false, 1000, 480, false),
                   (false, 1000, 640, false), (false, 1000, 800, true), (false, 1000, 800, true), (false, 1000, 800, true)]),
        (30, 100, [(true, 1000, 240, false), (false, 1000, 480, false), (false, 1000, 720, false),
                   (false, 1000, 800, true), (false, 1000, 800, true), (false, 1000, 800, true)]),
        // Shorter than the interval: the first packet is already the end.
        (60, 40, [(true, 1000, 320, true), (false, 1000, 320, true), (false, 1000, 320, true)]),
        // 10 ms asked, 40 ms sent (the minimum).
        (20, 10, [(true, 1000, 160, false), (false, 1000, 320, true), (false, 1000, 320, true), (false, 1000, 320, true)]),
    ] as [(Int, Int, [(Bool, UInt32, UInt16, Bool)])])
    func oneKeyGivesTheRFC4733PacketSequence(ptime: Int, tone: Int, expected: [(Bool, UInt32, UInt16, Bool)]) {
        var sender = DTMFSender(payloadType: 101, packetIntervalMilliseconds: ptime, toneDurationMilliseconds: tone)
        let queued = sender.enqueue("5")
        #expect(queued)
        let sent = run(&sender, intervals: expected.count + 3, step: UInt32(8 * ptime))
        let packets = sent.compactMap { $0 }
        #expect(packets.count == expected.count)
        #expect(sent.prefix(expected.count).allSatisfy { $0 != nil })
        for (packet, want) in zip(packets, expected) {
            let payload = packet.decoded
            #expect(packet.marker == want.0 && packet.timestamp == want.1 && payload.duration == want.2 && payload.isEnd == want.3,
                    "\(packet)")
            #expect(payload.event == 5 && payload.volume == 10)
        }
        // The three end packets are byte for byte the same.
        let ends = packets.suffix(3)
        #expect(Set(ends.map(\.payload)).count == 1 && Set(ends.map(\.timestamp)).count == 1)
        #expect(!sender.isActive)
    }

    @Test func keysAreSeparatedByAtLeast40Milliseconds() {
        var sender = DTMFSender(payloadType: 101)
        let queued = (sender.enqueue("1"), sender.enqueue("2"))
        #expect(queued == (true, true))
        #expect(sender.queuedDigits == 2)
        let sent = run(&sender, intervals: 20)
        #expect(sent[0]?.marker == true && sender.queuedDigits == 0)
        // 7 packets of "1", two intervals of audio, then "2" at its own timestamp.
        #expect(sent[0..<7].allSatisfy { $0?.decoded.event == 1 })
        #expect(sent[7] == nil && sent[8] == nil)
        let second = sent[9]
        #expect(second?.marker == true && second?.timestamp == 1000 + 9 * 160 && second?.decoded.event == 2)
        // Gap between the end of the first tone and the start of the second, in the sender's clock.
        #expect(Int(second!.timestamp) - (1000 + 800) >= 320)
        #expect(sent[9..<16].allSatisfy { $0?.decoded.event == 2 } && sent[16...].allSatisfy { $0 == nil })
    }

    @Test func theQueueIsBounded() {
        var sender = DTMFSender(payloadType: 101)
        let accepted = (0...DTMFSender.queueCapacity).map { _ in sender.enqueue("#") }
        #expect(accepted == Array(repeating: true, count: DTMFSender.queueCapacity) + [false])
        let notAKey = sender.enqueue("x")
        #expect(!notAKey)
        _ = run(&sender, intervals: 1)
        let roomAgain = sender.enqueue("#")
        #expect(sender.isActive && roomAgain)
        sender.removeQueuedDigits()
        #expect(sender.queuedDigits == 0)
        // The key already begun still ends.
        #expect(run(&sender, intervals: 10).compactMap { $0 }.last?.decoded.isEnd == true)
    }

    @Test func eventsCrossTheTimestampWrap() {
        var sender = DTMFSender(payloadType: 101)
        let queued = sender.enqueue("9")
        #expect(queued)
        let packets = run(&sender, intervals: 7, start: UInt32.max - 200).compactMap { $0 }
        #expect(packets.count == 7 && packets.allSatisfy { $0.timestamp == UInt32.max - 200 })
        #expect(packets.last?.decoded.duration == 800)
    }
}

@Suite struct DTMFReceiverTests {
    fileprivate static func packets(for key: Character, at timestamp: UInt32 = 1000) -> [SentPacket] {
        var sender = DTMFSender(payloadType: 101)
        _ = sender.enqueue(key)
        return run(&sender, intervals: 7, start: timestamp).compactMap { $0 }
    }

    /// Delivers packets 20 ms apart; returns the keys reported.
    fileprivate static func deliver(_ packets: [SentPacket], to receiver: inout DTMFReceiver, from start: UInt64 = 0) -> [DTMFDetection] {
        packets.enumerated().compactMap { receive(&receiver, $0.element, at: start + UInt64($0.offset) * 20_000_000) }
    }

    @Test(arguments: [
        ("in order", [0, 1, 2, 3, 4, 5, 6]),
        ("every packet twice", [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]),
        ("first two lost", [2, 3, 4, 5, 6]),
        ("start retransmitted late", [0, 1, 2, 0, 3, 4, 0, 5, 6]),
        ("reordered", [1, 0, 3, 2, 5, 4, 6]),
        ("only the end packets", [4, 5, 6]),
        ("one end packet", [6]),
        ("no end packet", [0, 1, 2, 3]),
    ])
    func eachEventIsReportedExactlyOnce(name: String, order: [Int]) {
        let packets = Self.packets(for: "7")
        var receiver = DTMFReceiver()
        let reports = Self.deliver(order.map { packets[$0] }, to: &receiver)
        #expect(reports.count == 1)
        #expect(reports.first?.character == "7" && reports.first?.timestamp == 1000)
        #expect(reports.first?.durationMilliseconds == Int(packets[order[0]].decoded.duration) / 8)
        #expect(reports.first?.isEnd == packets[order[0]].decoded.isEnd)
        #expect(receiver.detectedEvents == 1 && receiver.malformedPackets == 0)
    }

    @Test(arguments: [
        ("in order", [0, 1, 2, 3, 4, 5, 6], 1),
        ("every packet twice", [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6], 1),
        ("first end packet lost", [0, 1, 2, 3, 5, 6], 1),
        ("no end packet", [0, 1, 2, 3], 0),
        ("the first packet seen is an end packet", [5, 6], 0),
    ])
    func theKeyGoesUpOnceAtItsFirstEndPacket(name: String, order: [Int], releases: Int) {
        let packets = Self.packets(for: "#")
        var receiver = DTMFReceiver()
        var released: [(DTMFEvent, Int)] = []
        for (offset, index) in order.enumerated() {
            _ = receive(&receiver, packets[index], at: UInt64(offset) * 20_000_000)
            if let key = receiver.releasedKey { released.append(key) }
        }
        #expect(released.count == releases, "a key already ended when first seen was never held")
        if let (event, duration) = released.first {
            #expect(event.character == "#")
            #expect(duration == Int(packets[4].decoded.duration) / 8)
        }
    }

    @Test func aNewEventAfterALostEndIsReported() {
        var receiver = DTMFReceiver()
        let first = Self.packets(for: "1", at: 1000).prefix(3)  // the end packets never came
        let second = Self.packets(for: "1", at: 2600)
        let reports = Self.deliver(Array(first) + second, to: &receiver)
        #expect(reports.map(\.timestamp) == [1000, 2600])
    }

    @Test func stragglersOfAnEarlierEventDoNotRepeatIt() {
        var receiver = DTMFReceiver()
        let one = Self.packets(for: "1", at: 1000)
        let two = Self.packets(for: "2", at: 2440)
        // The end packets of "1" arrive in the middle of "2"; then "1"'s start is duplicated.
        var order: [SentPacket] = Array(one[0..<4])
        order += two[0..<3]
        order += one[4...]
        order += two[3...]
        order.append(one[0])
        let reports = Self.deliver(order, to: &receiver)
        #expect(reports.map(\.character) == ["1", "2"])
    }

    @Test func theSameTimestampLongAfterIsANewEvent() {
        var receiver = DTMFReceiver()
        let packets = Self.packets(for: "5")
        #expect(Self.deliver(packets, to: &receiver).count == 1)
        #expect(Self.deliver(packets, to: &receiver, from: 10_000_000_000).count == 1)
        receiver.reset()
        #expect(Self.deliver(packets, to: &receiver, from: 10_500_000_000).count == 1)
    }

    @Test(arguments: [[], [1, 0, 0], [16, 0x8A, 0, 160], [0xFF, 0, 0, 0]] as [[UInt8]])
    func malformedPayloadsAreCounted(bytes: [UInt8]) {
        var receiver = DTMFReceiver()
        #expect(bytes.withUnsafeBytes { receiver.receive(payload: $0, timestamp: 1, arrival: 0) } == nil)
        #expect(receiver.malformedPackets == 1 && receiver.detectedEvents == 0)
    }

    @Test func allKeysSurviveTheRoundTrip() {
        var sender = DTMFSender(payloadType: 101)
        for key in "1234*#ABCD" { let queued = sender.enqueue(key); #expect(queued) }
        var receiver = DTMFReceiver()
        let reports = Self.deliver(run(&sender, intervals: 120).compactMap { $0 }, to: &receiver)
        #expect(String(reports.map(\.character)) == "1234*#ABCD")
        #expect(reports.allSatisfy { $0.durationMilliseconds == 20 && !$0.isEnd })
    }

    /// 30 % loss, 30 % duplication and neighbours swapped: every key whose packets did not all get
    /// lost arrives once, in order.
    @Test func theRoundTripSurvivesLossDuplicationAndReordering() {
        var generator = SplitMix64(state: 4733)
        var sender = DTMFSender(payloadType: 101)
        let keys = "0123456789*#ABCD0123456789*#ABCD"
        for key in keys { let queued = sender.enqueue(key); #expect(queued) }
        var network: [SentPacket] = []
        for packet in run(&sender, intervals: 320).compactMap({ $0 }) {
            if Double.random(in: 0..<1, using: &generator) < 0.3 { continue }
            network.append(packet)
            if Double.random(in: 0..<1, using: &generator) < 0.3 { network.append(packet) }
        }
        for index in stride(from: 1, to: network.count, by: 3) where Bool.random(using: &generator) {
            network.swapAt(index - 1, index)
        }
        var receiver = DTMFReceiver()
        let reports = Self.deliver(network, to: &receiver)
        #expect(String(reports.map(\.character)) == keys)
    }
}
