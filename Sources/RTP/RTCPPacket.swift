/// One RTCP packet of a compound datagram, as read by ``RTCPCompound/parse(_:)``.
///
/// RTCP arrives once every few seconds per source, so these values may own arrays and strings;
/// the per-packet RTP path never builds them.
public enum RTCPPacket: Sendable, Hashable {
    /// SR, packet type 200 (RFC 3550 §6.4.1).
    case senderReport(ssrc: UInt32, info: RTCPSenderInfo, reports: [RTCPReportBlock])
    /// RR, packet type 201 (RFC 3550 §6.4.2).
    case receiverReport(ssrc: UInt32, reports: [RTCPReportBlock])
    /// SDES, packet type 202 (RFC 3550 §6.5): one entry per chunk; only CNAME is kept.
    case sourceDescription([RTCPSourceDescription])
    /// BYE, packet type 203 (RFC 3550 §6.6).
    case goodbye(ssrcs: [UInt32], reason: String?)
    /// PLI: payload-specific feedback (PT 206) with FMT 1 (RFC 4585 §6.3.1).
    case pictureLossIndication(senderSSRC: UInt32, mediaSSRC: UInt32)
    /// FIR: payload-specific feedback (PT 206) with FMT 4 (RFC 5104 §4.3.1).
    case fullIntraRequest(senderSSRC: UInt32, requests: [RTCPFullIntraRequest])
    /// Generic NACK: transport-layer feedback (PT 205) with FMT 1 (RFC 4585 §6.2.1), each PID+BLP
    /// pair expanded into the sequence numbers it names, in the order they appear.
    case genericNACK(senderSSRC: UInt32, mediaSSRC: UInt32, lost: [UInt16])
    /// Any other packet (APP, XR, other feedback messages): its type and its 5-bit count/FMT field.
    case other(packetType: UInt8, count: UInt8)
}

/// The RTCP packet types this target reads or writes (RFC 3550 §12.1, RFC 4585 §6.1).
public enum RTCPPacketType {
    public static let senderReport: UInt8 = 200
    public static let receiverReport: UInt8 = 201
    public static let sourceDescription: UInt8 = 202
    public static let goodbye: UInt8 = 203
    public static let application: UInt8 = 204
    /// Transport-layer feedback (RTPFB), RFC 4585 §6.2.
    public static let transportFeedback: UInt8 = 205
    /// Payload-specific feedback (PSFB), RFC 4585 §6.3.
    public static let payloadFeedback: UInt8 = 206
}

/// A reception report block (RFC 3550 §6.4.1), 24 bytes on the wire.
public struct RTCPReportBlock: Sendable, Hashable {
    /// The source this block reports on.
    public var ssrc: UInt32
    /// Packets lost since the previous report, as a fixed-point fraction of 1/256.
    public var fractionLost: UInt8
    /// Packets lost since reception began: a 24-bit signed value (duplicates can make it negative).
    public var cumulativeLost: Int32
    /// Sequence-number cycles in the upper 16 bits, the highest sequence number in the lower 16.
    public var extendedHighestSequence: UInt32
    /// Interarrival jitter in timestamp units (RFC 3550 §6.4.1, A.8).
    public var jitter: UInt32
    /// The middle 32 bits of the NTP timestamp of the last SR from this source, 0 if none.
    public var lastSR: UInt32
    /// Time from receiving that SR to sending this block, in units of 1/65536 s.
    public var delaySinceLastSR: UInt32

    /// Bytes of one block on the wire.
    public static let length = 24

    /// The range of the 24-bit signed cumulative-lost field.
    public static let cumulativeLostRange: ClosedRange<Int32> = -0x80_0000...0x7F_FFFF

    public init(ssrc: UInt32, fractionLost: UInt8, cumulativeLost: Int32, extendedHighestSequence: UInt32,
                jitter: UInt32, lastSR: UInt32, delaySinceLastSR: UInt32) {
        self.ssrc = ssrc
        self.fractionLost = fractionLost
        self.cumulativeLost = cumulativeLost
        self.extendedHighestSequence = extendedHighestSequence
        self.jitter = jitter
        self.lastSR = lastSR
        self.delaySinceLastSR = delaySinceLastSR
    }
}

/// The sender-information section of an SR (RFC 3550 §6.4.1), 20 bytes on the wire.
public struct RTCPSenderInfo: Sendable, Hashable {
    /// Wall-clock time when the report was sent, as a 64-bit NTP timestamp.
    public var ntpTimestamp: UInt64
    /// The same instant on the RTP media clock.
    public var rtpTimestamp: UInt32
    /// RTP data packets sent since transmission started (wraps).
    public var packetCount: UInt32
    /// RTP payload octets sent since transmission started, headers and padding excluded (wraps).
    public var octetCount: UInt32

    /// Bytes of sender information on the wire.
    public static let length = 20

    public init(ntpTimestamp: UInt64, rtpTimestamp: UInt32, packetCount: UInt32, octetCount: UInt32) {
        self.ntpTimestamp = ntpTimestamp
        self.rtpTimestamp = rtpTimestamp
        self.packetCount = packetCount
        self.octetCount = octetCount
    }
}

/// One SDES chunk (RFC 3550 §6.5): a source and its CNAME item (§6.5.1), if the chunk had one.
public struct RTCPSourceDescription: Sendable, Hashable {
    public var ssrc: UInt32
    public var cname: String?

    public init(ssrc: UInt32, cname: String?) {
        self.ssrc = ssrc
        self.cname = cname
    }
}

/// One FCI entry of a Full Intra Request (RFC 5104 §4.3.1.1).
public struct RTCPFullIntraRequest: Sendable, Hashable {
    /// The media sender asked for a decoder refresh point.
    public var ssrc: UInt32
    /// Command sequence number: the requester increments it for each new request, so repeats of
    /// the same request (retransmissions) can be told apart from new ones.
    public var sequenceNumber: UInt8

    /// Bytes of one FCI entry on the wire.
    public static let length = 8

    public init(ssrc: UInt32, sequenceNumber: UInt8) {
        self.ssrc = ssrc
        self.sequenceNumber = sequenceNumber
    }
}
