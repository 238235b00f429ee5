/// Facts about the one-byte H.264 NAL unit header (ITU-T H.264 §7.3.1, RFC 6184 §1.3, §5.3):
///
///     +---------------+
///     |0|1|2|3|4|5|6|7|
///     +-+-+-+-+-+-+-+-+
///     |F|NRI|  Type   |
///     +---------------+
///
/// F (forbidden_zero_bit) is 0 in a valid unit; NRI (nal_ref_idc) is 0 when no picture depends on
/// the unit and up to 3 for parameter sets and IDR slices. Types 1–23 are NAL units of the codec;
/// 24–29 are the RTP aggregation and fragmentation packets of RFC 6184 §5.2 (Table 1).
enum H264NALUnit {
    /// A coded slice of a non-IDR picture (a P or B frame, or part of one).
    static let nonIDRSlice: UInt8 = 1
    /// A coded slice of an IDR picture: the decoder can start here.
    static let idrSlice: UInt8 = 5
    /// Supplemental enhancement information (x264 writes its settings in one).
    static let sei: UInt8 = 6
    /// Sequence parameter set.
    static let sps: UInt8 = 7
    /// Picture parameter set.
    static let pps: UInt8 = 8
    /// Access unit delimiter.
    static let accessUnitDelimiter: UInt8 = 9

    // RFC 6184 §5.2: the payload structures. Only STAP-A and FU-A belong to the modes we speak
    // (single NAL unit mode 0 and non-interleaved mode 1, §6.2 and §6.3); STAP-B, MTAP16,
    // MTAP24 and FU-B exist only in interleaved mode 2.
    /// Single-time aggregation packet, type A (§5.7.1).
    static let stapA: UInt8 = 24
    /// Single-time aggregation packet, type B (mode 2 only).
    static let stapB: UInt8 = 25
    /// Multi-time aggregation packet with 16-bit timestamp offsets (mode 2 only).
    static let mtap16: UInt8 = 26
    /// Multi-time aggregation packet with 24-bit timestamp offsets (mode 2 only).
    static let mtap24: UInt8 = 27
    /// Fragmentation unit, type A (§5.8).
    static let fuA: UInt8 = 28
    /// Fragmentation unit, type B (mode 2 only).
    static let fuB: UInt8 = 29

    /// The forbidden_zero_bit (F) of a header byte.
    static let forbiddenBit: UInt8 = 0x80
    /// The nal_ref_idc (NRI) bits of a header byte, left in place.
    static let nriMask: UInt8 = 0x60
    /// The type bits of a header byte.
    static let typeMask: UInt8 = 0x1F

    /// The type of the NAL unit (or RTP payload structure) whose header byte this is.
    static func type(_ header: UInt8) -> UInt8 { header & typeMask }

    /// True for the types a NAL unit of the codec may have (1–23): what a single NAL unit packet
    /// carries, what a STAP-A aggregates and what an FU-A fragments (RFC 6184 §5.6–§5.8).
    /// Type 0 is unspecified and 24–31 are RTP payload structures, which never nest.
    static func isCodecType(_ type: UInt8) -> Bool { (1...23).contains(type) }

    /// True for coded slices (types 1–5, the video coding layer); parameter sets, SEI and
    /// delimiters are not.
    static func isSlice(_ type: UInt8) -> Bool { (1...5).contains(type) }
}

/// The H.264 Annex B byte stream: NAL units, each preceded by a start code `00 00 01`, which an
/// encoder may write with a leading zero as `00 00 00 01`. Emulation prevention (H.264 §7.4.1)
/// guarantees that `00 00 00`, `00 00 01` and `00 00 02` never occur inside a NAL unit, and a NAL
/// unit never ends with a zero byte, so zeros before a start code are padding (trailing_zero_8bits,
/// or the leading zero of the 4-byte form).
public enum AnnexB {
    /// Calls `body` with each NAL unit of `stream` in order, without its start code and without
    /// the zero bytes that follow it. Bytes before the first start code are not a NAL unit and are
    /// skipped; so is a stream without a start code. Empty units (two start codes in a row) are
    /// skipped. The buffers passed to `body` are slices of `stream`: nothing is copied or allocated.
    public static func forEachNALUnit(in stream: UnsafeRawBufferPointer,
                                      _ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        guard var start = startCode(in: stream, from: 0).map({ $0 + 3 }) else { return }
        while true {
            let next = startCode(in: stream, from: start)
            var end = next ?? stream.count
            while end > start, stream[end - 1] == 0 { end -= 1 }
            if end > start { try body(UnsafeRawBufferPointer(rebasing: stream[start..<end])) }
            guard let next else { return }
            start = next + 3
        }
    }

    /// Where the first `00 00 01` at or after `from` begins, or nil when there is none.
    ///
    /// Looks at every third byte where it can: a byte above 1 at `i + 2` rules out a start code
    /// beginning at `i`, `i + 1` or `i + 2` (the skip of FFmpeg's and x264's start code search).
    static func startCode(in stream: UnsafeRawBufferPointer, from: Int) -> Int? {
        var index = from
        while index + 2 < stream.count {
            if stream[index + 2] > 1 {
                index += 3
            } else if stream[index + 1] != 0 {
                index += 2
            } else if stream[index] != 0 || stream[index + 2] != 1 {
                index += 1
            } else {
                return index
            }
        }
        return nil
    }
}
