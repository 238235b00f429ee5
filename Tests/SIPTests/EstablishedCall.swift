import SIP
import SIPMessage
import Testing

/// An established call of either role, and the apartment's side of it.
struct EstablishedCall {
    var session: Session
    let role: Session.Role
    /// Caller: the INVITE the door sent (its retransmitted 2xx is ACKed again).
    let invite: SIPRequest?

    var callID: String { role == .caller ? "call-1@door" : "call-2@apartment" }
    /// The CSeq number of the door's first request in the dialog.
    var firstLocalCSeq: UInt32 { role == .caller ? 2 : 1 }

    /// The door calls the apartment, which answers `answer-1` with `headers`; or the apartment
    /// calls the door (its INVITE with `headers`), which answers and gets the ACK.
    init(_ role: Session.Role, configuration: InviteSessionConfiguration = Peer.configuration,
         headers: [(SIPHeaderName, String)] = []) {
        self.role = role
        switch role {
        case .caller:
            session = Peer.caller(configuration)
            let invite = session.handle(.start, now: .zero).sent(.invite)[0]
            self.invite = invite
            let answered = session.handle(.response(Peer.response(200, to: invite, body: "answer-1", headers: headers), .invite), now: .seconds(1))
            #expect(answered.events() == [.established])
        case .callee:
            session = Peer.callee(Peer.invite(headers: headers), configuration: configuration)
            invite = nil
            _ = session.handle(.start, now: .zero)
            _ = session.handle(.accept, now: .seconds(1))
            let confirmed = session.handle(.request(Peer.inDialog(.ack, cseq: 10, branch: "z9hG4bKack1"), nil), now: .seconds(1))
            #expect(confirmed.events() == [.established])
        }
    }

    /// A request of the apartment in this call.
    func request(_ method: SIPMethod, cseq: UInt32, body: String = "", contentType: String? = nil,
                 headers: [(SIPHeaderName, String)] = []) -> SIPRequest {
        Peer.inDialog(method, cseq: cseq, body: body, contentType: contentType, branch: "z9hG4bK\(method.rawValue.lowercased())\(cseq)",
                      headers: headers, callID: callID)
    }

    /// Delivers the apartment's `request` (ACK without a transaction).
    mutating func receive(_ request: SIPRequest, now: Duration = .seconds(10)) -> [Session.Action] {
        session.handle(.request(request, request.method == .ack ? nil : Peer.key(request)), now: now)
    }

    mutating func handle(_ event: Session.Event, now: Duration = .seconds(10)) -> [Session.Action] {
        session.handle(event, now: now)
    }
}
