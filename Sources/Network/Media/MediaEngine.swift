import Logging
import SDP
import Synchronization

/// The media plane of every call: binds each call's RTP/RTCP ports before its SDP is written,
/// runs its audio and video streams once media is negotiated, and reports DTMF, timeouts and
/// statistics. The signalling plane calls it; media threads never wait for it.
public final class MediaEngine: Sendable {
    private let current: Mutex<MediaEngineSettings>
    private let devices: any AudioDeviceProvider
    private let cameras: (any VideoDeviceProvider)?
    private let calls = Mutex<[String: Entry]>([:])
    private let continuation: AsyncStream<MediaEvent>.Continuation
    /// DTMF, timeouts, moved peers and device failures, for the user agent.
    public let events: AsyncStream<MediaEvent>

    private struct Entry {
        var ports: RTPPortPair
        var audio: AudioStream?
        var videoPorts: RTPPortPair?
        var video: VideoStream?
    }

    /// - Parameter cameras: where video comes from; nil (or `settings.video` nil) makes calls audio-only.
    public init(settings: MediaEngineSettings, devices: any AudioDeviceProvider, cameras: (any VideoDeviceProvider)? = nil) {
        current = Mutex(settings)
        self.devices = devices
        self.cameras = cameras
        (events, continuation) = AsyncStream.makeStream(of: MediaEvent.self, bufferingPolicy: .bufferingNewest(256))
    }

    /// The settings new calls get.
    public var settings: MediaEngineSettings { current.withLock { $0 } }

    /// Adopts new settings (a reload): ports and sizes for the calls that start from now on, the
    /// audio tuning (`[sound]` gains, limiter, gate, suppressor) also for the running calls.
    public func update(_ settings: MediaEngineSettings) {
        current.withLock { $0 = settings }
        for stream in calls.withLock({ $0.values.compactMap(\.audio) }) {
            stream.updateProcessing(settings.audioProcessing)
        }
    }

    /// Whether calls carry video: something to send or a wish to receive.
    public var hasVideo: Bool {
        let settings = self.settings
        return (settings.video != nil && cameras != nil) || settings.receiveVideo
    }

    /// Binds the call's audio port pair, and its video pair when calls carry video (on the
    /// family of `localAddress`: IPv6 when it has a colon, brackets or not); returns the RTP ports.
    @discardableResult
    public func reserve(callID: String, localAddress: String) throws(MediaSocketError) -> (audio: UInt16, video: UInt16?) {
        if let existing = calls.withLock({ $0[callID] }) { return (existing.ports.port, existing.videoPorts?.port) }
        var random = SystemRandomNumberGenerator()
        let settings = self.settings
        let pair = try RTPPortPair.bind(localAddress: localAddress, ports: settings.audioPorts, dscp: settings.audioDSCP, using: &random)
        // No free video port leaves the call audio-only rather than refusing it.
        let videoPair = hasVideo ? try? RTPPortPair.bind(localAddress: localAddress, ports: settings.videoPorts, dscp: settings.videoDSCP, using: &random) : nil
        calls.withLock { $0[callID] = Entry(ports: pair, videoPorts: videoPair) }
        return (pair.port, videoPair?.port)
    }

    /// Starts the call's streams with what was negotiated, or applies a re-negotiation. `early`
    /// is media before the answer (183): video then starts only with `early_video`.
    /// Returns an error text when a stream could not start.
    @discardableResult
    public func apply(callID: String, session: NegotiatedSession, early: Bool = false) -> String? {
        var problems: [String] = []
        if let video = session.video, video.remotePort != 0, !early || (settings.video?.earlyVideo ?? false),
           let problem = applyVideo(callID: callID, stream: video) {
            problems.append(problem)
        }
        if let problem = applyAudio(callID: callID, session: session) { problems.append(problem) }
        return problems.isEmpty ? nil : problems.joined(separator: "; ")
    }

    private func applyAudio(callID: String, session: NegotiatedSession) -> String? {
        guard let audio = session.audio, audio.remotePort != 0 else { return nil }
        let (stream, isNew): (AudioStream?, Bool) = calls.withLock { calls in
            guard var entry = calls[callID] else { return (nil, false) }
            if let running = entry.audio { return (running, false) }
            let stream = AudioStream(callID: callID, ports: entry.ports, settings: current.withLock { $0 }, devices: devices, events: continuation)
            entry.audio = stream
            calls[callID] = entry
            return (stream, true)
        }
        guard let stream else { return "no RTP ports reserved for call \(callID)" }
        guard isNew else {
            stream.update(audio)
            return nil
        }
        if case .failure(let error) = stream.start(audio) {
            calls.withLock { $0[callID]?.audio = nil }
            return "cannot start the media thread: \(error)"
        }
        return nil
    }

    private func applyVideo(callID: String, stream: NegotiatedStream) -> String? {
        let settings = self.settings
        let send = settings.video ?? VideoSendSettings()
        let cameras = self.cameras ?? NoCamera()
        let (video, isNew): (VideoStream?, Bool) = calls.withLock { calls in
            guard var entry = calls[callID], let ports = entry.videoPorts else { return (nil, false) }
            if let running = entry.video { return (running, false) }
            let video = VideoStream(callID: callID, ports: ports, settings: settings, video: send, cameras: cameras, events: continuation)
            entry.video = video
            calls[callID] = entry
            return (video, true)
        }
        guard let video else { return "no video ports reserved for call \(callID)" }
        guard isNew else {
            video.update(stream)
            return nil
        }
        if case .failure(let error) = video.start(stream) {
            calls.withLock { $0[callID]?.video = nil }
            return "cannot start the video thread: \(error)"
        }
        return nil
    }

    /// SIP INFO `picture_fast_update`: the call's next frame is a key frame (rate-limited).
    public func requestKeyFrame(callID: String) {
        calls.withLock { $0[callID]?.video }?.requestKeyFrame()
    }

    /// Sends `digits` as RFC 4733 events; false when the call has no running audio with telephone-event.
    public func sendDTMF(callID: String, digits: String, durationMilliseconds: Int? = nil) -> Bool {
        guard let stream = calls.withLock({ $0[callID]?.audio }) else { return false }
        return stream.sendDTMF(digits, durationMilliseconds: durationMilliseconds)
    }

    /// The running statistics of the call's audio, nil before media starts.
    public func statistics(callID: String) -> MediaStatistics? {
        calls.withLock { $0[callID]?.audio }?.statistics
    }

    /// The running statistics of the call's video, nil when it has none.
    public func videoStatistics(callID: String) -> MediaStatistics? {
        calls.withLock { $0[callID]?.video }?.statistics
    }

    /// Stops the call's media and frees its ports; the final statistics of the streams that
    /// ran, audio first.
    @discardableResult
    public func stop(callID: String) async -> [MediaStatistics] {
        guard let entry = calls.withLock({ $0.removeValue(forKey: callID) }) else { return [] }
        async let video = entry.video?.stop()
        let audio = await entry.audio?.stop()
        return [audio, await video].compactMap { $0 }
    }

    /// Stops every call's media and ends `events` (at shutdown).
    public func shutdown() async {
        let entries = calls.withLock { calls in
            defer { calls.removeAll() }
            return Array(calls.values)
        }
        for entry in entries {
            _ = await entry.audio?.stop()
            _ = await entry.video?.stop()
        }
        continuation.finish()
    }
}
