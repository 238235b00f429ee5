import SIP
import SIPMessage

typealias CallSession = InviteSession<CallMedia>

/// One call as the user agent runs it: the pure session and what the driver needs around it.
struct CallEntry {
    enum Direction: String { case outgoing, incoming }

    var session: CallSession
    let direction: Direction
    let account: Int?
    let remote: String
    /// The INVITE as sent (with Via), for its CANCEL (§9.1), and where it went.
    var sentInvite: SIPRequest?
    var inviteTarget: SIPServerTarget?
    /// The transport toward the peer, for in-dialog requests whose next hop has no transport parameter.
    var transport: SIPTransport
    var state = "calling"
    var endReason: CallEndReason?
    /// Set when the media plane ended the call (nothing arrived for `nortp_timeout`).
    var timeoutReason: String?

    var status: CallStatus {
        CallStatus(callID: session.callID, direction: direction.rawValue, remote: remote, state: state,
                   media: session.negotiator.summary, endReason: timeoutReason ?? endReason?.description)
    }
}
