import RTP
import Testing

/// Independent references, written the way Sun's `g711.c` is (segment search over `seg_end`),
/// but with the G.191 magnitude of a negative sample (one's complement, −x − 1) and the G.191
/// µ-law clip (32635). Nothing is shared with the table-driven implementation.
private enum Reference {
    static let segmentEnds = [0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF, 0x3FFF, 0x7FFF]

    static func segment(_ value: Int) -> Int {
        segmentEnds.firstIndex { value <= $0 } ?? 8
    }

    static func muLaw(_ sample: Int, negativeMagnitude: (Int) -> Int = { -$0 - 1 }) -> UInt8 {
        let (mask, magnitude) = sample < 0 ? (0x7F, negativeMagnitude(sample)) : (0xFF, sample)
        let biased = min(magnitude, 32635) + 0x84
        let segment = segment(biased)
        if segment >= 8 { return UInt8(0x7F ^ mask) }
        return UInt8((segment << 4 | (biased >> (segment + 3)) & 0x0F) ^ mask)
    }

    static func aLaw(_ sample: Int, negativeMagnitude: (Int) -> Int = { -$0 - 1 }) -> UInt8 {
        let (mask, magnitude) = sample < 0 ? (0x55, negativeMagnitude(sample)) : (0xD5, sample)
        let segment = segment(magnitude)
        if segment >= 8 { return UInt8(0x7F ^ mask) }
        let shift = segment < 2 ? 4 : segment + 3
        return UInt8((segment << 4 | (magnitude >> shift) & 0x0F) ^ mask)
    }

    /// Sun `ulaw2linear` / `alaw2linear`.
    static func muLawDecode(_ code: UInt8) -> Int {
        let inverted = Int(~code)
        let t = ((inverted & 0x0F) << 3 + 0x84) << ((inverted & 0x70) >> 4)
        return inverted & 0x80 != 0 ? 0x84 - t : t - 0x84
    }

    static func aLawDecode(_ code: UInt8) -> Int {
        let value = Int(code ^ 0x55)
        var t = (value & 0x0F) << 4
        let segment = (value & 0x70) >> 4
        switch segment {
        case 0: t += 8
        case 1: t += 0x108
        default: t = (t + 0x108) << (segment - 1)
        }
        return value & 0x80 != 0 ? t : -t
    }
}

@Suite struct G711Tests {
    static let laws: [G711Law] = [.muLaw, .aLaw]

    @Test(arguments: laws)
    func everySampleEncodesLikeTheReference(law: G711Law) {
        var mismatches = 0
        for sample in Int(Int16.min)...Int(Int16.max) {
            let expected = law == .muLaw ? Reference.muLaw(sample) : Reference.aLaw(sample)
            if G711.encode(Int16(sample), law: law) != expected { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test(arguments: laws)
    func everyCodeDecodesLikeTheReference(law: G711Law) {
        for code in UInt8.min...UInt8.max {
            let expected = law == .muLaw ? Reference.muLawDecode(code) : Reference.aLawDecode(code)
            #expect(Int(G711.decode(code, law: law)) == expected, "code \(code)")
        }
    }

    /// Decoding gives the middle of the code's interval, which encodes back to the same code. The one
    /// exception is µ-law's negative zero: 0x7F and 0xFF both decode to 0, which encodes as 0xFF.
    @Test(arguments: laws)
    func everyCodeSurvivesDecodeAndEncode(law: G711Law) {
        for code in UInt8.min...UInt8.max {
            let back = G711.encode(G711.decode(code, law: law), law: law)
            if law == .muLaw && code == 0x7F {
                #expect(back == 0xFF)
            } else {
                #expect(back == code, "code \(code)")
            }
        }
    }

    @Test(arguments: [
        (G711Law.muLaw, UInt8(0xFF), Int16(0)),
        (.muLaw, 0x7F, 0),
        (.muLaw, 0x00, -32124),
        (.muLaw, 0x80, 32124),
        (.muLaw, 0xFE, 8),
        (.muLaw, 0x7E, -8),
        (.muLaw, 0xEF, 132),
        (.aLaw, 0xD5, 8),
        (.aLaw, 0x55, -8),
        (.aLaw, 0x2A, -32256),
        (.aLaw, 0xAA, 32256),
        (.aLaw, 0xD4, 24),
        (.aLaw, 0xC5, 264),
    ])
    func knownCodesDecode(law: G711Law, code: UInt8, value: Int16) {
        #expect(G711.decode(code, law: law) == value)
    }

    @Test(arguments: [
        (G711Law.muLaw, Int16(0), UInt8(0xFF)),
        (.muLaw, -1, 0x7F),  // one's complement: −1 is "negative zero"
        (.muLaw, 3, 0xFF),
        (.muLaw, 4, 0xFE),
        (.muLaw, -4, 0x7F),
        (.muLaw, -5, 0x7E),
        (.muLaw, 32767, 0x80),
        (.muLaw, 32635, 0x80),
        (.muLaw, -32768, 0x00),
        (.aLaw, 0, 0xD5),
        (.aLaw, 15, 0xD5),
        (.aLaw, 16, 0xD4),
        (.aLaw, -1, 0x55),
        (.aLaw, -16, 0x55),
        (.aLaw, -17, 0x54),
        (.aLaw, 32767, 0xAA),
        (.aLaw, -32768, 0x2A),
    ])
    func knownSamplesEncode(law: G711Law, sample: Int16, code: UInt8) {
        #expect(G711.encode(sample, law: law) == code)
    }

    /// Where we differ from Sun's `g711.c`: only in the magnitude taken for negative samples
    /// (Sun: −x for µ-law, −x − 8 for A-law; G.191: −x − 1). Non-negative samples agree exactly.
    @Test(arguments: laws)
    func sunDiffersOnlyInTheNegativeMagnitude(law: G711Law) {
        var differing = 0
        for sample in Int(Int16.min)...Int(Int16.max) {
            let sun = law == .muLaw
                ? Reference.muLaw(sample, negativeMagnitude: { -$0 })
                : Reference.aLaw(sample, negativeMagnitude: { max(0, -$0 - 8) })
            let ours = G711.encode(Int16(sample), law: law)
            if sample >= 0 {
                #expect(ours == sun, "sample \(sample)")
            } else if ours != sun {
                differing += 1
            }
        }
        // One boundary sample per negative code for µ-law; seven per code for A-law.
        #expect(differing == (law == .muLaw ? 127 : 889))
    }

    @Test(arguments: laws)
    func buffersMatchTheScalarFunctions(law: G711Law) {
        let samples: [Int16] = (0..<4096).map { Int16(truncatingIfNeeded: $0 &* 40503 &+ 12345) }
        var bytes = [UInt8](repeating: 0, count: samples.count)
        var decoded = [Int16](repeating: 0, count: samples.count)
        samples.withUnsafeBufferPointer { samples in
            bytes.withUnsafeMutableBytes { #expect(G711.encode(samples, law: law, into: $0) == 4096) }
        }
        bytes.withUnsafeBytes { bytes in
            decoded.withUnsafeMutableBufferPointer { #expect(G711.decode(bytes, law: law, into: $0) == 4096) }
        }
        #expect(bytes == samples.map { G711.encode($0, law: law) })
        #expect(decoded == bytes.map { G711.decode($0, law: law) })
    }

    @Test func payloadTypes() {
        #expect(G711Law(payloadType: 0) == .muLaw && G711Law.muLaw.payloadType == 0)
        #expect(G711Law(payloadType: 8) == .aLaw && G711Law.aLaw.payloadType == 8)
        #expect(G711Law(payloadType: 9) == nil)
    }
}
