import Devices
import H264Encoder
import SDP

/// How calls send video (`[video]`, `[net]`): what the encoder is asked for before the peer's
/// answer narrows it (profile level, packetization mode, `b=AS`).
public struct VideoSendSettings: Sendable, Hashable {
    public var width: Int
    public var height: Int
    public var framerate: Double
    /// Target bit rate, kbit/s (`[video] bitrate`, by size when 0).
    public var bitrateKbps: Int
    /// `[net] upload_bw`: our upstream, kbit/s; nil unlimited.
    public var uploadKbps: Int?
    public var preset: String
    public var profile: H264EncoderConfiguration.Profile
    /// An IDR at least this often, seconds.
    public var keyFrameIntervalSeconds: Int
    /// The largest RTP payload (`[net] mtu` minus headers).
    public var maxPayloadSize: Int
    /// Send video while the apartment rings (183 with SDP).
    public var earlyVideo: Bool

    public init(width: Int = 640, height: Int = 480, framerate: Double = 15, bitrateKbps: Int = 768, uploadKbps: Int? = nil,
                preset: String = "ultrafast", profile: H264EncoderConfiguration.Profile = .constrainedBaseline,
                keyFrameIntervalSeconds: Int = 10, maxPayloadSize: Int = 1208, earlyVideo: Bool = true) {
        self.width = width
        self.height = height
        self.framerate = framerate
        self.bitrateKbps = bitrateKbps
        self.uploadKbps = uploadKbps
        self.preset = preset
        self.profile = profile
        self.keyFrameIntervalSeconds = keyFrameIntervalSeconds
        self.maxPayloadSize = maxPayloadSize
        self.earlyVideo = earlyVideo
    }

    /// Room left for audio when `[net] upload_bw` caps the video: G.711 with its headers.
    static let audioAllowanceKbps = 96

    /// The bit rate for a negotiated stream: ours, lowered by the peer's `b=TIAS`/`b=AS`, by
    /// `max-br` (RFC 6184 §8.1, units of 1000 bit/s for Baseline/Main VCL) and by our upstream.
    func bitrate(for stream: NegotiatedStream) -> Int {
        var kbps = bitrateKbps
        if let peer = stream.remoteBandwidthKbps { kbps = min(kbps, peer) }
        if let maxBR = stream.h264?.maxBR { kbps = min(kbps, maxBR) }
        if let uploadKbps { kbps = min(kbps, uploadKbps - Self.audioAllowanceKbps) }
        return max(kbps, 32)
    }

    /// The encoder configuration for a negotiated stream: our profile at the level we may send,
    /// single-NAL-sized slices when the peer takes only packetization-mode 0.
    func encoderConfiguration(for stream: NegotiatedStream) -> H264EncoderConfiguration {
        let mode = stream.h264?.packetizationMode ?? 0
        return H264EncoderConfiguration(
            width: width, height: height, framerate: framerate, bitrateKbps: bitrate(for: stream),
            preset: preset, profile: profile, levelIDC: level(for: stream),
            keyFrameInterval: max(1, Int((Double(keyFrameIntervalSeconds) * framerate).rounded())),
            maxNALUnitSize: mode == 0 ? maxPayloadSize : nil, threads: 1)
    }
}

extension VideoSendSettings {
    /// The level_idc to write in our SPS: the negotiated one when our picture fits it (H.264
    /// Table A-1, MaxFS in macroblocks), else nil so x264 states the level our picture needs.
    /// A peer that named a lower level (or none: RFC 6184's default is 1.0) still gets our
    /// picture; decoders in practice take it, and a wrong level would be worse than an honest one.
    func level(for stream: NegotiatedStream) -> Int? {
        guard let negotiated = stream.h264?.profileLevelID.levelIDC, negotiated >= 10,
              Int(negotiated) >= Self.requiredLevel(width: width, height: height, framerate: framerate) else { return nil }
        return Int(negotiated)
    }
}

/// Opens the camera (and the screen) for a call's video, on the call's video thread.
public protocol VideoDeviceProvider: Sendable {
    func openCamera(width: Int, height: Int, framerate: Double) throws(DeviceError) -> any VideoCapture
    /// Where received video goes; nil shows it nowhere (it is still received and counted).
    func openDisplay() throws(DeviceError) -> (any VideoDisplay)?
}

extension VideoDeviceProvider {
    /// A station without a screen.
    public func openDisplay() throws(DeviceError) -> (any VideoDisplay)? { nil }
}

/// A station without a camera: a call that negotiated video (to receive it) sends none.
struct NoCamera: VideoDeviceProvider {
    func openCamera(width: Int, height: Int, framerate: Double) throws(DeviceError) -> any VideoCapture {
        throw DeviceError(device: "camera", operation: "opening", reason: "this station has no camera ([video] capture=0 or none found)")
    }
}

extension VideoSendSettings {
    /// The lowest level_idc whose frame size and macroblock rate (H.264 Table A-1) take this
    /// picture, for our `profile-level-id`.
    public static func requiredLevel(width: Int, height: Int, framerate: Double) -> Int {
        let macroblocks = ((width + 15) / 16) * ((height + 15) / 16)
        let rate = Double(macroblocks) * framerate
        let table: [(level: Int, frame: Int, rate: Double)] = [
            (10, 99, 1485), (11, 396, 3000), (12, 396, 6000), (13, 396, 11880), (20, 396, 11880), (21, 792, 19800),
            (22, 1620, 20250), (30, 1620, 40500), (31, 3600, 108_000), (32, 5120, 216_000), (40, 8192, 245_760),
            (42, 8704, 522_240), (50, 22080, 589_824), (51, 36864, 983_040),
        ]
        return table.first { $0.frame >= macroblocks && $0.rate >= rate }?.level ?? 52
    }
}
