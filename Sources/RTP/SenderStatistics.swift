/// What we have sent on one RTP stream, for the sender-information section of our SRs
/// (RFC 3550 §6.4.1). Updated for every packet sent; never allocates.
public struct SenderStatistics: Sendable, Hashable {
    /// RTP data packets sent since the stream started; wraps at 2^32, as on the wire.
    public private(set) var packets: UInt32 = 0
    /// Payload octets sent (headers and padding excluded); wraps at 2^32, as on the wire.
    public private(set) var octets: UInt32 = 0

    public init() {}

    /// Counts one RTP packet carrying `payloadBytes` bytes of payload.
    public mutating func sent(payloadBytes: Int) {
        precondition(payloadBytes >= 0, "a payload has a non-negative size")
        packets &+= 1
        octets &+= UInt32(truncatingIfNeeded: payloadBytes)
    }

    /// The sender info for an SR sent at `ntpTimestamp`; `rtpTimestamp` is the same instant on
    /// the media clock (not the timestamp of the last packet sent), so that receivers can
    /// synchronize streams (RFC 3550 §6.4.1).
    public func senderInfo(ntpTimestamp: NTPTimestamp, rtpTimestamp: UInt32) -> RTCPSenderInfo {
        RTCPSenderInfo(ntpTimestamp: ntpTimestamp.value, rtpTimestamp: rtpTimestamp, packetCount: packets, octetCount: octets)
    }
}
