import SIPMessage

extension Dialog {
    /// A new request within the dialog (§12.2.1.1), without Via (the driver adds it with a fresh
    /// branch): the next local CSeq, To/From with tags, Call-ID, the route set applied by the
    /// loose- or strict-routing rules, Max-Forwards and `contact` (needed for target-refresh requests).
    public mutating func makeRequest(_ method: SIPMethod, contact: SIPURI?, body: [UInt8] = [], contentType: String? = nil) -> SIPRequest {
        localCSeq += 1
        return makeRequest(method, cseq: localCSeq, contact: contact, body: body, contentType: contentType)
    }

    /// The ACK for a 2xx to the INVITE numbered `cseq` (§13.2.2.4): same CSeq number, method ACK,
    /// the dialog's route set, its own transaction (a fresh branch, added by the driver).
    public func makeAck(cseq: UInt32, body: [UInt8] = [], contentType: String? = nil) -> SIPRequest {
        makeRequest(.ack, cseq: cseq, contact: nil, body: body, contentType: contentType)
    }

    /// Where the request built by `makeRequest` is sent: the first route (a loose router), or the
    /// remote target when there is no route set (§12.2.1.1, §8.1.2). For a strict router the
    /// Request-URI is already that route.
    public var nextHop: SIPURI { routeSet.first?.uri ?? remoteTarget }

    private func makeRequest(_ method: SIPMethod, cseq: UInt32, contact: SIPURI?, body: [UInt8], contentType: String?) -> SIPRequest {
        var headers = SIPHeaders()
        let (uri, routes) = requestURIAndRoutes()
        for route in routes { headers.append(.route, route) }
        headers.append(.maxForwards, "70")
        var from = localAddress
        from.tag = localTag
        var to = remoteAddress
        to.tag = remoteTag
        headers.append(.from, from.description)
        headers.append(.to, to.description)
        headers.append(.callID, callID)
        headers.append(.cseq, CSeq(cseq, method).description)
        if let contact { headers.append(.contact, NameAddress(uri: contact).description) }
        if let contentType, !body.isEmpty { headers.append(.contentType, contentType) }
        return SIPRequest(method: method, uri: uri, headers: headers, body: body)
    }

    /// §12.2.1.1: with no route set, or a first route with `lr` (a loose router), the Request-URI
    /// is the remote target and every route becomes a Route header. A first route without `lr`
    /// is a strict router (RFC 2543): it becomes the Request-URI (without the parameters a URI
    /// may not carry there) and the remote target goes last in the Route list.
    func requestURIAndRoutes() -> (SIPURI, [String]) {
        guard let first = routeSet.first else { return (remoteTarget, []) }
        if first.uri.parameters.contains("lr") {
            return (remoteTarget, routeSet.map(\.description))
        }
        var uri = first.uri
        uri.headers = nil
        uri.parameters.remove("method")
        let rest = routeSet.dropFirst().map(\.description) + [NameAddress(uri: remoteTarget).description]
        return (uri, rest)
    }
}

extension SIPRequest {
    /// The CANCEL for this request as it was sent (§9.1): same Request-URI, top Via (one Via,
    /// same branch), Call-ID, From, To, CSeq number and Route headers; method CANCEL.
    public func makeCancel() -> SIPRequest {
        var headers = SIPHeaders()
        if let via = self.headers[.via] { headers.append(.via, via) }
        for route in self.headers.values(.route) { headers.append(.route, route) }
        headers.append(.maxForwards, "70")
        for name in [SIPHeaderName.from, .to, .callID] {
            if let value = self.headers[name] { headers.append(name, value) }
        }
        let number = self.headers[.cseq].flatMap { try? CSeq($0) }?.number ?? 1
        headers.append(.cseq, CSeq(number, .cancel).description)
        return SIPRequest(method: .cancel, uri: uri, headers: headers)
    }

    /// The ACK for a 2xx to this INVITE when no dialog could be made of it (a forked 2xx is
    /// ACKed, then ended with BYE): To from the response, the response's Record-Route reversed.
    public func makeAck(for response: SIPResponse) -> SIPRequest? {
        guard var dialog = Dialog(clientRequest: self, response: response) else { return nil }
        dialog.localCSeq = self.headers[.cseq].flatMap { try? CSeq($0) }?.number ?? dialog.localCSeq
        return dialog.makeAck(cseq: dialog.localCSeq)
    }
}
