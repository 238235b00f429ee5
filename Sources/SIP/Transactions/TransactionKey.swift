import SIPMessage

/// What identifies a transaction, on either side (RFC 3261 §17.1.3, §17.2.3). Two messages with
/// equal keys belong to the same transaction.
///
/// - Client side (§17.1.3): the branch of the top Via and the CSeq method. The method is part of
///   the key because a CANCEL carries the branch of the INVITE it cancels but is its own
///   transaction. A client never has an ACK transaction: the ACK for 3xx–6xx belongs to the INVITE
///   transaction and the ACK for 2xx to none.
/// - Server side with an RFC 3261 branch (`z9hG4bK…`, §17.2.3): the branch, the sent-by of the
///   top Via and the method, where ACK counts as INVITE so that it finds the INVITE transaction
///   it acknowledges (CANCEL keeps its own method).
/// - Server side without the cookie, from RFC 2543 peers (§17.2.3, RFC 4475 §3.2.1): the
///   Request-URI, From tag, Call-ID, CSeq number and method and top Via, plus the To tag for
///   methods other than INVITE and ACK. The To tag of an ACK is the one the server put in its
///   response, not the INVITE's, so it is left out of the key and checked against the
///   transaction's response by `TransactionLayer`.
public struct TransactionKey: Hashable, Sendable, CustomStringConvertible {
    public enum Side: Hashable, Sendable {
        case client
        case server
    }

    enum Identity: Hashable, Sendable {
        case branch(String, sentBy: String?, method: SIPMethod)
        case rfc2543(requestURI: String, toTag: String?, fromTag: String?, callID: String, cseq: UInt32,
                     method: SIPMethod, topVia: String)
    }

    public let side: Side
    let identity: Identity

    init(side: Side, identity: Identity) {
        self.side = side
        self.identity = identity
    }

    /// True for an RFC 2543 key (the request's branch lacked `z9hG4bK`).
    public var isRFC2543: Bool {
        if case .rfc2543 = identity { return true }
        return false
    }

    /// The method of the transaction (INVITE for an ACK that acknowledges one).
    public var method: SIPMethod {
        switch identity {
        case .branch(_, _, let method), .rfc2543(_, _, _, _, _, let method, _): method
        }
    }

    public var description: String {
        switch identity {
        case .branch(let branch, let sentBy, let method):
            "\(side) \(method) \(branch)" + (sentBy.map { " from \($0)" } ?? "")
        case .rfc2543(let uri, _, _, let callID, let cseq, let method, _):
            "\(side) \(method) RFC 2543 \(uri) \(callID) \(cseq)"
        }
    }

    /// The key of the client transaction that sends `request`: the branch of its top Via and its
    /// method (§17.1.3). Nil when the top Via has no branch.
    public init?(clientRequest request: SIPRequest) {
        guard let top = request.headers[.via], let branch = try? Via(top).branch else { return nil }
        self.init(side: .client, identity: .branch(branch, sentBy: nil, method: request.method))
    }

    /// The key of the client transaction a response belongs to: the branch of its top Via and
    /// the CSeq method (§17.1.3). Nil when either is missing.
    public init?(response: SIPResponse) {
        guard let top = response.headers[.via], let branch = try? Via(top).branch,
              let cseq = response.headers[.cseq].flatMap({ try? CSeq($0) }) else { return nil }
        self.init(side: .client, identity: .branch(branch, sentBy: nil, method: cseq.method))
    }

    /// The key of the server transaction a received request belongs to (§17.2.3). Nil when the
    /// request has no parsable top Via or CSeq.
    public init?(serverRequest request: SIPRequest) {
        guard let top = request.headers[.via], let via = try? Via(top) else { return nil }
        // §17.2.3: the ACK for a non-2xx matches the INVITE transaction.
        let method = request.method == .ack ? SIPMethod.invite : request.method
        if via.hasRFC3261Branch, let branch = via.branch {
            let sentBy = via.host.lowercased() + (via.port.map { ":" + String($0) } ?? "")
            self.init(side: .server, identity: .branch(branch, sentBy: sentBy, method: method))
            return
        }
        // §17.2.3, RFC 4475 §3.2.1: RFC 2543 matching.
        guard let callID = request.headers[.callID], let cseq = request.headers[.cseq].flatMap({ try? CSeq($0) }) else {
            return nil
        }
        let tag = { (name: SIPHeaderName) in request.headers[name].flatMap { try? NameAddress($0) }?.tag }
        let inviteOrACK = request.method == .invite || request.method == .ack
        self.init(side: .server, identity: .rfc2543(
            requestURI: request.uri.description, toTag: inviteOrACK ? nil : tag(.to), fromTag: tag(.from),
            callID: callID, cseq: cseq.number, method: method, topVia: via.description))
    }

    /// The key of the INVITE server transaction that a received CANCEL cancels (§9.2): the same
    /// key with method INVITE. Nil when `cancel` is not a CANCEL or cannot be keyed.
    public init?(inviteCancelledBy cancel: SIPRequest) {
        guard cancel.method == .cancel, let key = TransactionKey(serverRequest: cancel) else { return nil }
        switch key.identity {
        case .branch(let branch, let sentBy, _):
            self.init(side: .server, identity: .branch(branch, sentBy: sentBy, method: .invite))
        case .rfc2543(let uri, _, let fromTag, let callID, let cseq, _, let topVia):
            self.init(side: .server, identity: .rfc2543(requestURI: uri, toTag: nil, fromTag: fromTag, callID: callID,
                                                        cseq: cseq, method: .invite, topVia: topVia))
        }
    }
}
