/// Inbound packets an `SRTPContext` rejected, by reason, for the media engine to report.
public struct SRTPStatistics: Sendable, Hashable {
    /// Tags that did not verify (`SRTPError.authenticationFailed`): tampering, a wrong key, or stray traffic.
    public var authenticationFailures = 0
    /// Replays and packets older than the replay window (`SRTPError.replayed`).
    public var replays = 0
    /// Everything else: truncated or malformed packets and other libsrtp failures.
    public var otherFailures = 0

    public init() {}

    mutating func record(_ error: SRTPError) {
        switch error {
        case .authenticationFailed: authenticationFailures += 1
        case .replayed: replays += 1
        default: otherFailures += 1
        }
    }
}
