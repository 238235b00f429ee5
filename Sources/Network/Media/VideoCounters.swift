/// What a video stream did beyond the RTP counters of `MediaStatistics`: frames, key frames,
/// the encoder's rate and the time from capture to the wire.
public struct VideoCounters: Sendable, Equatable, Codable {
    public var width = 0
    public var height = 0
    public var framerate: Double = 0
    public var profile = ""
    public var packetizationMode = 0
    /// The encoder's target, kbit/s, after the peer's and `[net]` limits.
    public var targetKbps = 0
    /// What was sent over the last second, kbit/s of RTP payload.
    public var sentKbps: Double = 0
    public var framesSent = 0
    public var keyFramesSent = 0
    /// PLI, FIR and INFO picture_fast_update received, and the IDRs they produced.
    public var keyFrameRequests = 0
    public var keyFramesForced = 0
    /// NAL units too big for packetization-mode 0 (dropped; the encoder's slice limit failed).
    public var oversizedNALUnits = 0
    /// Capture timestamp to the frame's last packet handed to the socket, ms.
    public var captureToWireMeanMilliseconds: Double = 0
    public var captureToWireMaxMilliseconds: Double = 0
    public var encodeMeanMilliseconds: Double = 0
    /// Frames the camera did not deliver (errors, a camera that went away).
    public var cameraErrors = 0
    /// Frames x264 refused (e.g. a camera that changed size).
    public var encoderErrors = 0
    /// Received video (`[video] display=1`): whole access units, key frames, broken ones, PLIs sent.
    public var framesReceived = 0
    public var keyFramesReceived = 0
    public var framesDropped = 0
    public var pliSent = 0
    /// Received frames handed to the display (recorded, on the sim board): from a key frame on,
    /// and after loss again from the next key frame.
    public var framesDisplayed = 0

    public init() {}

    var summary: String {
        var parts = ["\(width)x\(height)@\(MediaStatistics.format(framerate)) \(profile) mode \(packetizationMode)",
                     "\(framesSent) frames (\(keyFramesSent) key)", "target \(targetKbps) kbit/s",
                     "capture→wire \(MediaStatistics.format(captureToWireMeanMilliseconds)) ms mean, \(MediaStatistics.format(captureToWireMaxMilliseconds)) max"]
        if keyFrameRequests > 0 { parts.append("key frame requests \(keyFrameRequests) → \(keyFramesForced) IDR") }
        if framesReceived + framesDropped > 0 { parts.append("received \(framesReceived) frames, \(framesDropped) broken, \(pliSent) PLI, \(framesDisplayed) shown") }
        if cameraErrors > 0 { parts.append("camera errors \(cameraErrors)") }
        if encoderErrors > 0 { parts.append("encoder errors \(encoderErrors)") }
        return parts.joined(separator: ", ")
    }
}
