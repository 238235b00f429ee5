/// One `m=` line and the lines that follow it up to the next `m=` (RFC 8866 §5.14).
///
/// `m=<media> <port>[/<number of ports>] <proto> <fmt> ...`. The convenience readers for the
/// attributes a call needs (`rtpMaps`, `formatParameters(for:)`, `direction`, `ptime`, `rtcp`,
/// `cryptos`, `rtcpFeedback(for:)` …) live in `MediaDescription+Attributes.swift`.
public struct MediaDescription: Sendable, Hashable {
    /// `audio`, `video`, `text`, `application`, `message` or anything else a peer sends.
    public var media: String
    /// The RTP port; 0 marks a rejected or disabled stream (RFC 3264 §5.1, §6).
    public var port: UInt16
    /// The `/<number of ports>` suffix, when present.
    public var portCount: UInt16?
    /// The transport: `RTP/AVP` (RFC 3551), `RTP/SAVP` (RFC 3711), `RTP/AVPF` (RFC 4585),
    /// `RTP/SAVPF` (RFC 5124), `UDP/TLS/RTP/SAVPF` (RFC 5764) or another.
    public var proto: String
    /// The formats: RTP payload type numbers as text for the RTP profiles.
    public var formats: [String]
    /// Media-level `c=`; the session's applies when nil.
    public var connection: Connection?
    public var bandwidths: [Bandwidth]
    /// Media-level `a=` lines in order.
    public var attributes: [SDPAttribute]
    /// Media-level lines not modelled above (`i=`, extra `c=`, `k=`, unknown letters).
    public var otherLines: [SDPLine]

    public init(
        media: String,
        port: UInt16,
        portCount: UInt16? = nil,
        proto: String,
        formats: [String],
        connection: Connection? = nil,
        bandwidths: [Bandwidth] = [],
        attributes: [SDPAttribute] = [],
        otherLines: [SDPLine] = []
    ) {
        self.media = media
        self.port = port
        self.portCount = portCount
        self.proto = proto
        self.formats = formats
        self.connection = connection
        self.bandwidths = bandwidths
        self.attributes = attributes
        self.otherLines = otherLines
    }

    /// The payload type numbers among `formats` (RTP profiles use 0…127).
    public var payloadTypes: [UInt8] {
        formats.compactMap { parseDecimal($0, as: UInt8.self) }.filter { $0 < 128 }
    }

    /// Whether the transport is one of the RTP profiles this library negotiates.
    public var transport: RTPTransport? { RTPTransport(proto: proto) }

    /// The rejected form of this stream, as an answer carries it: port 0, same media, transport
    /// and formats, nothing else (RFC 3264 §6).
    public var rejected: MediaDescription {
        MediaDescription(media: media, port: 0, proto: proto, formats: formats.isEmpty ? ["0"] : formats)
    }

    var fieldValue: String {
        var text = media + " \(port)"
        if let portCount { text += "/\(portCount)" }
        text += " " + proto
        for format in formats { text += " " + format }
        return text
    }
}

/// The RTP transports a door station can carry: plain or secure, with or without feedback.
public struct RTPTransport: Sendable, Hashable {
    /// `RTP/SAVP` or `RTP/SAVPF`: SRTP is required (RFC 3711 §12, RFC 4568 §3.1.4).
    public var isSecure: Bool
    /// `RTP/AVPF` or `RTP/SAVPF`: the extended feedback profile (RFC 4585).
    public var hasFeedback: Bool

    public init(isSecure: Bool, hasFeedback: Bool) {
        self.isSecure = isSecure
        self.hasFeedback = hasFeedback
    }

    /// Recognizes `RTP/AVP`, `RTP/AVPF`, `RTP/SAVP`, `RTP/SAVPF` (case-insensitively); nil for
    /// anything else, including DTLS-SRTP's `UDP/TLS/RTP/SAVPF`, which needs DTLS we do not have.
    public init?(proto: String) {
        switch proto.uppercased() {
        case "RTP/AVP": self.init(isSecure: false, hasFeedback: false)
        case "RTP/AVPF": self.init(isSecure: false, hasFeedback: true)
        case "RTP/SAVP": self.init(isSecure: true, hasFeedback: false)
        case "RTP/SAVPF": self.init(isSecure: true, hasFeedback: true)
        default: return nil
        }
    }

    public var proto: String { "RTP/" + (isSecure ? "S" : "") + "AVP" + (hasFeedback ? "F" : "") }
}
