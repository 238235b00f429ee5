/// `[video]`: the camera (linphonerc.md §9).
public struct VideoSettings: Sendable, Hashable {
    /// `capture` (bool, 1): send video at all; 0 makes the station audio-only.
    public var capture: Bool
    /// `device` (string, `/dev/video0`): the V4L2 camera.
    public var device: String
    /// `size` (name or `WxH`, `vga`): linphone's names (`qcif` … `1080p`, any case); `640x480` is a doorstation extension.
    public var size: VideoSize
    /// `framerate` (0…60 fps, 0 = 15): capture and encoding rate.
    public var framerate: Double
    /// `automatically_initiate` (bool, 1): offer video in calls we place.
    public var automaticallyInitiate: Bool
    /// `automatically_accept` (bool, 1): accept video offered by the peer.
    public var automaticallyAccept: Bool

    /// `display` (bool, 0): accept video from the peer (linphone's default is 1; a door panel
    /// usually has no screen, so by default it only sends and spares the apartment's upstream).
    public var display: Bool
    /// `early_video` (bool, 1): send video while the apartment rings, when it answers the INVITE
    /// with 183 and SDP (linphone's `incoming_calls_early_media`); 0 starts video on answer.
    public var earlyVideo: Bool
    /// `bitrate` (int kbit/s, 0 = by size: 256 up to QVGA, 768 up to VGA, 1500 up to 720p, else
    /// 3000; 64…20000): the encoder's target. The peer's `b=AS`/`b=TIAS` and `[net] upload_bw`
    /// lower it.
    public var bitrate: Int
    /// `x264_preset` (`ultrafast` … `veryslow`, `ultrafast`): x264's speed preset; `ultrafast`
    /// keeps a Pi 3/4 at 640x480 15 fps on one core.
    public var x264Preset: X264Preset
    /// `profile` (`baseline` | `main`, `baseline`): H.264 profile we encode and offer
    /// (Constrained Baseline is what every phone and PBX decodes).
    public var profile: H264ProfileChoice
    /// `keyframe_interval` (int s, 10, 1…60): an IDR at least this often, so a viewer that
    /// joined late or lost packets without sending PLI recovers.
    public var keyframeInterval: Int

    /// The encoder's bit rate when `bitrate` is 0.
    public var effectiveBitrate: Int {
        if bitrate > 0 { return bitrate }
        let pixels = size.width * size.height
        switch pixels {
        case ...(320 * 240): return 256
        case ...(640 * 480): return 768
        case ...(1280 * 720): return 1500
        default: return 3000
        }
    }

    /// The rate used when `framerate` is 0, a common choice for H.264 on Pi-class boards.
    public static let defaultFramerate = 15.0

    public var effectiveFramerate: Double { framerate == 0 ? Self.defaultFramerate : framerate }

    init(_ r: inout SectionReader) {
        capture = r.bool("capture", default: true, reload: .nextCall)
        device = r.string("device", default: "/dev/video0", validate: ConfigValidators.absolutePath)!
        size = r.custom("size", default: VideoSize.vga, reload: .nextCall, render: \.description, parse: VideoSize.parse)
        framerate = r.number("framerate", default: 0, in: 0...60, unit: "fps", reload: .nextCall)
        automaticallyInitiate = r.bool("automatically_initiate", default: true, reload: .nextCall)
        automaticallyAccept = r.bool("automatically_accept", default: true, reload: .nextCall)
        display = r.bool("display", default: false, reload: .nextCall)
        earlyVideo = r.bool("early_video", default: true, reload: .nextCall)
        bitrate = r.int("bitrate", default: 0, in: 0...20_000, unit: "kbit/s", reload: .nextCall)
        if bitrate > 0, bitrate < 64 { r.error("bitrate", "\(bitrate) kbit/s is too little for any picture: use 0 (by size) or 64…20000") }
        x264Preset = r.choice("x264_preset", default: X264Preset.ultrafast, reload: .nextCall)
        profile = r.choice("profile", default: H264ProfileChoice.baseline, reload: .nextCall)
        keyframeInterval = r.int("keyframe_interval", default: 10, in: 1...60, unit: "s", reload: .nextCall)
    }
}

/// x264's speed presets (`x264 --help`), fastest first.
public enum X264Preset: String, Sendable, Hashable, CaseIterable {
    case ultrafast, superfast, veryfast, faster, fast, medium, slow, slower, veryslow
}

/// The H.264 profiles doorstation encodes.
public enum H264ProfileChoice: String, Sendable, Hashable, CaseIterable {
    case baseline, main
}

/// A picture size: one of linphone's definition names, or `WxH`.
public struct VideoSize: Sendable, Hashable, CustomStringConvertible {
    public var width: Int
    public var height: Int
    /// The linphone name it was given as, kept for `check-config`.
    public var name: String?

    public init(width: Int, height: Int, name: String? = nil) {
        self.width = width
        self.height = height
        self.name = name
    }

    public static let vga = VideoSize(width: 640, height: 480, name: "vga")

    /// linphone's definition names (liblinphone factory.cpp).
    static let named: [String: (Int, Int)] = [
        "1080p": (1920, 1080), "uxga": (1600, 1200), "sxga-": (1280, 960), "720p": (1280, 720),
        "xga": (1024, 768), "svga": (800, 600), "4cif": (704, 576), "vga": (640, 480),
        "cif": (352, 288), "qvga": (320, 240), "qcif": (176, 144),
    ]

    public var description: String { name ?? "\(width)x\(height)" }

    static func parse(_ raw: String) -> Result<VideoSize, ConfigProblem> {
        let text = raw.trimmingWhitespace().lowercased()
        if let (width, height) = named[text] {
            return .success(VideoSize(width: width, height: height, name: text))
        }
        let parts = text.split(separator: "x", omittingEmptySubsequences: false)
        if parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]) {
            guard (16...4096).contains(width), (16...4096).contains(height), width % 2 == 0, height % 2 == 0 else {
                return .failure(ConfigProblem("\(width)x\(height) is not a camera size: both sides must be even and 16…4096"))
            }
            return .success(VideoSize(width: width, height: height))
        }
        let names = named.sorted { ($0.value.0, $0.value.1) < ($1.value.0, $1.value.1) }.map(\.key).joined(separator: ", ")
        return .failure(ConfigProblem("expected WxH such as 640x480 or one of \(names), got \"\(raw)\""))
    }
}
