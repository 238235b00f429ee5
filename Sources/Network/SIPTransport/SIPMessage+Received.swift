import SIPMessage

extension SIPMessage {
    /// The request with its top Via marked with where it really came from, so that the response
    /// goes back there through NATs (RFC 3261 §18.2.1, RFC 3581 §4):
    /// - `received=<source address>` when the sent-by host is a name or a different address;
    /// - an empty `rport` gets the source port, and then `received` is added even when it equals
    ///   the sent-by host (RFC 3581 §4 "even if it is identical").
    ///
    /// Responses, and requests whose top Via cannot be read, are returned unchanged.
    func stampingReceived(from source: SIPEndpoint) -> SIPMessage {
        guard case .request(var request) = self,
              let top = request.headers[.via], var via = try? Via(top) else { return self }
        var changed = false
        let sentBy = IPAddress(via.host)
        let fillsRPort = via.parameters.contains("rport") && via.parameters.value("rport") == nil
        if fillsRPort {
            via.parameters.set("rport", String(source.port))
            changed = true
        }
        if fillsRPort || sentBy == nil || sentBy != IPAddress(source.address) {
            // RFC 3261 §25.1: received carries the bare address, IPv6 without brackets (RFC 5118 §4.5).
            via.parameters.set("received", source.address)
            changed = true
        }
        guard changed else { return self }
        request.headers = request.headers.replacingFirst(.via, with: via.description)
        return .request(request)
    }
}

extension SIPHeaders {
    /// The headers with the first field of `name` replaced in place, every other field kept in order.
    func replacingFirst(_ name: SIPHeaderName, with value: String) -> SIPHeaders {
        var result = SIPHeaders()
        var replaced = false
        for field in all {
            if !replaced && field.name == name {
                result.append(name, value)
                replaced = true
            } else {
                result.append(field.name, field.value)
            }
        }
        return result
    }
}
