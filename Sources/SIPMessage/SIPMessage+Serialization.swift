extension SIPMessage {
    /// The message as bytes for the wire. `Content-Length` always states the body's real size:
    /// it replaces the first stored one in place, or is added last (RFC 3261 §18.3 requires it on
    /// streams, and it is harmless on datagrams).
    public func serialized() -> [UInt8] {
        switch self {
        case .request(let request): request.serialized()
        case .response(let response): response.serialized()
        }
    }
}

extension SIPRequest {
    public func serialized() -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(headers.storage.count + headers.count * 24 + body.count + 128)
        bytes.append(contentsOf: method.rawValue.utf8)
        bytes.append(ByteClass.space)
        bytes.append(contentsOf: uri.description.utf8)
        bytes.append(contentsOf: " SIP/2.0\r\n".utf8)
        headers.write(to: &bytes, bodyLength: body.count)
        bytes.append(contentsOf: body)
        return bytes
    }
}

extension SIPResponse {
    public func serialized() -> [UInt8] {
        var bytes = [UInt8]()
        bytes.reserveCapacity(headers.storage.count + headers.count * 24 + body.count + 64)
        bytes.append(contentsOf: "SIP/2.0 ".utf8)
        bytes.append(contentsOf: String(statusCode).utf8)
        bytes.append(ByteClass.space)
        bytes.append(contentsOf: reason.utf8)
        bytes.append(contentsOf: "\r\n".utf8)
        headers.write(to: &bytes, bodyLength: body.count)
        bytes.append(contentsOf: body)
        return bytes
    }
}

extension SIPHeaders {
    func write(to bytes: inout [UInt8], bodyLength: Int) {
        var wroteLength = false
        for field in fields {
            if field.name == .contentLength {
                if wroteLength { continue }
                wroteLength = true
                bytes.append(contentsOf: "Content-Length: ".utf8)
                bytes.append(contentsOf: String(bodyLength).utf8)
            } else {
                bytes.append(contentsOf: field.name.description.utf8)
                bytes.append(contentsOf: ": ".utf8)
                bytes.append(contentsOf: storage[Int(field.start)..<Int(field.end)])
            }
            bytes.append(contentsOf: "\r\n".utf8)
        }
        if !wroteLength {
            bytes.append(contentsOf: "Content-Length: ".utf8)
            bytes.append(contentsOf: String(bodyLength).utf8)
            bytes.append(contentsOf: "\r\n".utf8)
        }
        bytes.append(contentsOf: "\r\n".utf8)
    }
}

extension SIPMessage: CustomStringConvertible {
    /// The wire form as text (bodies that are not UTF-8 show replacement characters).
    public var description: String { String(decoding: serialized(), as: UTF8.self) }
}
