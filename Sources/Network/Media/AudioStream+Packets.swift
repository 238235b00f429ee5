import Devices
import RTP
import SRTP

#if canImport(Glibc)
import Glibc
#endif

/// The media thread's packet work: draining the sockets, symmetric RTP, RTCP reports, the
/// RTP timeout and the statistics the signalling plane reads.
extension AudioStream {
    /// Reads the waiting datagrams of `socket` (with rtcp-mux both kinds share the RTP port).
    func drain(_ socket: UDPSocket, buffer: UnsafeMutableRawBufferPointer, now: UInt64, isRTCPPort: Bool) {
        // At most 64 a tick: a flood cannot keep the tick from playing audio.
        MediaSocketDrain.drain(socket, buffer: buffer, now: now, realtimeOffset: realtimeOffset, isRTCPPort: isRTCPPort, limit: 64,
                               rtcp: { receiveRTCP(buffer, length: $0, from: $1, now: $2) },
                               rtp: { receiveRTP(buffer, length: $0, from: $1, now: $2) },
                               malformed: { receiver.intake.countMalformed() })
    }

    private func receiveRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int, from source: MediaAddress, now: UInt64) {
        switch receiver.receive(buffer, length: length, arrival: now) {
        case .dropped:
            return
        case .dtmf(let digit, let duration):
            events.yield(.dtmf(callID: callID, digit: digit, durationMilliseconds: duration))
        case .dtmfReleased(let digit, let duration):
            events.yield(.dtmfReleased(callID: callID, digit: digit, durationMilliseconds: duration))
        case .audio, .other:
            break
        }
        lastArrival = now
        latch(source)
    }

    /// Symmetric RTP (RFC 4961): answer to where the peer's valid packets come from, which
    /// differs from its SDP address behind NAT. Only packets that passed SRTP and SSRC checks count.
    private func latch(_ source: MediaAddress) {
        guard source != destination else { return }
        let previous = destination?.description ?? "none"
        destination = source
        labels.remote = source.description
        if current?.rtcpMux == true { rtcpDestination = source }
        events.yield(.remoteMoved(callID: callID, from: previous, to: source.description))
    }

    private func receiveRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int, from source: MediaAddress, now: UInt64) {
        guard let bytes = receiver.intake.openRTCP(buffer, length: length) else { return }
        let wallclock = UInt64(max(0, Int64(bitPattern: now) + realtimeOffset))
        let feedback = rtcp.receive(bytes, now: now, wallclock: wallclock)
        guard feedback.valid else {
            receiver.intake.countMalformed()
            return
        }
        rtcpReceived += 1
        lastArrival = now
        if current?.rtcpMux != true, source != rtcpDestination { rtcpDestination = source }
        if feedback.keyFrameRequested { events.yield(.keyFrameRequested(callID: callID)) }
    }

    func sendReport(now: UInt64, buffer: UnsafeMutableRawBufferPointer, bye: Bool) {
        guard let rtcpDestination else { return }
        var length = rtcp.makeReport(now: now, wallclock: Self.wallclock(), sender: sender, receiver: receiver, bye: bye, into: buffer)
        guard length > 0 else { return }
        if let srtp {
            guard let protected = try? srtp.protectRTCP(buffer, length: length) else { return }
            length = protected
        }
        let socket = current?.rtcpMux == true ? ports.rtp : ports.rtcp
        if socket.send(UnsafeRawBufferPointer(rebasing: buffer[0..<length]), to: rtcpDestination) { rtcpSent += 1 } else { sendErrors += 1 }
    }

    /// `nortp_timeout`: nothing for that long ends the call, unless the peer holds us (it need not send then).
    func checkTimeout(now: UInt64) {
        guard !timedOut, let limit = settings.noRTPTimeout, let current, current.remoteDirection.sends else { return }
        let seconds = limit.components.seconds
        guard seconds > 0, now - lastArrival > UInt64(seconds) * 1_000_000_000 else { return }
        timedOut = true
        events.yield(.timeout(callID: callID, seconds: Int(seconds)))
    }

    /// Copies the counters where `ctl status` reads them (once a second, and at the end).
    func publish(now: UInt64) {
        // The labels were set when they changed (apply, latch): copying them allocates nothing.
        var stats = labels
        stats.seconds = Double(now - startTime) / 1e9
        stats.packetsSent = Int(sender.statistics.packets)
        stats.octetsSent = Int(sender.statistics.octets)
        stats.dtmfSent = sender.dtmfSent
        let reception = receiver.statistics
        stats.packetsReceived = receiver.packets
        stats.octetsReceived = receiver.octets
        stats.packetsLost = max(0, Int(reception.cumulativeLost))
        let expected = Int(reception.expectedPackets)
        stats.lossPercent = expected > 0 ? Double(stats.packetsLost) * 100 / Double(expected) : 0
        stats.jitterMilliseconds = reception.jitterMilliseconds
        stats.roundTripMilliseconds = rtcp.roundTripSeconds.map { $0 * 1000 }
        stats.remoteLossPercent = rtcp.remoteFractionLost.map { Double($0) * 100 / 256 }
        stats.remoteJitterMilliseconds = rtcp.remoteJitter.map { Double($0) / 8 }
        let jitter = receiver.jitterBuffer.statistics
        stats.jitterBufferMilliseconds = jitter.currentDelayMilliseconds
        stats.concealedMilliseconds = jitter.concealedSamples / 8
        stats.timeScaledMilliseconds = jitter.driftAdjustedSamples / 8
        stats.lateOrDuplicatePackets = receiver.lateOrDuplicate
        stats.malformedPackets = receiver.intake.malformed
        stats.foreignSSRCPackets = receiver.foreignSSRC
        stats.unknownPayloadPackets = receiver.unknownPayload
        stats.srtpAuthenticationFailures = receiver.intake.authenticationFailures
        stats.srtpReplays = receiver.intake.replays
        stats.dtmfReceived = receiver.dtmfReceived
        stats.rtcpSent = rtcpSent
        stats.rtcpReceived = rtcpReceived
        stats.sendErrors = sendErrors
        if let chain, chain.isCancellingEcho { stats.echo = chain.quality }
        setPublished(stats)
    }

    /// Wall-clock nanoseconds since 1970, for RTCP's NTP timestamps.
    static func wallclock() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// A microphone of silence and a speaker that discards, paced by the monotonic clock: the
    /// call goes on (and keeps its timing) when the real devices fail.
    static func silentDevices() -> (capture: any AudioCapture, playback: any AudioPlayback) {
        let capture = SimulatedAudioCapture(source: .tone(frequency: 1000, amplitude: 0))
        // Only opening a recording can fail, and this playback has none.
        let playback = try! SimulatedAudioPlayback()
        return (capture, playback)
    }
}
