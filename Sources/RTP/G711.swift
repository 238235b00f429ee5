/// The two companding laws of ITU-T G.711 and their RTP payload types (RFC 3551 §4.5.14, Table 4).
public enum G711Law: Sendable, Hashable {
    /// µ-law, `PCMU`, static payload type 0.
    case muLaw
    /// A-law, `PCMA`, static payload type 8.
    case aLaw

    /// The static RTP payload type (RFC 3551 Table 4).
    public var payloadType: UInt8 {
        switch self {
        case .muLaw: 0
        case .aLaw: 8
        }
    }

    /// The law of a static payload type: 0 is µ-law, 8 is A-law, anything else is not G.711.
    public init?(payloadType: UInt8) {
        switch payloadType {
        case 0: self = .muLaw
        case 8: self = .aLaw
        default: return nil
        }
    }
}

/// ITU-T G.711 companding between 16-bit linear PCM and 8-bit log PCM, by table.
///
/// Encoding is bit-exact with the ITU-T G.191 reference (Software Tool Library `g711.c`,
/// `ulaw_compress` and `alaw_compress`):
/// - µ-law: magnitude biased by 0x84 (33 in 14-bit units), clipped at 32635, code inverted.
/// - A-law: 12-bit magnitude, even bits toggled (XOR 0x55).
/// - A negative sample's magnitude is its one's complement (`~x`, that is −x − 1), so the
///   quantizer is symmetric about −½ and −32768 maps to full scale like 32767. Sun's `g711.c`
///   takes −x (µ-law) or −x − 8 (A-law) instead, which moves the decision thresholds of negative
///   samples by one to eight LSBs; the two agree on every sample ≥ 0.
///
/// Decoding (`ulaw_expand`, `alaw_expand`, identical in Sun's `g711.c`) returns the middle of each
/// quantization interval.
///
/// The tables are built once, on first use. The buffer functions never allocate: they run on every
/// 20 ms packet of a call.
public enum G711 {
    /// Encodes `samples` into `bytes`, one byte per sample; returns the number of bytes written.
    @discardableResult
    public static func encode(_ samples: UnsafeBufferPointer<Int16>, law: G711Law, into bytes: UnsafeMutableRawBufferPointer) -> Int {
        precondition(bytes.count >= samples.count, "G.711 needs one byte per sample")
        switch law {
        case .muLaw:
            muLawEncodeTable.withUnsafeBufferPointer { table in
                for index in samples.indices {
                    bytes[index] = table[Int(UInt16(bitPattern: samples[index]) >> 2)]
                }
            }
        case .aLaw:
            aLawEncodeTable.withUnsafeBufferPointer { table in
                for index in samples.indices {
                    bytes[index] = table[Int(UInt16(bitPattern: samples[index]) >> 4)]
                }
            }
        }
        return samples.count
    }

    /// Decodes `bytes` into `samples`, one sample per byte; returns the number of samples written.
    @discardableResult
    public static func decode(_ bytes: UnsafeRawBufferPointer, law: G711Law, into samples: UnsafeMutableBufferPointer<Int16>) -> Int {
        precondition(samples.count >= bytes.count, "G.711 gives one sample per byte")
        let table = law == .muLaw ? muLawDecodeTable : aLawDecodeTable
        table.withUnsafeBufferPointer { table in
            for index in bytes.indices {
                samples[index] = table[Int(bytes[index])]
            }
        }
        return bytes.count
    }

    /// The code of one sample.
    public static func encode(_ sample: Int16, law: G711Law) -> UInt8 {
        let bits = UInt16(bitPattern: sample)
        return switch law {
        case .muLaw: muLawEncodeTable[Int(bits >> 2)]
        case .aLaw: aLawEncodeTable[Int(bits >> 4)]
        }
    }

    /// The linear value of one code.
    public static func decode(_ byte: UInt8, law: G711Law) -> Int16 {
        switch law {
        case .muLaw: muLawDecodeTable[Int(byte)]
        case .aLaw: aLawDecodeTable[Int(byte)]
        }
    }

    // MARK: - Tables

    // The µ-law code depends only on the 14 high bits of the sample and the A-law code only on the
    // 12 high bits (G.711 §2: 14- and 13-bit linear resolution): for negative x, ~x >> n == ~(x >> n).
    // The tables are indexed by those bits as an unsigned number.

    /// 16 384 µ-law codes indexed by `UInt16(bitPattern: x) >> 2`.
    private static let muLawEncodeTable: [UInt8] = (0..<16384).map { index in
        muLawCompress(Int16(bitPattern: UInt16(index) << 2))
    }

    /// 4 096 A-law codes indexed by `UInt16(bitPattern: x) >> 4`.
    private static let aLawEncodeTable: [UInt8] = (0..<4096).map { index in
        aLawCompress(Int16(bitPattern: UInt16(index) << 4))
    }

    private static let muLawDecodeTable: [Int16] = (0...255).map { muLawExpand(UInt8($0)) }
    private static let aLawDecodeTable: [Int16] = (0...255).map { aLawExpand(UInt8($0)) }

    /// G.191 `ulaw_compress` for one sample.
    private static func muLawCompress(_ sample: Int16) -> UInt8 {
        // One's complement of negatives, to 14 bits, plus the µ-law bias (33 = 0x84 >> 2).
        let magnitude = Int(sample < 0 ? ~sample : sample) >> 2 + 33
        let biased = min(magnitude, 0x1FFF)  // G.711 clip: |x| ≤ 32635 in 16-bit units
        // Segment 1…8: position of the leading one above bit 5.
        var segment = 1
        var high = biased >> 6
        while high != 0 {
            segment += 1
            high >>= 1
        }
        let mantissa = (biased >> segment) & 0x0F
        let code = (8 - segment) << 4 | (0x0F - mantissa)
        return UInt8(sample >= 0 ? code | 0x80 : code)
    }

    /// G.191 `alaw_compress` for one sample.
    private static func aLawCompress(_ sample: Int16) -> UInt8 {
        var value = Int(sample < 0 ? ~sample : sample) >> 4  // 0…2047
        if value > 15 {
            var exponent = 1
            while value > 16 + 15 {
                value >>= 1
                exponent += 1
            }
            value = value - 16 + exponent << 4
        }
        if sample >= 0 { value |= 0x80 }
        return UInt8(value ^ 0x55)
    }

    /// G.191 `ulaw_expand` (= Sun `ulaw2linear`).
    private static func muLawExpand(_ code: UInt8) -> Int16 {
        let inverted = Int(~code)
        let exponent = (inverted >> 4) & 0x07
        let mantissa = inverted & 0x0F
        let magnitude = ((mantissa << 3) + 0x84) << exponent - 0x84
        return Int16(inverted & 0x80 != 0 ? -magnitude : magnitude)
    }

    /// G.191 `alaw_expand` (= Sun `alaw2linear`).
    private static func aLawExpand(_ code: UInt8) -> Int16 {
        let toggled = Int(code ^ 0x55)
        let exponent = (toggled >> 4) & 0x07
        var mantissa = toggled & 0x0F
        if exponent > 0 { mantissa += 16 }
        mantissa = mantissa << 4 + 8
        if exponent > 1 { mantissa <<= exponent - 1 }
        return Int16(toggled & 0x80 != 0 ? mantissa : -mantissa)
    }
}
