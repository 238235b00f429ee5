extension SIPRequest {
    /// A response to this request as RFC 3261 §8.2.6.2 builds it: the same Via headers (in order),
    /// From, Call-ID and CSeq; To with `toTag` added when the request's To has no tag; plus
    /// Timestamp echoed (§8.2.6.1).
    public func makeResponse(_ statusCode: Int, reason: String? = nil, toTag: String? = nil) -> SIPResponse {
        var headers = SIPHeaders()
        for via in self.headers.values(.via) { headers.append(.via, via) }
        if let from = self.headers[.from] { headers.append(.from, from) }
        if var to = self.headers[.to] {
            if let toTag, var address = try? NameAddress(to), address.tag == nil, statusCode > 100 {
                address.tag = toTag
                to = address.description
            }
            headers.append(.to, to)
        }
        if let callID = self.headers[.callID] { headers.append(.callID, callID) }
        if let cseq = self.headers[.cseq] { headers.append(.cseq, cseq) }
        if let timestamp = self.headers[.timestamp] { headers.append(.timestamp, timestamp) }
        return SIPResponse(statusCode: statusCode, reason: reason, headers: headers)
    }
}
