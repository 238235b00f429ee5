import Devices
import H264Encoder
import RTP
import SDP
import SRTP
import Synchronization
import Video

/// One call's video: a thread paced by the camera that encodes each frame with x264, sends it
/// as RFC 6184 RTP, answers key-frame requests (RTCP PLI/FIR, SIP INFO) within a frame, and
/// reports. Frames, packet buffers and the encoder are set up before the first frame; a frame
/// allocates nothing. A missing camera or encoder leaves the call's audio untouched.
final class VideoStream: @unchecked Sendable {
    let callID: String
    let ports: RTPPortPair
    let settings: MediaEngineSettings
    /// What to send; the size and rate become the camera's once it is open.
    var video: VideoSendSettings
    private let cameras: any VideoDeviceProvider
    let events: AsyncStream<MediaEvent>.Continuation
    private let inbox = Mutex(Inbox())
    private let inboxWaiting = Atomic<Bool>(false)
    private let keyFrameAsked = Atomic<Int>(0)
    private let published = Mutex(MediaStatistics())
    private let finished = Atomic<Bool>(false)
    private let started = Atomic<Bool>(false)

    struct Inbox {
        var stream: NegotiatedStream?
        var stop = false
    }

    // Owned by the video thread once it runs.
    let sender: VideoSender
    let receiver = VideoReceiver()
    let rtcp: RTCPReporter
    var limiter = KeyFrameRequestLimiter()
    var encoder: H264Encoder?
    var current: NegotiatedStream?
    var sending = false
    var receiving = false
    var srtp: SRTPContext?
    var destination: MediaAddress?
    var rtcpDestination: MediaAddress?
    private var sdpDestination: MediaAddress?
    var startTime: UInt64 = 0
    var rtcpSent = 0
    var rtcpReceived = 0
    var sendErrors = 0
    var realtimeOffset: Int64 = 0
    var labels = MediaStatistics()
    var counters = VideoCounters()
    var lastPLI: UInt64 = 0
    /// Sums for the means, and the bytes of the last second for the sent rate.
    var latencySum: Double = 0
    var encodeSum: Double = 0
    var rateWindow: (start: UInt64, octets: Int) = (0, 0)

    init(callID: String, ports: RTPPortPair, settings: MediaEngineSettings, video: VideoSendSettings, cameras: any VideoDeviceProvider,
         events: AsyncStream<MediaEvent>.Continuation) {
        self.callID = callID
        self.ports = ports
        self.settings = settings
        self.video = video
        self.cameras = cameras
        self.events = events
        var random = SystemRandomNumberGenerator()
        let ssrc = UInt32.random(in: 1...UInt32.max, using: &random)
        sender = VideoSender(ssrc: ssrc, sequenceNumber: .random(in: 0...0x7FFF, using: &random),
                             timestamp: .random(in: 0...UInt32.max, using: &random), maxPayloadSize: video.maxPayloadSize)
        rtcp = RTCPReporter(ssrc: ssrc, cname: settings.cname, interval: settings.rtcpInterval)
        labels.kind = "video"
        // Until the first publish, `ctl status` shows an empty stream of the right kind.
        published.withLock { $0.kind = "video" }
    }

    func start(_ stream: NegotiatedStream) -> Result<Void, Errno> {
        update(stream)
        started.store(true, ordering: .releasing)
        return DeviceThread.start { [self] in run() }
    }

    /// A re-negotiated stream: applied before the next frame.
    func update(_ stream: NegotiatedStream) {
        inbox.withLock { $0.stream = stream }
        inboxWaiting.store(true, ordering: .releasing)
    }

    /// SIP INFO `picture_fast_update` (or any other signalling-plane request).
    func requestKeyFrame() {
        keyFrameAsked.add(1, ordering: .releasing)
    }

    /// Stops the thread (waiting at most two seconds without blocking a thread) and returns the final statistics.
    func stop() async -> MediaStatistics {
        inbox.withLock { $0.stop = true }
        inboxWaiting.store(true, ordering: .releasing)
        if started.load(ordering: .acquiring) {
            await MediaThread.waitForExit { finished.load(ordering: .acquiring) }
        }
        return statistics
    }

    var statistics: MediaStatistics { published.withLock { $0 } }

    func setPublished(_ statistics: MediaStatistics) { published.withLock { $0 = statistics } }

    // MARK: The video thread

