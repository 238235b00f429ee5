import Config
import Devices
import H264Encoder
import LinuxDevices
import Network
import SDP
import Synchronization

/// The board's camera, opened for each call's video: the test pattern on the sim backend, the
/// V4L2 camera `[video] device` on the linux backend (reopened if it goes away mid-call). With
/// `[video] display=1` the sim board records received video to `sim_video_sink`.
final class BoardVideo: VideoDeviceProvider {
    private let settings: Mutex<(board: BoardSettings, video: VideoSettings)>
    private let events: @Sendable (String) -> Void

    /// - Parameter events: gets a line when the camera goes away or comes back during a call.
    init(_ settings: Settings, events: @escaping @Sendable (String) -> Void = { _ in }) {
        self.settings = Mutex((settings.board, settings.video))
        self.events = events
    }

    func update(_ settings: Settings) { self.settings.withLock { $0 = (settings.board, settings.video) } }

    /// Runs on the call's video thread.
    func openCamera(width: Int, height: Int, framerate: Double) throws(DeviceError) -> any VideoCapture {
        let (board, video) = settings.withLock { $0 }
        switch board.backend {
        case .sim:
            return SimulatedCamera(width: width, height: height, framerate: framerate)
        case .linux:
            return try Self.openLinux(device: video.device, width: width, height: height, framerate: framerate, events: events)
        }
    }

    /// Runs on the call's video thread: the sim board's recording, replaced by each call. The
    /// linux backend has no screen yet.
    func openDisplay() throws(DeviceError) -> (any VideoDisplay)? {
        let (board, video) = settings.withLock { $0 }
        guard board.backend == .sim, video.display, let path = board.simulatedVideoSink else { return nil }
        return try AnnexBRecorder(path: path)
    }

    /// The V4L2 camera, wrapped so that a camera unplugged mid-call is reopened (the far end
    /// sees the last picture meanwhile). The first opening must work: its error goes to the call.
    private static func openLinux(device: String, width: Int, height: Int, framerate: Double,
                                  events: @escaping @Sendable (String) -> Void) throws(DeviceError) -> any VideoCapture {
        let camera = try V4L2Camera(device: device, width: width, height: height, framerate: framerate)
        let (actualWidth, actualHeight, actualRate) = (camera.width, camera.height, camera.framerate)
        return ReopeningCamera(
            width: actualWidth, height: actualHeight, framerate: actualRate, camera: camera, device: device,
            report: { event in
                switch event {
                case .lost(let error): events("lost: \(error)")
                case .stillMissing(let error): events("still missing: \(error)")
                case .reopened: events("reopened")
                }
            },
            open: { () throws(DeviceError) -> any VideoCapture in
                try V4L2Camera(device: device, width: actualWidth, height: actualHeight, framerate: actualRate)
            })
    }

    /// At start-up: whether the camera opens. A station without one runs audio-only and says so.
    func probe() -> Result<String, DeviceError> {
        let (board, video) = settings.withLock { $0 }
        guard board.backend == .linux else { return .success("simulated camera \(video.size) test pattern") }
        do {
            let camera = try V4L2Camera(device: video.device, width: video.size.width, height: video.size.height, framerate: video.effectiveFramerate)
            defer { camera.close() }
            return .success(camera.description)
        } catch {
            return .failure(error)
        }
    }
}

extension UserAgentSetup {
    /// `[video]` and `[net]` as the media plane's video sender needs them; nil when video is off.
    static func videoSend(_ settings: Settings) -> VideoSendSettings? {
        let video = settings.video
        guard video.capture else { return nil }
        return VideoSendSettings(
            width: video.size.width, height: video.size.height, framerate: video.effectiveFramerate,
            bitrateKbps: video.effectiveBitrate, uploadKbps: settings.net.uploadBandwidth > 0 ? settings.net.uploadBandwidth : nil,
            preset: video.x264Preset.rawValue, profile: video.profile == .main ? .main : .constrainedBaseline,
            keyFrameIntervalSeconds: video.keyframeInterval, maxPayloadSize: settings.net.maxRTPPayload, earlyVideo: video.earlyVideo)
    }

    /// What we offer and accept as H.264: our profile at the level our picture needs, sending
    /// only unless `[video] display=1` (a panel without a screen spares the apartment's upstream).
    static func videoCapability(_ settings: Settings, sends: Bool) -> H264Capability {
        let video = settings.video
        let level = UInt8(VideoSendSettings.requiredLevel(width: video.size.width, height: video.size.height, framerate: video.effectiveFramerate))
        let profile = video.profile == .main
            ? H264ProfileLevelID(profileIDC: 0x4D, profileIOP: 0x00, levelIDC: level)
            : H264ProfileLevelID(profileIDC: 0x42, profileIOP: 0xE0, levelIDC: level)
        let direction: MediaDirection = sends ? (video.display ? .sendrecv : .sendonly) : .recvonly
        return H264Capability(profileLevelID: profile, direction: direction)
    }
}
