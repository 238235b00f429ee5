import RTP
import SRTP

/// The send side of an audio stream: captured PCM → G.711 → RTP → SRTP, one packet per
/// negotiated ptime, RFC 4733 events in place of audio while a key is sent. Buffers are
/// allocated once; `push` allocates nothing.
public final class AudioSender: RTCPSendingSide {
    let ssrc: UInt32
    private(set) var sequenceNumber: UInt16
    /// The RTP timestamp of the next packet; it advances with every captured sample, so it
    /// follows the capture clock (RFC 3550 §5.1).
    private(set) var timestamp: UInt32
    private(set) var statistics = SenderStatistics()
    private(set) var dtmfSent = 0
    private(set) var protectFailures = 0
    /// RTP timestamp and monotonic time of the last packet, for the next sender report.
    private(set) var lastPacket: (timestamp: UInt32, time: UInt64)?

    let clockRate: UInt64 = 8000
    private var payloadType: UInt8 = 0
    private var law = G711Law.muLaw
    private var samplesPerPacket = 160
    private var dtmf: DTMFSender?
    private var dtmfInterval = 0
    private var srtp: SRTPContext?
    private var first = true
    private let packet: UnsafeMutableRawBufferPointer
    private let pending: UnsafeMutableBufferPointer<Int16>
    private var pendingCount = 0

    /// Longest packet time we packetize (RFC 3551 allows G.711 up to 240 ms at maxptime).
    static let maximumPtime = 120

    public init(ssrc: UInt32, sequenceNumber: UInt16, timestamp: UInt32) {
        self.ssrc = ssrc
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        packet = .allocate(byteCount: 1500, alignment: 8)
        pending = .allocate(capacity: Self.maximumPtime * 8)
    }

    deinit {
        packet.deallocate()
        pending.deallocate()
    }

    /// Applies the negotiated codec, ptime, telephone-event and SRTP (at the start, and after a re-INVITE).
    public func configure(payloadType: UInt8, law: G711Law, ptime: Int, telephoneEvent: UInt8?, srtp: SRTPContext?) {
        let ptime = min(max(ptime, 10), Self.maximumPtime) / 10 * 10
        if payloadType != self.payloadType || ptime * 8 != samplesPerPacket { pendingCount = 0 }
        self.payloadType = payloadType
        self.law = law
        samplesPerPacket = ptime * 8
        self.srtp = srtp
        if let telephoneEvent {
            if dtmf?.payloadType != telephoneEvent || dtmfInterval != ptime {
                dtmf = DTMFSender(payloadType: telephoneEvent, clockRate: 8000, packetIntervalMilliseconds: ptime)
                dtmfInterval = ptime
            }
        } else {
            dtmf = nil
        }
    }

    /// Queues an RFC 4733 event; false when the peer did not offer telephone-event or the digit is not DTMF.
    public func sendDTMF(_ digit: Character, durationMilliseconds: Int? = nil) -> Bool {
        guard dtmf != nil else { return false }
        return dtmf!.enqueue(digit, durationMilliseconds: durationMilliseconds)
    }

    var canSendDTMF: Bool { dtmf != nil }

    /// Takes one captured period; `emit` gets each finished (protected) datagram.
    public func push(_ samples: UnsafeBufferPointer<Int16>, now: UInt64, emit: (UnsafeRawBufferPointer) -> Void) {
        var index = 0
        while index < samples.count {
            let take = min(samples.count - index, samplesPerPacket - pendingCount)
            _ = UnsafeMutableBufferPointer(rebasing: pending[pendingCount..<pendingCount + take])
                .update(fromContentsOf: UnsafeBufferPointer(rebasing: samples[index..<index + take]))
            pendingCount += take
            index += take
            if pendingCount == samplesPerPacket {
                makePacket(now: now, emit: emit)
                pendingCount = 0
            }
        }
    }

    /// Drops samples still waiting for a packet (the stream stops sending, e.g. on hold).
    func discardPending() { pendingCount = 0 }

    private func makePacket(now: UInt64, emit: (UnsafeRawBufferPointer) -> Void) {
        let payload = UnsafeMutableRawBufferPointer(rebasing: packet[RTPHeader.length...])
        var header = RTPHeader(marker: first, payloadType: payloadType, sequenceNumber: sequenceNumber, timestamp: timestamp, ssrc: ssrc)
        var payloadLength = samplesPerPacket
        if dtmf != nil, let event = dtmf!.nextPacket(currentTimestamp: timestamp, into: payload) {
            header.payloadType = dtmf!.payloadType
            header.marker = event.marker
            header.timestamp = event.timestamp
            payloadLength = event.payloadBytes
            if event.marker { dtmfSent += 1 }
        } else {
            _ = G711.encode(UnsafeBufferPointer(rebasing: pending[0..<samplesPerPacket]), law: law, into: payload)
        }
        first = false
        header.write(to: packet)
        var length = RTPHeader.length + payloadLength
        if let srtp {
            do {
                length = try srtp.protectRTP(packet, length: length)
            } catch {
                protectFailures += 1
                advance()
                return
            }
        }
        statistics.sent(payloadBytes: payloadLength)
        lastPacket = (header.timestamp, now)
        emit(UnsafeRawBufferPointer(rebasing: packet[0..<length]))
        advance()
    }

    private func advance() {
        sequenceNumber &+= 1
        timestamp &+= UInt32(samplesPerPacket)
    }
}
