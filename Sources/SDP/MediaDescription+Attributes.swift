/// Typed readers for the media-level attributes a call needs. Each reads `attributes` afresh;
/// malformed attribute values are skipped, never fatal.
extension MediaDescription {
    /// Payload type → encoding for every format: from `a=rtpmap` where present, else from the
    /// static payload types of RFC 3551 §6 (so `m=audio … 0 8` means PCMU and PCMA).
    public var rtpMaps: [UInt8: RTPMap] {
        var maps: [UInt8: RTPMap] = [:]
        for value in attributes.values("rtpmap") {
            guard let (payloadType, map) = RTPMap.parse(value), maps[payloadType] == nil else { continue }
            maps[payloadType] = map
        }
        for payloadType in payloadTypes where maps[payloadType] == nil {
            maps[payloadType] = RTPMap.staticPayloadType(payloadType)
        }
        return maps
    }

    /// The encoding of one payload type, as `rtpMaps` resolves it.
    public func rtpMap(for payloadType: UInt8) -> RTPMap? {
        for value in attributes.values("rtpmap") {
            if let (number, map) = RTPMap.parse(value), number == payloadType { return map }
        }
        return RTPMap.staticPayloadType(payloadType)
    }

    /// The `a=fmtp` parameters of one payload type (the first line for it), or nil without one.
    public func formatParameters(for payloadType: UInt8) -> FormatParameters? {
        for value in attributes.values("fmtp") {
            let (format, parameters) = value.splitOnce(at: " ")
            if parseDecimal(format, as: UInt8.self) == payloadType {
                return FormatParameters(parsing: String(parameters ?? ""))
            }
        }
        return nil
    }

    /// The medium's own direction attribute; nil when it has none (then the session's, or
    /// `sendrecv`, applies: see `SessionDescription.effectiveDirection(of:)`).
    public var direction: MediaDirection? {
        get { attributes.direction }
        set {
            guard let newValue else { attributes.removeDirection(); return }
            if let index = attributes.firstIndex(where: { MediaDirection(rawValue: $0.name) != nil && $0.value == nil }) {
                attributes.removeDirection()
                attributes.insert(newValue.attribute, at: min(index, attributes.count))
            } else {
                attributes.append(newValue.attribute)
            }
        }
    }

    /// `a=ptime:<ms>` (RFC 8866 §6.4): the packet duration the writer wants to receive. Decimal
    /// values (`20.0`) are accepted and truncated; nil when absent or not a positive number.
    public var ptime: Int? { attributes.first("ptime").flatMap(milliseconds) }

    /// `a=maxptime:<ms>` (RFC 8866 §6.5): the longest packet the writer can take.
    public var maxptime: Int? { attributes.first("maxptime").flatMap(milliseconds) }

    /// `a=rtcp` (RFC 3605), when present and well-formed.
    public var rtcp: RTCPAttribute? { attributes.first("rtcp").flatMap { RTCPAttribute(parsing: $0) } }

    /// `a=rtcp-mux` (RFC 5761 §5.1.1): RTP and RTCP share the RTP port.
    public var rtcpMux: Bool { attributes.contains("rtcp-mux") }

    /// The well-formed `a=crypto` lines in order (malformed ones are left out, RFC 4568 §6.1
    /// lets the answerer ignore what it cannot use).
    public var cryptos: [CryptoAttribute] {
        attributes.values("crypto").compactMap { CryptoAttribute(parsing: $0) }
    }

    /// The `a=rtcp-fb` values that apply to a payload type: its own and the `*` wildcard ones
    /// (RFC 4585 §4.2), in order.
    public func rtcpFeedback(for payloadType: UInt8) -> [RTCPFeedback] {
        attributes.values("rtcp-fb").compactMap { value in
            guard let (format, feedback) = RTCPFeedback.parse(value) else { return nil }
            return format == "*" || parseDecimal(format, as: UInt8.self) == payloadType ? feedback : nil
        }
    }

    /// The H.264 parameters of a payload type (RFC 6184 §8.1), defaults when it has no fmtp.
    public func h264Parameters(for payloadType: UInt8) -> H264Parameters {
        H264Parameters(formatParameters(for: payloadType) ?? FormatParameters())
    }
}

/// `20`, `20.0`, `30.5` → 20, 20, 30; nil for anything else or a value outside 1…10000.
private func milliseconds(_ text: String) -> Int? {
    let whole = text.trimmingSDPSpaces.splitOnce(at: ".")
    guard let value = parseDecimal(whole.head, as: UInt32.self), (1...10_000).contains(value) else { return nil }
    if let fraction = whole.tail, !fraction.allSatisfy(\.isASCIIDigit) { return nil }
    return Int(value)
}
