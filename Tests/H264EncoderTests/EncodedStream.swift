import H264Encoder
import Video

/// The access units of an encoded test-pattern clip, copied out of the encoder's lent buffers.
struct EncodedStream {
    struct AccessUnit {
        var bytes: [UInt8]
        var isKeyFrame: Bool
        var sequence: UInt64
        var captureTimestamp: UInt64

        /// The NAL units, start codes removed.
        var nalUnits: [ArraySlice<UInt8>] { AnnexB.nalUnits(in: bytes) }
        /// nal_unit_type of each NAL unit (5 IDR slice, 1 non-IDR slice, 6 SEI, 7 SPS, 8 PPS).
        var nalTypes: [UInt8] { nalUnits.map { $0.first! & 0x1F } }
    }

    var units: [AccessUnit] = []

    /// The whole stream, as a `.h264` file holds it.
    var annexB: [UInt8] { units.flatMap(\.bytes) }
    var byteCount: Int { units.reduce(0) { $0 + $1.bytes.count } }

    /// The capture time of frame `sequence` at `framerate`.
    static func timestamp(_ sequence: Int, framerate: Double) -> UInt64 { UInt64((Double(sequence) / framerate * 1e9).rounded()) }

    /// Encodes frames `sequences` of the test pattern (with camera-like noise when asked), forcing IDRs at `keyFramesAt`.
    mutating func encode(
        _ sequences: Range<Int>, with encoder: H264Encoder, keyFramesAt: Set<Int> = [], noise: Bool = false
    ) throws {
        let configuration = encoder.configuration
        let frame = I420Frame(width: configuration.width, height: configuration.height)
        var generator = NoiseGenerator(seed: UInt64(sequences.lowerBound) + 1)
        for sequence in sequences {
            TestPattern().render(into: frame, sequence: UInt64(sequence), timestamp: Self.timestamp(sequence, framerate: configuration.framerate))
            if noise { generator.addNoise(to: frame) }
            try encoder.encode(frame, forceKeyFrame: keyFramesAt.contains(sequence)) { unit in
                units.append(AccessUnit(
                    bytes: [UInt8](unit.annexB), isKeyFrame: unit.isKeyFrame, sequence: unit.sequence, captureTimestamp: unit.captureTimestamp))
            }
        }
    }
}

/// Sensor-like noise for the test pattern, whose flat bars would otherwise cost x264 almost nothing
/// (ultrafast reaches only about 230 kbit/s on the bare pattern at 640x480, whatever the target).
/// Replaces the low 4 bits of every luma sample with random bits (±8 around the pattern): the barcode's
/// 16 and 235 stay far from its 60 and 200 thresholds.
struct NoiseGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }

    mutating func addNoise(to frame: I420Frame) {
        frame.withPlanes { y, _, _ in
            let words = UnsafeMutableRawPointer(y.baseAddress!).bindMemory(to: UInt64.self, capacity: y.count / 8)
            for index in 0..<y.count / 8 {
                // xorshift64: fast enough in a debug build to noise 640x480 at 15 fps for 10 s in well under a second.
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                words[index] = (words[index] & 0xF0F0_F0F0_F0F0_F0F0) | (state & 0x0F0F_0F0F_0F0F_0F0F)
            }
        }
    }
}

/// Annex B framing, parsed independently of the encoder.
enum AnnexB {
    /// Splits a byte stream at its start codes (00 00 01 or 00 00 00 01).
    static func nalUnits(in bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var starts: [(codeStart: Int, payloadStart: Int)] = []
        var index = 0
        while index + 2 < bytes.count {
            if bytes[index] == 0, bytes[index + 1] == 0, bytes[index + 2] == 1 {
                let codeStart = index > 0 && bytes[index - 1] == 0 ? index - 1 : index
                starts.append((codeStart, index + 3))
                index += 3
            } else {
                index += 1
            }
        }
        return starts.indices.map { position in
            let end = position + 1 < starts.count ? starts[position + 1].codeStart : bytes.count
            return bytes[starts[position].payloadStart..<end]
        }
    }
}
