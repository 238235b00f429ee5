import AudioDSP
import Devices
import RTP
import SDP
import SRTP
import SpeexDSP
import Synchronization

/// One call's audio: a media thread paced by the microphone that sends, receives, plays and
/// reports. Everything the 20 ms tick touches is allocated before the call starts; the
/// signalling plane talks to it through a flag-guarded inbox, so the tick takes no lock
/// unless a command is waiting.
final class AudioStream: @unchecked Sendable {
    let callID: String
    let ports: RTPPortPair
    let settings: MediaEngineSettings
    private let devices: any AudioDeviceProvider
    let events: AsyncStream<MediaEvent>.Continuation
    private let inbox = Mutex(Inbox())
    private let inboxWaiting = Atomic<Bool>(false)
    private let published = Mutex(MediaStatistics())
    private let finished = Atomic<Bool>(false)
    private let started = Atomic<Bool>(false)
    private let telephoneEventNegotiated = Atomic<Bool>(false)

    struct Inbox {
        var stream: NegotiatedStream?
        var digits: [(digit: Character, milliseconds: Int?)] = []
        var processing: AudioProcessingParameters?
        var stop = false
    }

    // Owned by the media thread once it runs.
    let sender: AudioSender
    let receiver: AudioReceiver
    let rtcp: RTCPReporter
    var current: NegotiatedStream?
    /// The negotiated direction, kept as flags for the tick.
    private var sending = false
    private var receiving = false
    var srtp: SRTPContext?
    var destination: MediaAddress?
    var rtcpDestination: MediaAddress?
    private var sdpDestination: MediaAddress?
    var lastArrival: UInt64 = 0
    var startTime: UInt64 = 0
    var rtcpSent = 0
    var rtcpReceived = 0
    var sendErrors = 0
    var timedOut = false
    /// Wall clock minus monotonic clock, as of this tick (for the kernel's arrival stamps).
    var realtimeOffset: Int64 = 0
    /// Codec, suite and addresses for the statistics, kept as they change.
    var labels = MediaStatistics()
    /// Echo canceller and gain stages; created on the media thread once the devices are open.
    var chain: AudioProcessingChain?
    private var echoAudibleReported = false

    init(callID: String, ports: RTPPortPair, settings: MediaEngineSettings, devices: any AudioDeviceProvider,
         events: AsyncStream<MediaEvent>.Continuation) {
        self.callID = callID
        self.ports = ports
        self.settings = settings
        self.devices = devices
        self.events = events
        var random = SystemRandomNumberGenerator()
        let ssrc = UInt32.random(in: 1...UInt32.max, using: &random)
        sender = AudioSender(ssrc: ssrc, sequenceNumber: .random(in: 0...0x7FFF, using: &random), timestamp: .random(in: 0...UInt32.max, using: &random))
        receiver = AudioReceiver(jitter: settings.jitterBuffer)
        rtcp = RTCPReporter(ssrc: ssrc, cname: settings.cname, interval: settings.rtcpInterval)
    }

    /// Starts the media thread with the first negotiated stream.
    func start(_ stream: NegotiatedStream) -> Result<Void, Errno> {
        update(stream)
        started.store(true, ordering: .releasing)
        return DeviceThread.start { [self] in run() }
    }

    /// A re-negotiated stream (re-INVITE, UPDATE, hold): applied at the next tick.
    func update(_ stream: NegotiatedStream) {
        inbox.withLock { $0.stream = stream }
        telephoneEventNegotiated.store(stream.telephoneEventPayloadType != nil, ordering: .releasing)
        inboxWaiting.store(true, ordering: .releasing)
    }

    /// Live audio tuning (a reload or `ctl set`), applied at the next tick without a click.
    func updateProcessing(_ parameters: AudioProcessingParameters) {
        inbox.withLock { $0.processing = parameters }
        inboxWaiting.store(true, ordering: .releasing)
    }

    /// Queues RFC 4733 digits; false when the peer did not negotiate telephone-event.
    func sendDTMF(_ digits: String, durationMilliseconds: Int? = nil) -> Bool {
        guard telephoneEventNegotiated.load(ordering: .acquiring) else { return false }
        inbox.withLock { $0.digits.append(contentsOf: digits.map { ($0, durationMilliseconds) }) }
        inboxWaiting.store(true, ordering: .releasing)
        return true
    }

    /// Stops the thread (waiting at most two seconds, without blocking the caller's thread)
    /// and returns the final statistics.
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

    // MARK: The media thread

