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
    }
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
