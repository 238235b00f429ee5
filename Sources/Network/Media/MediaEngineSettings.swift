import AudioDSP
import Devices
import RTP

/// How the media plane runs calls: `[rtp]` ports, jitter buffer, timeout and DSCP marks.
public struct MediaEngineSettings: Sendable {
    public var audioPorts: MediaPortRange
    public var videoPorts: MediaPortRange
    public var jitterBuffer: AudioJitterBuffer.Configuration
    /// End the call when nothing arrives for this long (`nortp_timeout`); nil never.
    public var noRTPTimeout: Duration?
    public var audioDSCP: Int
    public var videoDSCP: Int
    /// Mean interval between RTCP reports (RFC 3550 §6.2 allows a fixed 5 s minimum for two parties).
    public var rtcpInterval: Duration
    /// RTCP SDES CNAME (RFC 7022: random and persistent for the session).
    public var cname: String
    /// The echo canceller, suppressor, echo limiter, noise gate and gains (`[sound]`).
    public var audioProcessing: AudioProcessingParameters
    /// What calls send as video (`[video]`, `[net]`); nil sends none.
    public var video: VideoSendSettings?
    /// Take video from peers (`[video] display`).
    public var receiveVideo: Bool

    public init(audioPorts: MediaPortRange = MediaPortRange(7078...7178, sequential: true), videoPorts: MediaPortRange = MediaPortRange(9078...9178, sequential: true),
                jitterBuffer: AudioJitterBuffer.Configuration = AudioJitterBuffer.Configuration(), noRTPTimeout: Duration? = .seconds(30),
                audioDSCP: Int = 0x2E, videoDSCP: Int = 0x22, rtcpInterval: Duration = .seconds(5), cname: String = "doorstation",
                audioProcessing: AudioProcessingParameters = AudioProcessingParameters(),
                video: VideoSendSettings? = nil, receiveVideo: Bool = false) {
        self.audioPorts = audioPorts
        self.videoPorts = videoPorts
        self.jitterBuffer = jitterBuffer
        self.noRTPTimeout = noRTPTimeout
        self.audioDSCP = audioDSCP
        self.videoDSCP = videoDSCP
        self.rtcpInterval = rtcpInterval
        self.cname = cname
        self.audioProcessing = audioProcessing
        self.video = video
        self.receiveVideo = receiveVideo
    }
}

/// Opens the microphone and speaker for a call, on the call's media thread.
public protocol AudioDeviceProvider: Sendable {
    func openAudio() throws(DeviceError) -> (capture: any AudioCapture, playback: any AudioPlayback)
}