    private func run() {
        var capture: any AudioCapture
        var playback: any AudioPlayback
        do {
            (capture, playback) = try devices.openAudio()
        } catch {
            events.yield(.deviceFailed(callID: callID, reason: "\(error)"))
            (capture, playback) = Self.silentDevices()
        }
        let rate = capture.format.sampleRate
        chain = AudioProcessingChain(sampleRate: rate, parameters: settings.audioProcessing) { sizing in
            SpeexEchoCanceller(sizing, sampleRate: rate)
        }
        let period = max(capture.periodSize, 1)
        let captured = UnsafeMutableBufferPointer<Int16>.allocate(capacity: period)
        let played = UnsafeMutableBufferPointer<Int16>.allocate(capacity: period)
        let datagram = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 8)
        defer {
            captured.deallocate()
            played.deallocate()
            datagram.deallocate()
        }
        let clock = MonotonicClock()
        startTime = clock.now()
        lastArrival = startTime
        var ticks = 0
        while true {
            if inboxWaiting.load(ordering: .acquiring), !applyInbox() { break }
            let count: Int
            do {
                count = try capture.read(into: captured)
            } catch {
                events.yield(.deviceFailed(callID: callID, reason: "\(error)"))
                capture.close()
                capture = Self.silentDevices().capture
                continue
            }
            let now = clock.now()
            realtimeOffset = Int64(bitPattern: Self.wallclock()) - Int64(bitPattern: now)
            drain(ports.rtp, buffer: datagram, now: now, isRTCPPort: false)
            drain(ports.rtcp, buffer: datagram, now: now, isRTCPPort: true)
            chain?.processCapture(UnsafeMutableBufferPointer(rebasing: captured[0..<count]))
            let samples = UnsafeBufferPointer(rebasing: captured[0..<count])
            if sending, let destination {
                sender.push(samples, now: now) { packet in
                    if !ports.rtp.send(packet, to: destination) { sendErrors += 1 }
                }
            } else {
                sender.discardPending()
            }
            let out = UnsafeMutableBufferPointer(rebasing: played[0..<count])
            receiver.play(into: out, now: now)
            if !receiving { out.update(repeating: 0) }
            chain?.processPlayback(out, queuedSamples: playback.queuedSamples)
            if let chain { reportEcho(chain) }
            do {
                try playback.write(UnsafeBufferPointer(out))
            } catch {
                events.yield(.deviceFailed(callID: callID, reason: "\(error)"))
                playback.close()
                playback = Self.silentDevices().playback
            }
            if rtcp.isDue(now: now) { sendReport(now: now, buffer: datagram, bye: false) }
            checkTimeout(now: now)
            ticks += 1
            if ticks % 50 == 0 { publish(now: now) }
        }
        let now = clock.now()
        sendReport(now: now, buffer: datagram, bye: true)
        publish(now: now)
        capture.close()
        playback.close()
        finished.store(true, ordering: .releasing)
    }

    /// Applies what the signalling plane sent; false when the stream must stop.
    private func applyInbox() -> Bool {
        inboxWaiting.store(false, ordering: .releasing)
        let (stream, digits, processing, stop) = inbox.withLock { inbox in
            defer { inbox.stream = nil; inbox.digits.removeAll(keepingCapacity: true); inbox.processing = nil }
            return (inbox.stream, inbox.digits, inbox.processing, inbox.stop)
        }
        if stop { return false }
        if let processing { chain?.update(processing) }
        if let stream { apply(stream) }
        for (digit, milliseconds) in digits { _ = sender.sendDTMF(digit, durationMilliseconds: milliseconds) }
        return true
    }

    /// Tells the signalling plane, once per occurrence, when the canceller restarted or echo got audible.
    private func reportEcho(_ chain: AudioProcessingChain) {
        if chain.resetPending {
            chain.resetPending = false
            events.yield(.echoCancellerReset(callID: callID))
        }
        let quality = chain.quality
        if quality.echoLikelyAudible != echoAudibleReported {
            echoAudibleReported = quality.echoLikelyAudible
            if quality.echoLikelyAudible {
                events.yield(.echoAudible(callID: callID, erleDB: quality.currentERLEDB ?? 0, residualDBFS: quality.residualEchoDBFS ?? 0))
            }
        }
    }

    private func apply(_ stream: NegotiatedStream) {
        if stream.crypto != current?.crypto {
            srtp = SRTPContext.forStream(stream.crypto) { events.yield(.srtpUnusable(callID: callID, kind: "audio", reason: $0)) }
        }
        let address = MediaAddress(host: stream.remoteAddress, port: stream.remotePort)
        if address != sdpDestination {
            // A new SDP address (or the first): send there until the peer's packets say otherwise.
            sdpDestination = address
            destination = address
            rtcpDestination = stream.rtcpMux ? address : MediaAddress(host: stream.remoteRTCPAddress, port: stream.remoteRTCPPort)
        }
        let law: G711Law = stream.codec.matches(.pcma) ? .aLaw : .muLaw
        sender.configure(payloadType: stream.payloadType, law: law, ptime: stream.sendPtime,
                         telephoneEvent: stream.telephoneEventPayloadType, srtp: srtp)
        var receive: [UInt8: AudioPayload] = [:]
        for (type, map) in stream.receiveCodecs {
            if map.matches(.pcmu) { receive[type] = .pcmu }
            else if map.matches(.pcma) { receive[type] = .pcma }
            else if map.matches(.telephoneEvent) { receive[type] = .telephoneEvent }
            else if map.encoding.uppercased() == "CN" { receive[type] = .comfortNoise }
        }
        if let event = stream.telephoneEventPayloadType { receive[event] = .telephoneEvent }
        receiver.configure(receiveCodecs: receive, srtp: srtp)
        current = stream
        // Keys we cannot use never mean sending in the clear.
        sending = stream.canSend && (stream.crypto == nil || srtp != nil)
        receiving = stream.canReceive
        labels.codec = stream.codec.description
        labels.payloadType = Int(stream.payloadType)
        labels.srtpSuite = srtp == nil ? nil : stream.crypto?.suite.rawValue
        labels.localPort = Int(ports.port)
        labels.remote = destination?.description ?? "\(stream.remoteAddress):\(stream.remotePort)"
        labels.dscp = settings.audioDSCP
    }
}