    private func run() {
        let clock = MonotonicClock()
        var camera: (any VideoCapture)?
        do {
            let opened = try cameras.openCamera(width: video.width, height: video.height, framerate: video.framerate)
            // A camera gives the size nearest to the one asked for: encode what it gives.
            (video.width, video.height, video.framerate) = (opened.width & ~1, opened.height & ~1, opened.framerate)
            camera = opened
        } catch {
            events.yield(.videoUnavailable(callID: callID, reason: "\(error)"))
        }
        do {
            receiver.display = try cameras.openDisplay()
        } catch {
            events.yield(.videoDisplayUnavailable(callID: callID, reason: "\(error)"))
        }
        let datagram = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 8)
        defer { datagram.deallocate() }
        startTime = clock.now()
        rateWindow = (startTime, 0)
        var lastPublish = startTime
        while true {
            if inboxWaiting.load(ordering: .acquiring), !applyInbox() { break }
            var frame: I420Frame?
            if let active = camera {
                do {
                    frame = try active.capture()
                } catch {
                    counters.cameraErrors += 1
                    events.yield(.videoUnavailable(callID: callID, reason: "\(error)"))
                    active.close()
                    camera = nil
                }
            } else {
                // No camera: still serve RTCP and received video, at a relaxed pace.
                clock.sleep(until: clock.now() + 100_000_000)
            }
            let now = clock.now()
            realtimeOffset = Int64(bitPattern: AudioStream.wallclock()) - Int64(bitPattern: now)
            drain(ports.rtp, buffer: datagram, now: now, isRTCPPort: false)
            drain(ports.rtcp, buffer: datagram, now: now, isRTCPPort: true)
            if let failure = receiver.displayFailure {
                receiver.displayFailure = nil
                events.yield(.videoDisplayUnavailable(callID: callID, reason: "\(failure)"))
            }
            limiter.request(keyFrameAsked.exchange(0, ordering: .acquiring))
            if let frame, sending, destination != nil { encodeAndSend(frame, clock: clock) }
            askForKeyFrameIfBroken(now: now, buffer: datagram)
            if rtcp.isDue(now: now) { sendReport(now: now, buffer: datagram, bye: false) }
            if now - lastPublish >= 1_000_000_000 {
                publish(now: now)
                lastPublish = now
            }
        }
        let now = clock.now()
        sendReport(now: now, buffer: datagram, bye: true)
        publish(now: now)
        camera?.close()
        receiver.display?.close()
        finished.store(true, ordering: .releasing)
    }

    /// Encodes one frame (an IDR when a request is due) and sends its packets.
    private func encodeAndSend(_ frame: I420Frame, clock: MonotonicClock) {
        guard let encoder, let destination else { return }
        let begin = clock.now()
        let force = limiter.forceKeyFrame(now: begin)
        do {
            try encoder.encode(frame, forceKeyFrame: force) { unit in
                let encoded = clock.now()
                if unit.isKeyFrame, !force { limiter.keyFrameSent(now: begin) }
                sender.send(annexB: unit.annexB, captureTime: unit.captureTimestamp, isKeyFrame: unit.isKeyFrame, now: encoded) { packet in
                    if !ports.rtp.send(packet, to: destination) { sendErrors += 1 }
                }
                let wire = clock.now()
                let latency = Double(wire &- min(wire, unit.captureTimestamp)) / 1e6
                latencySum += latency
                counters.captureToWireMaxMilliseconds = max(counters.captureToWireMaxMilliseconds, latency)
                encodeSum += Double(encoded - begin) / 1e6
            }
        } catch {
            counters.encoderErrors += 1
        }
    }

    /// Applies what the signalling plane sent; false when the stream must stop.
    private func applyInbox() -> Bool {
        inboxWaiting.store(false, ordering: .releasing)
        let (stream, stop) = inbox.withLock { inbox in
            defer { inbox.stream = nil }
            return (inbox.stream, inbox.stop)
        }
        if stop { return false }
        if let stream { apply(stream) }
        return true
    }

    private func apply(_ stream: NegotiatedStream) {
        if stream.crypto != current?.crypto {
            srtp = SRTPContext.forStream(stream.crypto) { events.yield(.srtpUnusable(callID: callID, kind: "video", reason: $0)) }
        }
        let address = MediaAddress(host: stream.remoteAddress, port: stream.remotePort)
        if address != sdpDestination {
            sdpDestination = address
            destination = address
            rtcpDestination = stream.rtcpMux ? address : MediaAddress(host: stream.remoteRTCPAddress, port: stream.remoteRTCPPort)
        }
        configureEncoder(for: stream)
        sender.configure(payloadType: stream.payloadType, packetizationMode: stream.h264?.packetizationMode ?? 0, srtp: srtp)
        receiver.configure(payloadTypes: Set(stream.receiveCodecs.filter { $0.value.matches(.h264) }.keys), srtp: srtp)
        current = stream
        // Keys we cannot use never mean sending in the clear.
        sending = stream.canSend && encoder != nil && (stream.crypto == nil || srtp != nil)
        receiving = stream.canReceive
        labels.codec = stream.codec.description
        labels.payloadType = Int(stream.payloadType)
        labels.srtpSuite = srtp == nil ? nil : stream.crypto?.suite.rawValue
        labels.localPort = Int(ports.port)
        labels.remote = destination?.description ?? "\(stream.remoteAddress):\(stream.remotePort)"
        labels.dscp = settings.videoDSCP
    }

    /// A new encoder when profile, level or packetization mode change; a new bit rate otherwise.
    private func configureEncoder(for stream: NegotiatedStream) {
        let wanted = video.encoderConfiguration(for: stream)
        if let encoder {
            var sameShape = encoder.configuration
            sameShape.bitrateKbps = wanted.bitrateKbps
            if sameShape == wanted {
                if encoder.configuration.bitrateKbps != wanted.bitrateKbps { try? encoder.reconfigure(bitrateKbps: wanted.bitrateKbps) }
                counters.targetKbps = wanted.bitrateKbps
                return
            }
        }
        do {
            // A new encoder starts with an IDR, which serves any waiting request.
            encoder = try H264Encoder(wanted)
        } catch {
            encoder = nil
            events.yield(.videoUnavailable(callID: callID, reason: "\(error)"))
            return
        }
        counters.width = wanted.width
        counters.height = wanted.height
        counters.framerate = wanted.framerate
        counters.profile = wanted.profile.rawValue
        counters.packetizationMode = stream.h264?.packetizationMode ?? 0
        counters.targetKbps = wanted.bitrateKbps
    }
}
