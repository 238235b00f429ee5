/// A JSON-ready description of a message, for `doorstationd tools parse-sip`: the start line,
/// every header in order with its typed parse where one exists, and the body.
extension SIPMessage {
    public var structure: [String: Any] {
        var result: [String: Any] = [:]
        switch self {
        case .request(let request):
            result["kind"] = "request"
            result["method"] = request.method.rawValue
            result["uri"] = request.uri.structure
        case .response(let response):
            result["kind"] = "response"
            result["status"] = response.statusCode
            result["reason"] = response.reason
        }
        result["headers"] = headers.all.map { field -> [String: Any] in
            var entry: [String: Any] = ["name": field.name.description, "value": field.value]
            if let parsed = Self.parsedHeader(field.name, field.value) { entry["parsed"] = parsed }
            return entry
        }
        let text = String(validating: body, as: UTF8.self)
        result["body"] = ["length": body.count, "text": text ?? "(\(body.count) bytes, not UTF-8)"] as [String: Any]
        return result
    }

    static func parsedHeader(_ name: SIPHeaderName, _ value: String) -> [String: Any]? {
        switch name {
        case .to, .from, .contact, .route, .recordRoute:
            guard let address = try? NameAddress(value) else { return nil }
            var entry: [String: Any] = ["uri": address.uri.structure, "parameters": address.parameters.structure]
            if let displayName = address.displayName { entry["display-name"] = displayName }
            return entry
        case .via:
            guard let via = try? Via(value) else { return nil }
            var entry: [String: Any] = ["transport": via.transport, "host": via.host, "parameters": via.parameters.structure]
            if let port = via.port { entry["port"] = port }
            return entry
        case .cseq:
            guard let cseq = try? CSeq(value) else { return nil }
            return ["number": Int(cseq.number), "method": cseq.method.rawValue]
        case .wwwAuthenticate, .proxyAuthenticate, .authorization, .proxyAuthorization:
            guard let header = try? AuthenticationHeader(value) else { return nil }
            var parameters: [String: Any] = [:]
            for parameter in header.parameters {
                // Credentials are shown by name only: a trace shared for debugging must not leak them.
                parameters[parameter.name] = ["response", "cnonce"].contains(parameter.name.lowercased()) ? "(hidden)" : parameter.value
            }
            return ["scheme": header.scheme, "parameters": parameters]
        default:
            return nil
        }
    }
}

extension SIPURI {
    var structure: [String: Any] {
        var entry: [String: Any] = ["scheme": scheme]
        if let opaque { entry["opaque"] = opaque; return entry }
        if let user { entry["user"] = user }
        if !host.isEmpty { entry["host"] = host }
        if let port { entry["port"] = port }
        if !parameters.isEmpty { entry["parameters"] = parameters.structure }
        if let headers { entry["headers"] = headers }
        return entry
    }
}

extension SIPParameters {
    var structure: [String: Any] {
        var entry: [String: Any] = [:]
        for item in items { entry[item.name] = item.value ?? true }
        return entry
    }
}
