/// What the H.264 encoder is asked to produce: size and rate from `[video]`, bit rate from
/// `[video]` and the peer's `b=AS`/`b=TIAS`, profile and level from offer/answer, and the largest
/// NAL unit when the peer only takes single-NAL packets (RFC 6184 packetization-mode 0).
public struct H264EncoderConfiguration: Sendable, Hashable {
    public enum Profile: String, Sendable, Hashable, CaseIterable {
        /// Constrained Baseline (profile_idc 66, constraint_set1): every H.264 decoder takes it.
        /// x264 sets constraint_set0 as well (profile-level-id 42C0xx): the stream is plain Baseline too.
        case constrainedBaseline = "baseline"
        /// Main (profile_idc 77): CABAC, better pictures for the same bits; no B-frames here.
        /// The encoder switches CABAC on even in presets that turn it off (x264 would otherwise signal Baseline);
        /// x264 also sets constraint_set1 (profile-level-id 4D40xx).
        case main
    }

    public var width: Int
    public var height: Int
    public var framerate: Double
    /// Target bit rate (ABR with VBV), kbit/s.
    public var bitrateKbps: Int
    /// VBV buffer, in milliseconds at the target bit rate: small keeps frames small and latency low.
    public var vbvBufferMilliseconds: Int
    /// x264's speed preset: `ultrafast` … `placebo`.
    public var preset: String
    public var profile: Profile
    /// level_idc (31 = level 3.1); nil lets x264 choose from size and rate.
    public var levelIDC: Int?
    /// At most this many frames between IDR frames (in-band SPS/PPS come with every IDR).
    public var keyFrameInterval: Int
    /// Largest NAL unit in bytes (x264 `slice-max-size`); nil for no limit. Needed for
    /// packetization-mode 0, where each NAL unit travels alone in one RTP packet.
    public var maxNALUnitSize: Int?
    /// Encoder threads; 1 keeps latency at one frame (x264 frame threads add a frame each).
    public var threads: Int

    /// The x264 presets, fastest first.
    public static let presets = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow", "placebo"]

    public init(width: Int, height: Int, framerate: Double = 15, bitrateKbps: Int = 768, vbvBufferMilliseconds: Int = 500,
                preset: String = "ultrafast", profile: Profile = .constrainedBaseline, levelIDC: Int? = nil,
                keyFrameInterval: Int = 150, maxNALUnitSize: Int? = nil, threads: Int = 1) {
        self.width = width
        self.height = height
        self.framerate = framerate
        self.bitrateKbps = bitrateKbps
        self.vbvBufferMilliseconds = vbvBufferMilliseconds
        self.preset = preset
        self.profile = profile
        self.levelIDC = levelIDC
        self.keyFrameInterval = keyFrameInterval
        self.maxNALUnitSize = maxNALUnitSize
        self.threads = threads
    }

    /// The first problem that keeps the encoder from opening, in words an installer can act on.
    public var problem: String? {
        if width <= 0 || height <= 0 || width % 2 != 0 || height % 2 != 0 { return "picture size \(width)x\(height): both sides must be even and positive" }
        if !(framerate > 0 && framerate <= 120) { return "frame rate \(framerate): expected 0 < fps ≤ 120" }
        if !(16...50_000).contains(bitrateKbps) { return "bit rate \(bitrateKbps) kbit/s: expected 16…50000" }
        if !(50...10_000).contains(vbvBufferMilliseconds) { return "VBV buffer \(vbvBufferMilliseconds) ms: expected 50…10000" }
        if !Self.presets.contains(preset) { return "x264 preset \"\(preset)\": expected one of \(Self.presets.joined(separator: ", "))" }
        if let levelIDC, !(10...52).contains(levelIDC) { return "H.264 level_idc \(levelIDC): expected 10…52" }
        if keyFrameInterval < 1 { return "key frame interval \(keyFrameInterval): expected at least 1 frame" }
        if let maxNALUnitSize, !(200...65_535).contains(maxNALUnitSize) { return "largest NAL unit \(maxNALUnitSize) bytes: expected 200…65535" }
        if !(1...16).contains(threads) { return "encoder threads \(threads): expected 1…16" }
        return nil
    }
}
