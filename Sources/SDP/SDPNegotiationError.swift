/// Why an offer could not be answered or an answer could not be accepted.
///
/// For an offer the UAS answers `488 Not Acceptable Here` (RFC 3261 §21.4.26) with `reason`
/// in a Warning header (§20.43, code 304 or 305); for an answer the UAC ends the session
/// (RFC 3264 has no way to reject an answer).
public struct SDPNegotiationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A sentence fit for a Warning header, e.g. `no common audio codec (offered: G722, opus)`.
    public var reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }

    /// The status code to answer a failed offer with.
    public var statusCode: Int { 488 }
}
