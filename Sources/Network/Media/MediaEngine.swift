import Logging
import SDP
import Synchronization

/// The media plane of every call: binds each call's RTP/RTCP ports before its SDP is written,
/// runs its audio stream once media is negotiated, and reports DTMF, timeouts and statistics.
/// The signalling plane calls it; media threads never wait for it.
public final class MediaEngine: Sendable {
    private let current: Mutex<MediaEngineSettings>
    private let devices: any AudioDeviceProvider
    private let calls = Mutex<[String: Entry]>([:])
    private let continuation: AsyncStream<MediaEvent>.Continuation
    /// DTMF, timeouts, moved peers and device failures, for the user agent.
    public let events: AsyncStream<MediaEvent>

    private struct Entry {
        var ports: RTPPortPair
        var audio: AudioStream?
    }

    public init(settings: MediaEngineSettings, devices: any AudioDeviceProvider) {
        current = Mutex(settings)
        self.devices = devices
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

    /// Binds the call's audio port pair (on the family of `localAddress`: IPv6 when it has a
    /// colon, brackets or not) and returns the RTP port.
    public func reserve(callID: String, localAddress: String) throws(MediaSocketError) -> UInt16 {
        if let existing = calls.withLock({ $0[callID]?.ports.port }) { return existing }
        var random = SystemRandomNumberGenerator()
        let settings = self.settings
        let pair = try RTPPortPair.bind(localAddress: localAddress, ports: settings.audioPorts, dscp: settings.audioDSCP, using: &random)
        calls.withLock { $0[callID] = Entry(ports: pair) }
        return pair.port
    }

    /// Starts the call's audio with its negotiated stream, or applies a re-negotiation.
    /// Returns an error text when the stream could not start.
    @discardableResult
    public func apply(callID: String, session: NegotiatedSession) -> String? {
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

    /// Sends `digits` as RFC 4733 events; false when the call has no running audio with telephone-event.
    public func sendDTMF(callID: String, digits: String) -> Bool {
        guard let stream = calls.withLock({ $0[callID]?.audio }) else { return false }
        return stream.sendDTMF(digits)
    }

    /// The running statistics of the call's audio, nil before media starts.
    public func statistics(callID: String) -> MediaStatistics? {
        calls.withLock { $0[callID]?.audio }?.statistics
    }

    /// Stops the call's media and frees its ports; the final statistics when media ran.
    @discardableResult
    public func stop(callID: String) async -> MediaStatistics? {
        guard let entry = calls.withLock({ $0.removeValue(forKey: callID) }) else { return nil }
        return await entry.audio?.stop()
    }

    /// Stops every call's media and ends `events` (at shutdown).
    public func shutdown() async {
        let entries = calls.withLock { calls in
            defer { calls.removeAll() }
            return Array(calls.values)
        }
        for entry in entries { _ = await entry.audio?.stop() }
        continuation.finish()
    }
}
