import SIP
import SIPMessage

/// A negotiator driven by a table: offers are `offer-N`, an offer containing `bad` is refused,
/// an answer containing `bad` is unusable. It records what it was asked.
struct TableNegotiator: SessionNegotiator {
    var offers = 0
    var accepted: [String] = []
    var answered: [String] = []
    var withdrawn = 0

    mutating func makeOffer() -> [UInt8] {
        offers += 1
        return Array("offer-\(offers)".utf8)
    }

    mutating func answer(to offer: [UInt8]) -> Result<[UInt8], NegotiationFailure> {
        let text = String(decoding: offer, as: UTF8.self)
        answered.append(text)
        return text.contains("bad") ? .failure(NegotiationFailure("no common audio codec")) : .success(Array("answer-to-\(text)".utf8))
    }

    mutating func accept(answer: [UInt8]) -> Result<Void, NegotiationFailure> {
        let text = String(decoding: answer, as: UTF8.self)
        accepted.append(text)
        return text.contains("bad") ? .failure(NegotiationFailure("answer names a codec we did not offer")) : .success(())
    }

    mutating func withdrawOffer() { withdrawn += 1 }
}

typealias Session = InviteSession<TableNegotiator>

/// Builds what the peer sends in session tests.
enum Peer {
    static let configuration = InviteSessionConfiguration(
        localIdentity: NameAddress(displayName: "Door", uri: SIPURI(user: "door", host: "127.0.0.1")),
        contact: SIPURI(user: "door", host: "127.0.0.1", port: 5060),
        credentials: [DigestCredentials(username: "door", password: "secret")],
        userAgent: "doorstationd-test")

    static let apartment = SIPURI(user: "apartment", host: "127.0.0.1", port: 5070)

    static func caller(_ configuration: InviteSessionConfiguration = configuration) -> Session {
        Session(calling: apartment, callID: "call-1@door", localTag: "doortag", configuration: configuration,
                negotiator: TableNegotiator(), seed: 7)
    }

    /// The peer's response to `request` (which has no Via: the session leaves it to the driver).
    static func response(_ status: Int, to request: SIPRequest, tag: String? = "aptag", body: String = "",
                         headers extra: [(SIPHeaderName, String)] = []) -> SIPResponse {
        var headers = SIPHeaders()
        var to = request.headers[.to]!
        if let tag, status > 100, !to.contains("tag=") { to += ";tag=" + tag }
        headers.append(.from, request.headers[.from]!)
        headers.append(.to, to)
        headers.append(.callID, request.headers[.callID]!)
        headers.append(.cseq, request.headers[.cseq]!)
        if status > 100, status < 300 { headers.append(.contact, "<sip:apartment@127.0.0.1:5070>") }
        for (name, value) in extra { headers.appendAsParsed(name, value) }
        if !body.isEmpty { headers.append(.contentType, "application/sdp") }
        return SIPResponse(statusCode: status, headers: headers, body: Array(body.utf8))
    }

    /// An INVITE from the apartment to the door.
    static func invite(body: String = "offer-apt", headers extra: [(SIPHeaderName, String)] = []) -> SIPRequest {
        var headers: SIPHeaders = [.via: "SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKinv1"]
        headers.append(.from, "<sip:apartment@127.0.0.1>;tag=aptag")
        headers.append(.to, "<sip:door@127.0.0.1>")
        headers.append(.callID, "call-2@apartment")
        headers.append(.cseq, "10 INVITE")
        headers.append(.contact, "<sip:apartment@127.0.0.1:5070>")
        headers.appendAsParsed(.allow, "INVITE, ACK, BYE, CANCEL, UPDATE, INFO")
        for (name, value) in extra { headers.appendAsParsed(name, value) }
        if !body.isEmpty { headers.append(.contentType, "application/sdp") }
        return SIPRequest(method: .invite, uri: SIPURI(user: "door", host: "127.0.0.1"), headers: headers, body: Array(body.utf8))
    }

    /// A request of the apartment within the dialog: the one the door answered (`call-2@apartment`),
    /// or with `callID: "call-1@door"` the one the door's call set up.
    static func inDialog(_ method: SIPMethod, cseq: UInt32, body: String = "", contentType: String? = nil,
                         branch: String = "z9hG4bKindialog", headers extra: [(SIPHeaderName, String)] = [],
                         callID: String = "call-2@apartment") -> SIPRequest {
        var headers: SIPHeaders = [.via: "SIP/2.0/UDP 127.0.0.1:5070;branch=\(branch)"]
        headers.append(.from, "<sip:apartment@127.0.0.1>;tag=aptag")
        headers.append(.to, "<sip:door@127.0.0.1>;tag=doortag")
        headers.append(.callID, callID)
        headers.append(.cseq, "\(cseq) \(method.rawValue)")
        if method == .invite || method == .update { headers.append(.contact, "<sip:apartment@127.0.0.1:5072>") }
        for (name, value) in extra { headers.appendAsParsed(name, value) }
        if let type = contentType ?? (body.isEmpty ? nil : "application/sdp") { headers.append(.contentType, type) }
        return SIPRequest(method: method, uri: SIPURI(user: "door", host: "127.0.0.1"), headers: headers, body: Array(body.utf8))
    }

    static func callee(_ invite: SIPRequest = invite(), configuration: InviteSessionConfiguration = configuration) -> Session {
        Session(incoming: invite, transaction: TransactionKey(serverRequest: invite)!, localTag: "doortag",
                configuration: configuration, negotiator: TableNegotiator(), seed: 9)
    }

    static func key(_ request: SIPRequest) -> TransactionKey { TransactionKey(serverRequest: request)! }
}

extension SIPHeaders {
    /// Appends `value` as the parser would deliver it: a list header (`Allow`, `Require`,
    /// `Supported`…) written with commas becomes one field per element (RFC 3261 §7.3.1).
    mutating func appendAsParsed(_ name: SIPHeaderName, _ value: String) {
        guard name.isList, name != .contact, name != .route, name != .recordRoute else { return append(name, value) }
        // Option tags and method names hold no blanks of their own.
        for element in value.split(separator: ",") { append(name, element.filter { $0 != " " }) }
    }
}

/// Short names for what a test looks for in a session's actions.
extension InviteSession.Action {
    var sentRequest: SIPRequest? {
        if case .send(let request, _, _) = self { request } else { nil }
    }
    var response: SIPResponse? {
        if case .respond(let response, _) = self { response } else { nil }
    }
    /// The server transaction a response goes to.
    var responseKey: TransactionKey? {
        if case .respond(_, let key) = self { key } else { nil }
    }
    var event: CallEvent? {
        if case .notify(let event) = self { event } else { nil }
    }
    var ack: SIPRequest? {
        if case .sendAck(let ack, _) = self { ack } else { nil }
    }
    var startedTimer: (InviteSession.SessionTimerKind, Duration)? {
        if case .startTimer(let timer, let after) = self { (timer, after) } else { nil }
    }
}

extension Array {
    func sent<N>(_ method: SIPMethod) -> [SIPRequest] where Element == InviteSession<N>.Action {
        compactMap(\.sentRequest).filter { $0.method == method }
    }
    func events<N>() -> [CallEvent] where Element == InviteSession<N>.Action { compactMap(\.event) }
    func responses<N>() -> [Int] where Element == InviteSession<N>.Action { compactMap(\.response).map(\.statusCode) }
    func timer<N>(_ kind: InviteSession<N>.SessionTimerKind) -> Duration? where Element == InviteSession<N>.Action {
        compactMap(\.startedTimer).first { $0.0 == kind }?.1
    }
}
