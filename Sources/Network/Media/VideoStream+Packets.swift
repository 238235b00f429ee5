import RTP
import SRTP

/// The video thread's packet work: draining the sockets, symmetric RTP, RTCP in and out
/// (reports, PLI/FIR from the peer, PLI to a peer whose picture broke), and the statistics.
extension VideoStream {
    func drain(_ socket: UDPSocket, buffer: UnsafeMutableRawBufferPointer, now: UInt64, isRTCPPort: Bool) {
        // At most 256 a frame: a flood cannot hold up the next frame for long.
        MediaSocketDrain.drain(socket, buffer: buffer, now: now, realtimeOffset: realtimeOffset, isRTCPPort: isRTCPPort, limit: 256,
                               rtcp: { receiveRTCP(buffer, length: $0, from: $1, now: $2) },
                               rtp: { if receiver.receive(buffer, length: $0, arrival: $2) == .video { latch($1) } },
                               malformed: { receiver.intake.countMalformed() })
    }

    /// Symmetric RTP (RFC 4961), as for audio: a peer that sends video from behind NAT gets ours there.
    private func latch(_ source: MediaAddress) {
        guard source != destination else { return }
        destination = source
        labels.remote = source.description
        if current?.rtcpMux == true { rtcpDestination = source }
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
        if current?.rtcpMux != true, source != rtcpDestination { rtcpDestination = source }
        if feedback.keyFrameRequested {
            // RFC 4585 §6.3.1 PLI, RFC 5104 §4.3.1 FIR: served by the next frame, rate-limited.
            limiter.request()
        }
    }

    func sendReport(now: UInt64, buffer: UnsafeMutableRawBufferPointer, bye: Bool) {
        guard let rtcpDestination else { return }
        let length = rtcp.makeReport(now: now, wallclock: AudioStream.wallclock(), sender: sender, receiver: receiving ? receiver : nil, bye: bye, into: buffer)
        sendRTCP(buffer, length: length, to: rtcpDestination)
    }

    /// A peer's picture we receive broke (loss, corruption): ask for a key frame (RFC 4585 PLI),
    /// at most once a second.
    func askForKeyFrameIfBroken(now: UInt64, buffer: UnsafeMutableRawBufferPointer) {
        guard receiving, receiver.needsKeyFrame, let remote = receiver.remoteSSRC, let rtcpDestination,
              current?.feedback.pli == true, now &- lastPLI >= 1_000_000_000 else { return }
        lastPLI = now
        var writer = RTCPWriter(into: buffer)
        // RFC 4585 §3.1: feedback goes in a compound packet that starts with a report.
        writer.appendReceiverReport(ssrc: sender.ssrc, reports: EmptyCollection())
        writer.appendPictureLossIndication(senderSSRC: sender.ssrc, mediaSSRC: remote)
        counters.pliSent += 1
        sendRTCP(buffer, length: writer.count, to: rtcpDestination)
    }

    private func sendRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int, to address: MediaAddress) {
        guard length > 0 else { return }
        var length = length
        if let srtp {
            guard let protected = try? srtp.protectRTCP(buffer, length: length) else { return }
            length = protected
        }
        let socket = current?.rtcpMux == true ? ports.rtp : ports.rtcp
        if socket.send(UnsafeRawBufferPointer(rebasing: buffer[0..<length]), to: address) { rtcpSent += 1 } else { sendErrors += 1 }
    }

    /// Copies the counters where `ctl status` reads them (once a second, and at the end).
    func publish(now: UInt64) {
        var stats = labels
        stats.seconds = Double(now - startTime) / 1e9
        stats.packetsSent = Int(sender.statistics.packets)
        stats.octetsSent = Int(sender.statistics.octets)
        stats.packetsReceived = receiver.packets
        stats.octetsReceived = receiver.octets
        let reception = receiver.statistics
        stats.packetsLost = max(0, Int(reception.cumulativeLost))
        let expected = Int(reception.expectedPackets)
        stats.lossPercent = expected > 0 ? Double(stats.packetsLost) * 100 / Double(expected) : 0
        stats.jitterMilliseconds = reception.jitterMilliseconds
        stats.roundTripMilliseconds = rtcp.roundTripSeconds.map { $0 * 1000 }
        stats.remoteLossPercent = rtcp.remoteFractionLost.map { Double($0) * 100 / 256 }
        stats.remoteJitterMilliseconds = rtcp.remoteJitter.map { Double($0) / 90 }
        stats.malformedPackets = receiver.intake.malformed
        stats.foreignSSRCPackets = receiver.foreignSSRC
        stats.unknownPayloadPackets = receiver.unknownPayload
        stats.srtpAuthenticationFailures = receiver.intake.authenticationFailures
        stats.srtpReplays = receiver.intake.replays
        stats.rtcpSent = rtcpSent
        stats.rtcpReceived = rtcpReceived
        stats.sendErrors = sendErrors + sender.protectFailures
        var video = counters
        video.framesSent = sender.framesSent
        video.keyFramesSent = sender.keyFramesSent
        video.oversizedNALUnits = sender.oversizedNALUnits
        video.keyFrameRequests = limiter.requests
        video.keyFramesForced = limiter.served
        if sender.framesSent > 0 {
            video.captureToWireMeanMilliseconds = latencySum / Double(sender.framesSent)
            video.encodeMeanMilliseconds = encodeSum / Double(sender.framesSent)
        }
        let octets = Int(sender.statistics.octets)
        if now > rateWindow.start {
            video.sentKbps = Double(octets - rateWindow.octets) * 8 / (Double(now - rateWindow.start) / 1e9) / 1000
        }
        rateWindow = (now, octets)
        let depacketized = receiver.depacketizer.statistics
        video.framesReceived = depacketized.accessUnits
        video.keyFramesReceived = depacketized.keyFrames
        video.framesDropped = depacketized.droppedAccessUnits
        video.framesDisplayed = receiver.framesDisplayed
        stats.video = video
        setPublished(stats)
    }
}
