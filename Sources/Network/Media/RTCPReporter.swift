import RTP

/// What an RTCP sender report needs from a stream's send side.
protocol RTCPSendingSide: AnyObject {
    var statistics: SenderStatistics { get }
    /// RTP timestamp and monotonic time of the last packet sent.
    var lastPacket: (timestamp: UInt32, time: UInt64)? { get }
    /// The RTP clock (8000 for G.711, 90000 for video).
    var clockRate: UInt64 { get }
}

/// What a report block needs from a stream's receive side.
protocol RTCPReceivingSide: AnyObject {
    var remoteSSRC: UInt32? { get }
    func makeReportBlock(ssrc: UInt32, lastSR: UInt32, delaySinceLastSR: UInt32) -> RTCPReportBlock
}

/// One stream's RTCP (RFC 3550 §6): a compound SR or RR with SDES CNAME at randomized
/// intervals (§6.3.1: 0.5–1.5 × the interval), BYE at the end, and what the peer's reports
/// tell us: round trip, loss and jitter of our packets, key-frame requests (RFC 4585/5104).
final class RTCPReporter {
    private let ssrc: UInt32
    private let cname: [UInt8]
    private let interval: UInt64
    private var nextReport: UInt64?
    /// The peer's last SR: the middle of its NTP time, and when it came (for LSR/DLSR).
    private var lastSR: (middle32: UInt32, arrival: UInt64)?
    private var random = SystemRandomNumberGenerator()

    private(set) var roundTripSeconds: Double?
    private(set) var remoteFractionLost: UInt8?
    private(set) var remoteJitter: UInt32?
    /// Packets sent when the last report went out: an SR only when media was sent since.
    private var packetsAtLastReport: UInt32 = 0

    struct Feedback {
        var valid = false
        var keyFrameRequested = false
    }

    init(ssrc: UInt32, cname: String, interval: Duration) {
        self.ssrc = ssrc
        self.cname = Array(cname.utf8.prefix(255))
        let components = interval.components
        self.interval = UInt64(max(components.seconds, 0)) * 1_000_000_000 + UInt64(max(components.attoseconds, 0) / 1_000_000_000)
    }

    func isDue(now: UInt64) -> Bool {
        guard let nextReport else {
            // The first report goes out after half an interval (§6.2: not at once).
            self.nextReport = now + interval / 2
            return false
        }
        return now >= nextReport
    }

    /// Writes our compound report into `buffer`; returns its length.
    func makeReport(now: UInt64, wallclock: UInt64, sender: some RTCPSendingSide, receiver: (some RTCPReceivingSide)?, bye: Bool,
                    into buffer: UnsafeMutableRawBufferPointer) -> Int {
        nextReport = now + interval / 2 + UInt64.random(in: 0...interval, using: &random)
        var info: RTCPSenderInfo?
        if sender.statistics.packets != packetsAtLastReport, let last = sender.lastPacket {
            // The RTP timestamp of this instant on the media clock (§6.4.1), from the last packet's.
            let elapsed = UInt32(truncatingIfNeeded: (now - min(now, last.time)) * sender.clockRate / 1_000_000_000)
            info = sender.statistics.senderInfo(ntpTimestamp: NTPTimestamp(unixNanoseconds: wallclock), rtpTimestamp: last.timestamp &+ elapsed)
            packetsAtLastReport = sender.statistics.packets
        }
        var block: RTCPReportBlock?
        if let receiver, let remote = receiver.remoteSSRC {
            let delay = lastSR.map { RoundTrip.delaySinceLastSR(receivedAt: $0.arrival, now: now) } ?? 0
            block = receiver.makeReportBlock(ssrc: remote, lastSR: lastSR?.middle32 ?? 0, delaySinceLastSR: delay)
        }
        return cname.withUnsafeBytes { cname in
            if let block {
                RTCPWriter.writeReport(into: buffer, ssrc: ssrc, senderInfo: info, reports: CollectionOfOne(block), cname: cname, goodbye: bye)
            } else {
                RTCPWriter.writeReport(into: buffer, ssrc: ssrc, senderInfo: info, reports: EmptyCollection(), cname: cname, goodbye: bye)
            }
        }
    }

    /// Reads a compound packet from the peer.
    func receive(_ bytes: UnsafeRawBufferPointer, now: UInt64, wallclock: UInt64) -> Feedback {
        guard let packets = try? RTCPCompound.parse(bytes) else { return Feedback() }
        var feedback = Feedback(valid: true)
        let arrival = NTPTimestamp(unixNanoseconds: wallclock).middle32
        for packet in packets {
            switch packet {
            case .senderReport(_, let info, let reports):
                lastSR = (NTPTimestamp(value: info.ntpTimestamp).middle32, now)
                learn(from: reports, arrival: arrival)
            case .receiverReport(_, let reports):
                learn(from: reports, arrival: arrival)
            case .pictureLossIndication, .fullIntraRequest:
                feedback.keyFrameRequested = true
            case .goodbye, .sourceDescription, .genericNACK, .other:
                // BYE: the call's end comes by SIP; NACK: audio does not retransmit.
                break
            }
        }
        return feedback
    }

    private func learn(from reports: [RTCPReportBlock], arrival: UInt32) {
        guard let mine = reports.first(where: { $0.ssrc == ssrc }) else { return }
        remoteFractionLost = mine.fractionLost
        remoteJitter = mine.jitter
        if let seconds = RoundTrip.seconds(report: mine, arrivalMiddle32: arrival) { roundTripSeconds = seconds }
    }
}
