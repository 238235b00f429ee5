import SIP
import SIPMessage

/// What the user agent supports, for OPTIONS answers and Allow headers.
enum UserAgentCapabilities {
    static let allow = InviteSessionConfiguration.allow
    static let accept = (["application/sdp"] + InfoBody.acceptedTypes).joined(separator: ", ")
    static let supported = "100rel, timer, replaces"
}

extension SIPUserAgent {
    /// Requests outside any call. OPTIONS gets 200 with what we support, so PBX qualify checks
    /// (Asterisk `qualify`, Kamailio `dispatcher` pings) see us as reachable (RFC 3261 §11.2).
    func answer(_ request: SIPRequest, key: TransactionKey) {
        let hasToTag = request.headers[.to].flatMap { try? NameAddress($0) }?.tag != nil
        if request.method == .invite, !hasToTag, incomingInvite(request, key: key) { return }
        if hasToTag || request.method == .cancel, inDialogRequest(request, key: key) { return }
        let tag = String(TransactionLayer.makeBranch(using: &random).suffix(10))
        var response: SIPResponse
        switch request.method {
        case .options:
            response = request.makeResponse(200, toTag: tag)
            response.headers.append(.allow, UserAgentCapabilities.allow)
            response.headers.append(.accept, UserAgentCapabilities.accept)
            response.headers.append(.supported, UserAgentCapabilities.supported)
        case .invite:
            // Calls are off (`CallSettings.acceptIncoming`), or a re-INVITE for a call we no longer have.
            response = request.makeResponse(hasToTag ? 481 : 480, toTag: tag)
        case .bye, .cancel, .info, .prack, .update:
            response = request.makeResponse(481, toTag: tag)
        case .register, .subscribe, .publish, .refer, .message, .notify:
            response = request.makeResponse(405, toTag: tag)
            response.headers.append(.allow, UserAgentCapabilities.allow)
        default:
            // RFC 3261 §8.2.1 and RFC 4475 §3.1.1.2: an unknown method is answered 501.
            response = request.makeResponse(501, toTag: tag)
            response.headers.append(.allow, UserAgentCapabilities.allow)
        }
        response.headers.append(.server, configuration.userAgent)
        perform(transactions.handle(.respond(response, to: key), now: now))
    }
}

extension SIPMethod {
    static let publish = SIPMethod("PUBLISH")
}
