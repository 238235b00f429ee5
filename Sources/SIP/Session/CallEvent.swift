/// What an INVITE session tells the user agent about the call, in order.
public enum CallEvent: Sendable, Equatable {
    /// A provisional response: 180 ringing, 183 progress (our side as UAC).
    case progress(statusCode: Int, reason: String)
    /// Early media are negotiated (an answer in a 18x, or our 183 as UAS).
    case earlyMedia
    /// The call is answered and confirmed (2xx and ACK).
    case established
    /// A re-INVITE or UPDATE changed the media (hold, resume, new address).
    case mediaUpdated
    /// A DTMF digit in SIP INFO (RFC 4733 digits arrive through the media plane).
    case dtmf(digit: Character, durationMilliseconds: Int)
    /// The peer asked for a video key frame (INFO picture_fast_update).
    case keyFrameRequested
    /// The call is over; nothing more will come from this session.
    case ended(CallEndReason)
}

/// Why a call ended, for the log, the events and the policy (e.g. try the next target on busy).
public enum CallEndReason: Sendable, Equatable, CustomStringConvertible {
    /// We hung up (BYE sent, or CANCEL before an answer).
    case localHangUp
    /// The peer hung up (BYE received, or CANCEL of its INVITE before we answered).
    case remoteHangUp
    /// The callee refused: 486, 600, 603, 404… with the reason phrase.
    case rejected(statusCode: Int, reason: String)
    /// We refused an incoming call (403, 486, 488…).
    case declined(statusCode: Int)
    /// Nobody answered within the ring time (the INVITE was cancelled).
    case noAnswer
    /// A request got no response, the transport failed, an ACK or a session refresh never came.
    case timeout(String)
    /// Offer/answer failed, or the peer broke the protocol.
    case failed(String)

    public var description: String {
        switch self {
        case .localHangUp: "hung up locally"
        case .remoteHangUp: "hung up by the peer"
        case .rejected(let code, let reason): "rejected: \(code) \(reason)"
        case .declined(let code): "declined with \(code)"
        case .noAnswer: "no answer"
        case .timeout(let what): "timeout: \(what)"
        case .failed(let why): "failed: \(why)"
        }
    }
}
