import RTP
import Testing

/// Garbage in, an error out: the parser must never trap on what arrives from the network.
@Suite struct RTCPParsingRobustnessTests {
    /// A small deterministic generator (SplitMix64), so that a failure can be replayed.
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

    private enum Outcome: Equatable { case parsed(Int), failed }

    private func outcome(_ bytes: [UInt8]) -> Outcome {
        do {
            let packets = try bytes.withUnsafeBytes { try RTCPCompound.parse($0) }
            return .parsed(packets.count)
        } catch {
            return .failed
        }
    }

    /// Where each packet of a valid compound datagram ends, read from the length fields.
    private func packetEnds(_ bytes: [UInt8]) -> Set<Int> {
        var ends: Set<Int> = []
        var offset = 0
        while offset < bytes.count {
            offset += ((Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])) + 1) * 4
            ends.insert(offset)
        }
        return ends
    }

    /// A prefix parses exactly when it ends on a packet boundary: anywhere else, the cut packet's
    /// length field overruns the datagram.
    @Test(arguments: RTCPFixtures.allValidDatagrams)
    func everyTruncationThrowsUnlessItEndsOnAPacketBoundary(datagram: [UInt8]) {
        let ends = packetEnds(datagram)
        #expect(ends.contains(datagram.count))
        for length in 0...datagram.count {
            let result = outcome(Array(datagram.prefix(length)))
            if ends.contains(length) {
                #expect(result != .failed, "prefix of \(length) bytes")
            } else {
                #expect(result == .failed, "prefix of \(length) bytes")
            }
        }
    }

    @Test func randomBytesNeverTrap() {
        var generator = SplitMix64(state: 3550)
        var parsed = 0
        for _ in 0..<20_000 {
            let length = Int.random(in: 0..<96, using: &generator)
            var bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            // Make half of them start like one RTCP packet filling the datagram, so that parsing
            // gets past the header checks into the packet parsers.
            if length >= 4, Bool.random(using: &generator) {
                bytes[0] = 0x80 | bytes[0] & 0x1F
                bytes[1] = 200 + bytes[1] % 7
                bytes[2] = 0
                bytes[3] = UInt8(length / 4 - 1)
            }
            if case .parsed(let count) = outcome(bytes) {
                parsed += 1
                #expect(count > 0)
                #expect(bytes.count % 4 == 0, "a valid compound packet is a whole number of 32-bit words")
            }
        }
        #expect(parsed > 0, "the generator should reach the packet parsers")
    }

    @Test(arguments: RTCPFixtures.allValidDatagrams)
    func mutatedPacketsNeverTrap(datagram: [UInt8]) {
        var generator = SplitMix64(state: UInt64(datagram.count))
        var outcomes: (parsed: Int, failed: Int) = (0, 0)
        for _ in 0..<2_000 {
            var bytes = datagram
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            if outcome(bytes) == .failed { outcomes.failed += 1 } else { outcomes.parsed += 1 }
        }
        #expect(outcomes.parsed > 0 && outcomes.failed > 0)
    }
}
