import Logging
import SIP

/// Between the calls and the media plane: ports bound before the SDP is written, streams
/// started and re-applied as offer/answer settles, statistics kept when calls end, and what
/// the media threads report (RFC 4733 digits, silence timeouts) fed back into the calls.
extension SIPUserAgent {
    /// Binds the call's RTP/RTCP ports (audio, and video when calls carry it); nil without a media plane.
    func reserveMedia(_ callID: String, localAddress: String) throws(CallCommandError) -> (audio: UInt16, video: UInt16?)? {
        guard let media else { return nil }
        do {
            return try media.reserve(callID: callID, localAddress: localAddress)
        } catch {
            throw CallCommandError("no media port: \(error)")
        }
    }

    /// Starts or updates the call's media with what offer/answer settled; `early` while ringing (183).
    func startMedia(_ callID: String, early: Bool) {
        guard let media, let negotiated = calls[callID]?.session.negotiator.negotiated else { return }
        if let problem = media.apply(callID: callID, session: negotiated, early: early) {
            logger.error("call.media_failed", metadata: ["sip.call_id": "\(callID)", "error": "\(problem)"])
        }
    }

    /// Stops the call's media; its final statistics go to the log and to the recent calls.
    func stopMedia(_ callID: String) {
        guard let media else { return }
        Task {
            let streams = await media.stop(callID: callID)
            guard !streams.isEmpty else { return }
            for statistics in streams { self.logFinalStatistics(callID, statistics) }
            if let index = self.endedCalls.lastIndex(where: { $0.callID == callID }) { self.endedCalls[index].streams = streams }
        }
    }

    private func logFinalStatistics(_ callID: String, _ statistics: MediaStatistics) {
        logger.info(statistics.kind == "video" ? "call.video_stats" : "call.media_stats", metadata: [
            "sip.call_id": "\(callID)", "media.summary": "\(statistics.summary)",
            "media.packets_sent": "\(statistics.packetsSent)", "media.packets_received": "\(statistics.packetsReceived)",
            "media.lost": "\(statistics.packetsLost)", "media.jitter_ms": "\(MediaStatistics.format(statistics.jitterMilliseconds))",
            "media.rtt_ms": "\(statistics.roundTripMilliseconds.map(MediaStatistics.format) ?? "-")",
            "media.codec": "\(statistics.codec)", "media.srtp": "\(statistics.srtpSuite ?? "none")",
        ])
    }

    /// What a media thread reported.
    func mediaEvent(_ event: MediaEvent) {
        switch event {
        case .dtmf(let callID, let digit, let duration):
            guard calls[callID] != nil else { return }
            report(callID, .dtmf(digit: digit, durationMilliseconds: duration, via: .rtpEvent))
        case .dtmfReleased(let callID, let digit, let duration):
            guard calls[callID] != nil else { return }
            report(callID, .dtmfReleased(digit: digit, durationMilliseconds: duration))
        case .timeout(let callID, let seconds):
            guard calls[callID] != nil else { return }
            logger.warning("call.rtp_timeout", metadata: ["sip.call_id": "\(callID)", "seconds": "\(seconds)"])
            calls[callID]?.timeoutReason = "no RTP or RTCP for \(seconds) s (nortp_timeout)"
            drive(callID, .hangUp)
        case .remoteMoved(let callID, let from, let to):
            logger.info("call.media_latched", metadata: ["sip.call_id": "\(callID)", "from": "\(from)", "to": "\(to)"])
        case .keyFrameRequested(let callID):
            guard calls[callID] != nil else { return }
            media?.requestKeyFrame(callID: callID)
            report(callID, .session(.keyFrameRequested))
        case .videoUnavailable(let callID, let reason):
            logger.warning("call.video_unavailable", metadata: ["sip.call_id": "\(callID)", "error": "\(reason)", "effect": "the call goes on with audio"])
        case .srtpUnusable(let callID, let kind, let reason):
            logger.error("call.srtp_failed", metadata: ["sip.call_id": "\(callID)", "stream": "\(kind)", "error": "\(reason)", "effect": "this stream sends nothing"])
        case .videoDisplayUnavailable(let callID, let reason):
            logger.warning("call.video_display_unavailable", metadata: ["sip.call_id": "\(callID)", "error": "\(reason)", "effect": "received video is not shown; the call goes on"])
        case .cameraChanged(let callID, let description):
            logger.notice("call.camera", metadata: ["sip.call_id": "\(callID)", "camera": "\(description)"])
        case .deviceFailed(let callID, let reason):
            logger.error("call.audio_device_failed", metadata: ["sip.call_id": "\(callID)", "error": "\(reason)"])
        case .echoCancellerReset(let callID):
            logger.warning("call.echo_canceller_reset", metadata: ["sip.call_id": "\(callID)", "reason": "diverged (clipped or broken microphone input?)"])
        case .echoAudible(let callID, let erle, let residual):
            logger.warning("call.echo_audible", metadata: [
                "sip.call_id": "\(callID)", "erle_db": "\(MediaStatistics.format(erle))", "residual_dbfs": "\(MediaStatistics.format(residual))",
                "hint": "raise es_overdrive_db or lower playback_gain_db; record with tools aec",
            ])
        }
    }
}
