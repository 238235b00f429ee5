import AudioDSP

/// What one stream of a call did: read by `ctl status` while the call runs and logged when it
/// ends. Counts are since the stream started; rates are over the last RTCP interval.
public struct MediaStatistics: Sendable, Equatable, Codable {
    public var kind = "audio"
    public var codec = ""
    public var payloadType: Int = 0
    /// The SRTP suite, nil for plain RTP. Never the key.
    public var srtpSuite: String?
    public var localPort: Int = 0
    /// Where we send RTP: the SDP address, or where the peer's packets come from (symmetric RTP).
    public var remote = ""
    public var dscp: Int = 0
    public var seconds: Double = 0

    public var packetsSent: Int = 0
    public var octetsSent: Int = 0
    public var packetsReceived: Int = 0
    public var octetsReceived: Int = 0
    /// Expected minus received (RFC 3550 A.3), never negative.
    public var packetsLost: Int = 0
    public var lossPercent: Double = 0
    /// Interarrival jitter of the peer's packets (RFC 3550 A.8).
    public var jitterMilliseconds: Double = 0
    /// Round trip from the peer's RTCP reports (RFC 3550 §6.4.1); nil before the first.
    public var roundTripMilliseconds: Double?
    /// What the peer reports about our packets, from its last report block.
    public var remoteLossPercent: Double?
    public var remoteJitterMilliseconds: Double?

    public var jitterBufferMilliseconds: Int = 0
    public var concealedMilliseconds: Int = 0
    /// Audio the jitter buffer dropped or stretched to follow the network and clock drift.
    public var timeScaledMilliseconds: Int = 0
    public var lateOrDuplicatePackets: Int = 0
    /// Datagrams that were not RTP or RTCP we could use: truncated, garbage, wrong version.
    public var malformedPackets: Int = 0
    /// RTP from an SSRC other than the peer's current one.
    public var foreignSSRCPackets: Int = 0
    public var unknownPayloadPackets: Int = 0
    public var srtpAuthenticationFailures: Int = 0
    public var srtpReplays: Int = 0
    public var rtcpSent: Int = 0
    public var rtcpReceived: Int = 0
    public var dtmfSent: Int = 0
    public var dtmfReceived: Int = 0
    public var sendErrors: Int = 0
    /// How well the echo is removed (nil with `echocancellation=0` or before far-end speech).
    public var echo: EchoQualityMeter.Summary?
    /// Frames, key frames and latency, for a video stream.
    public var video: VideoCounters?

    public init() {}

    /// One line for the log at the end of a call.
    public var summary: String {
        var parts = ["\(kind) \(codec)", srtpSuite.map { "SRTP \($0)" } ?? "RTP",
                     "sent \(packetsSent)", "received \(packetsReceived)",
                     "lost \(packetsLost) (\(Self.format(lossPercent))%)", "jitter \(Self.format(jitterMilliseconds)) ms"]
        if let roundTripMilliseconds { parts.append("rtt \(Self.format(roundTripMilliseconds)) ms") }
        if concealedMilliseconds > 0 { parts.append("concealed \(concealedMilliseconds) ms") }
        if srtpAuthenticationFailures + srtpReplays > 0 {
            parts.append("srtp rejected \(srtpAuthenticationFailures) auth, \(srtpReplays) replay")
        }
        if let echo, let erle = echo.erleDB {
            parts.append("ERLE \(Self.format(erle)) dB over \(Self.format(echo.singleTalkSeconds)) s")
            if let attenuation = echo.doubleTalkAttenuationDB { parts.append("double-talk attenuation \(Self.format(attenuation)) dB") }
            if echo.resets > 0 { parts.append("echo canceller reset \(echo.resets)×") }
        }
        if let video { parts.append(video.summary) }
        if malformedPackets + foreignSSRCPackets > 0 { parts.append("dropped \(malformedPackets) malformed, \(foreignSSRCPackets) foreign SSRC") }
        return parts.joined(separator: ", ")
    }

    static func format(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        return tenths.truncatingRemainder(dividingBy: 10) == 0 ? String(Int(tenths / 10)) : String(tenths / 10)
    }
}

/// Something the media plane tells the signalling plane about a call.
public enum MediaEvent: Sendable, Equatable {
    /// An RFC 4733 telephone-event, reported once per key press.
    case dtmf(callID: String, digit: Character, durationMilliseconds: Int)
    /// That key went up (its first end packet), after being held this long.
    case dtmfReleased(callID: String, digit: Character, durationMilliseconds: Int)
    /// Nothing (RTP or RTCP) arrived for `[rtp] nortp_timeout` seconds.
    case timeout(callID: String, seconds: Int)
    /// Symmetric RTP: the peer's packets come from another address than its SDP said.
    case remoteMoved(callID: String, from: String, to: String)
    /// RTCP PLI or FIR: the peer wants a key frame.
    case keyFrameRequested(callID: String)
    /// The call's video cannot run (no camera, an encoder that would not open); audio goes on.
    case videoUnavailable(callID: String, reason: String)
    /// Received video cannot be shown (or recorded, on the sim board); the call goes on.
    case videoDisplayUnavailable(callID: String, reason: String)
    /// The camera failed during the call, or came back.
    case cameraChanged(callID: String, description: String)
    /// The negotiated SRTP keys cannot be used (libsrtp refused them): the stream sends nothing
    /// rather than send in the clear. `kind` is "audio" or "video".
    case srtpUnusable(callID: String, kind: String, reason: String)
    /// The audio device failed; the call goes on with silence.
    case deviceFailed(callID: String, reason: String)
    /// The echo canceller diverged (clipped or broken input) and started over.
    case echoCancellerReset(callID: String)
    /// The far end probably hears its own echo: ERLE is low while echo is still loud.
    case echoAudible(callID: String, erleDB: Double, residualDBFS: Double)
}
