/// The offer/answer side of an INVITE session (RFC 3264 as used by RFC 3261 §13.2.1 and RFC
/// 3262/3311): the session decides *when* an offer or answer is due; the negotiator decides
/// *what* it says. The user agent implements it over SDP; tests use a table.
public protocol SessionNegotiator: Sendable {
    /// A new offer: for the INVITE, a re-INVITE or UPDATE, or the 2xx to an offer-less INVITE.
    mutating func makeOffer() -> [UInt8]
    /// Our answer to the peer's offer, or why it is unacceptable (the request gets 488).
    mutating func answer(to offer: [UInt8]) -> Result<[UInt8], NegotiationFailure>
    /// The peer's answer to our last offer, or why it is unusable (the session ends with BYE).
    mutating func accept(answer: [UInt8]) -> Result<Void, NegotiationFailure>
    /// Our last offer was refused (a re-INVITE failed): the media stay as they were (§14.1).
    mutating func withdrawOffer()
}

/// Why an offer or answer cannot be used: the text goes into the 488's Warning and the log.
public struct NegotiationFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
