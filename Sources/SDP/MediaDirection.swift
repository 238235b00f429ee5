/// The direction attributes `a=sendrecv`, `a=sendonly`, `a=recvonly`, `a=inactive`
/// (RFC 8866 §6.7, RFC 3264 §5.1), always seen from the side that wrote them.
public enum MediaDirection: String, Sendable, Hashable, CaseIterable {
    case sendrecv
    case sendonly
    case recvonly
    case inactive

    /// What the writer of the attribute does: send, receive, both or neither.
    public init(sends: Bool, receives: Bool) {
        switch (sends, receives) {
        case (true, true): self = .sendrecv
        case (true, false): self = .sendonly
        case (false, true): self = .recvonly
        case (false, false): self = .inactive
        }
    }

    public var sends: Bool { self == .sendrecv || self == .sendonly }
    public var receives: Bool { self == .sendrecv || self == .recvonly }

    /// The same stream seen from the other end: `sendonly` ↔ `recvonly` (RFC 3264 §6.1).
    public var reversed: MediaDirection { MediaDirection(sends: receives, receives: sends) }

    /// What both limits allow: a stream flows only where each side agrees.
    public func intersection(_ other: MediaDirection) -> MediaDirection {
        MediaDirection(sends: sends && other.sends, receives: receives && other.receives)
    }

    /// The attribute as written in SDP.
    public var attribute: SDPAttribute { SDPAttribute(rawValue) }
}
