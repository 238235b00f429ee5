import RTP
import SRTP

/// The receive side of an audio stream: SRTP → RTP checks → statistics → G.711 → jitter
/// buffer, and RFC 4733 events. Bad packets are counted and dropped; nothing here allocates
/// per packet.
public final class AudioReceiver: RTCPReceivingSide {
    /// What a datagram turned out to be.
    public enum Outcome: Equatable {
        /// Audio of the peer's stream (worth latching onto its source address).
        case audio
        case dtmf(digit: Character, durationMilliseconds: Int)
        /// The end of a key reported before: it was held this long.
        case dtmfReleased(digit: Character, durationMilliseconds: Int)
        /// A valid packet that carried nothing to play (a continuation of an event, comfort noise).
        case other
        case dropped
    }

    private enum Payload: UInt8 { case unknown, muLaw, aLaw, telephoneEvent, comfortNoise }

    private(set) var statistics: ReceptionStatistics
    let jitterBuffer: AudioJitterBuffer
    private var dtmf = DTMFReceiver()
    private var payloads = [Payload](repeating: .unknown, count: 128)
    private let decoded: UnsafeMutableBufferPointer<Int16>
    /// The SSRC we play; another one takes over only after `switchAfter` packets in a row.
    private(set) var remoteSSRC: UInt32?
    private var foreignRun = 0
    private var foreignCandidate: UInt32 = 0
    static let switchAfter = 25

    public private(set) var packets = 0
    private(set) var octets = 0
    private(set) var foreignSSRC = 0
    private(set) var unknownPayload = 0
    private(set) var lateOrDuplicate = 0
    /// SRTP, the RTP parse, and what they dropped (also for the RTCP port).
    var intake = SRTPIntake()
    private(set) var dtmfReceived = 0

    public init(jitter: AudioJitterBuffer.Configuration) {
        statistics = ReceptionStatistics(clockRate: 8000)
        jitterBuffer = AudioJitterBuffer(configuration: jitter)
        decoded = .allocate(capacity: 1500)
    }

    deinit { decoded.deallocate() }

    /// The payload types the peer may send (our answer or offer), and its SRTP keys.
    public func configure(receiveCodecs: [UInt8: AudioPayload], srtp: SRTPContext?) {
        for index in payloads.indices { payloads[index] = .unknown }
        for (type, codec) in receiveCodecs where type < 128 {
            switch codec {
            case .pcmu: payloads[Int(type)] = .muLaw
            case .pcma: payloads[Int(type)] = .aLaw
            case .telephoneEvent: payloads[Int(type)] = .telephoneEvent
            case .comfortNoise: payloads[Int(type)] = .comfortNoise
            }
        }
        intake.srtp = srtp
    }

    /// One datagram of the RTP port (already classified as RTP); decrypted in place.
    public func receive(_ buffer: UnsafeMutableRawBufferPointer, length: Int, arrival: UInt64) -> Outcome {
        guard case let (header, payload)? = intake.openRTP(buffer, length: length) else { return .dropped }
        guard acceptSource(header.ssrc) else {
            foreignSSRC += 1
            return .dropped
        }
        let kind = payloads[Int(header.payloadType)]
        guard kind != .unknown else {
            unknownPayload += 1
            return .dropped
        }
        // A late or duplicate packet may still be in time for the jitter buffer, which decides.
        if statistics.record(sequence: header.sequenceNumber, timestamp: header.timestamp, arrival: arrival) == .tooFarAhead {
            lateOrDuplicate += 1
            return .dropped
        }
        packets += 1
        octets += payload.count
        switch kind {
        case .muLaw, .aLaw:
            let count = min(payload.count, decoded.count)
            _ = G711.decode(UnsafeRawBufferPointer(rebasing: payload[payload.startIndex..<payload.startIndex + count]),
                            law: kind == .muLaw ? .muLaw : .aLaw, into: decoded)
            switch jitterBuffer.insert(timestamp: header.timestamp, samples: UnsafeBufferPointer(rebasing: decoded[0..<count]), arrival: arrival) {
            case .late, .duplicate: lateOrDuplicate += 1
            default: break
            }
            return .audio
        case .telephoneEvent:
            guard let detection = dtmf.receive(payload: payload, timestamp: header.timestamp, arrival: arrival) else {
                if let released = dtmf.releasedKey { return .dtmfReleased(digit: released.event.character, durationMilliseconds: released.durationMilliseconds) }
                return .other
            }
            dtmfReceived += 1
            return .dtmf(digit: detection.character, durationMilliseconds: detection.durationMilliseconds)
        case .comfortNoise, .unknown:
            return .other
        }
    }

    /// The first SSRC is locked; a new one replaces it after a run of its packets (the peer
    /// restarted its stream), so a stray or spoofed packet cannot take over playback.
    private func acceptSource(_ ssrc: UInt32) -> Bool {
        guard let current = remoteSSRC else {
            remoteSSRC = ssrc
            return true
        }
        if ssrc == current {
            foreignRun = 0
            return true
        }
        if ssrc == foreignCandidate { foreignRun += 1 } else { foreignCandidate = ssrc; foreignRun = 1 }
        guard foreignRun >= Self.switchAfter else { return false }
        remoteSSRC = ssrc
        foreignRun = 0
        statistics = ReceptionStatistics(clockRate: 8000)
        jitterBuffer.reset()
        dtmf.reset()
        return true
    }

    /// Fills one playback period from the jitter buffer (audio, concealment or silence).
    public func play(into samples: UnsafeMutableBufferPointer<Int16>, now: UInt64) {
        jitterBuffer.read(into: samples, now: now)
    }



    /// Our report block about the peer's stream (resets the interval's loss fraction).
    func makeReportBlock(ssrc: UInt32, lastSR: UInt32, delaySinceLastSR: UInt32) -> RTCPReportBlock {
        statistics.makeReportBlock(ssrc: ssrc, lastSR: lastSR, delaySinceLastSR: delaySinceLastSR)
    }
}

/// The audio payloads the media plane understands (RFC 3551, RFC 4733, RFC 3389).
public enum AudioPayload: Sendable, Hashable {
    case pcmu, pcma, telephoneEvent, comfortNoise
}
