/// The grammar of the structured lines (RFC 8866 §9), one function per line type. Each throws
/// with the line number and names the faulty field and its text.
extension SDPParser {
    /// `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>` (RFC 8866 §5.2).
    static func origin(_ value: Substring, line: Int) throws(SDPParseError) -> Origin {
        let fields = value.sdpFields
        guard fields.count == 6 else {
            throw SDPParseError(line: line, "o= must have 6 fields (username sess-id sess-version nettype addrtype address), got \(fields.count)")
        }
        guard let id = parseDecimal(fields[1], as: UInt64.self) else {
            throw SDPParseError(line: line, "o= session id \"\(fields[1])\" is not a number below 2^64")
        }
        guard let version = parseDecimal(fields[2], as: UInt64.self) else {
            throw SDPParseError(line: line, "o= session version \"\(fields[2])\" is not a number below 2^64")
        }
        return Origin(
            username: String(fields[0]), sessionID: id, sessionVersion: version,
            netType: String(fields[3]), addrType: String(fields[4]), address: String(fields[5])
        )
    }

    /// `c=<nettype> <addrtype> <connection-address>` with the multicast suffixes of RFC 8866 §5.7:
    /// `/ttl[/count]` for IP4 and `/count` for IP6.
    static func connection(_ value: Substring, line: Int) throws(SDPParseError) -> Connection {
        let fields = value.sdpFields
        guard fields.count == 3 else {
            throw SDPParseError(line: line, "c= must have 3 fields (nettype addrtype address), got \(fields.count)")
        }
        let parts = fields[2].split(separator: "/", omittingEmptySubsequences: false)
        guard let address = parts.first, !address.isEmpty else {
            throw SDPParseError(line: line, "c= address \"\(fields[2])\" is empty")
        }
        var connection = Connection(netType: String(fields[0]), addrType: String(fields[1]), address: String(address))
        let suffixes = parts.dropFirst()
        let isIP4 = fields[1].uppercased() == "IP4"
        guard suffixes.count <= (isIP4 ? 2 : 1) else {
            throw SDPParseError(line: line, "c= address \"\(fields[2])\" has too many / suffixes")
        }
        for (position, suffix) in suffixes.enumerated() {
            if isIP4 && position == 0 {
                guard let ttl = parseDecimal(suffix, as: UInt8.self) else {
                    throw SDPParseError(line: line, "c= TTL \"\(suffix)\" is not a number in 0…255")
                }
                connection.ttl = ttl
            } else {
                guard let count = parseDecimal(suffix, as: UInt32.self), count > 0 else {
                    throw SDPParseError(line: line, "c= address count \"\(suffix)\" is not a positive number")
                }
                connection.addressCount = count
            }
        }
        return connection
    }

    /// `b=<bwtype>:<bandwidth>` (RFC 8866 §5.8).
    static func bandwidth(_ value: Substring, line: Int) throws(SDPParseError) -> Bandwidth {
        let (type, amount) = value.splitOnce(at: ":")
        guard !type.isEmpty, !type.contains(where: \.isSDPSpace), let amount, let number = parseDecimal(amount, as: UInt64.self) else {
            throw SDPParseError(line: line, "b= must be <type>:<number>, got \"\(value)\"")
        }
        return Bandwidth(type: String(type), value: number)
    }

    /// `t=<start-time> <stop-time>` (RFC 8866 §5.9).
    static func timing(_ value: Substring, line: Int) throws(SDPParseError) -> Timing {
        let fields = value.sdpFields
        guard fields.count == 2, let start = parseDecimal(fields[0], as: UInt64.self), let stop = parseDecimal(fields[1], as: UInt64.self) else {
            throw SDPParseError(line: line, "t= must be two decimal times \"<start> <stop>\", got \"\(value)\"")
        }
        return Timing(start: start, stop: stop)
    }

    /// `a=<attribute-name>[:<attribute-value>]` (RFC 8866 §5.13).
    static func attribute(_ value: Substring, line: Int) throws(SDPParseError) -> SDPAttribute {
        let attribute = SDPAttribute(fieldValue: value)
        guard !attribute.name.isEmpty, !attribute.name.contains(where: \.isSDPSpace) else {
            throw SDPParseError(line: line, "a= attribute name \"\(attribute.name)\" is empty or contains a space")
        }
        return attribute
    }

    /// `m=<media> <port>[/<number of ports>] <proto> <fmt> ...` (RFC 8866 §5.14).
    ///
    /// A stream without formats is accepted (some peers write rejected streams that way).
    static func mediaLine(_ value: Substring, line: Int) throws(SDPParseError) -> MediaDescription {
        let fields = value.sdpFields
        guard fields.count >= 3 else {
            throw SDPParseError(line: line, "m= must have media, port, transport and formats, got \"\(value)\"")
        }
        let (portText, countText) = fields[1].splitOnce(at: "/")
        let port: UInt16
        switch parsePort(portText) {
        case .success(let value): port = value
        case .failure(.notANumber): throw SDPParseError(line: line, "m= port \"\(portText)\" is not a number")
        case .failure(.outOfRange): throw SDPParseError(line: line, "m= port \(portText) is out of range 0…65535")
        }
        var portCount: UInt16?
        if let countText {
            guard let count = parseDecimal(countText, as: UInt16.self), count > 0 else {
                throw SDPParseError(line: line, "m= port count \"\(countText)\" is not a positive number")
            }
            portCount = count
        }
        return MediaDescription(
            media: String(fields[0]), port: port, portCount: portCount,
            proto: String(fields[2]), formats: fields.dropFirst(3).map(String.init)
        )
    }
}
