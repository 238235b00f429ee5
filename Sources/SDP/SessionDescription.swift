/// A session description (RFC 8866 §5): the session-level fields and one `MediaDescription`
/// per `m=` line, in order.
///
/// Parse with `SessionDescription(parsing:)` or `init(bytes:)`; write with `serialized()`. Every
/// line the model does not interpret is kept (see `SDPLine`, `SDPAttribute`) so what parses
/// serializes back to an equivalent description.
public struct SessionDescription: Sendable, Hashable {
    /// `v=`: always 0 (RFC 8866 §5.1).
    public var version: Int
    public var origin: Origin
    /// `s=`: RFC 8866 §5.3 asks for `s= ` or `s=-` when there is no name; an empty one is kept.
    public var sessionName: String
    /// Session-level `c=`, which every `m=` without its own inherits (RFC 8866 §5.7).
    public var connection: Connection?
    public var bandwidths: [Bandwidth]
    /// `t=` lines with their `r=` lines; a description without any gets `t=0 0`.
    public var timing: [Timing]
    /// Session-level `a=` lines in order.
    public var attributes: [SDPAttribute]
    public var media: [MediaDescription]
    /// Session-level lines not modelled above (`i=`, `u=`, `e=`, `p=`, `z=`, `k=`, unknown letters), in
    /// RFC 8866 order, each group in the order it came.
    public var otherLines: [SDPLine]

    public init(
        version: Int = 0,
        origin: Origin,
        sessionName: String = "-",
        connection: Connection? = nil,
        bandwidths: [Bandwidth] = [],
        timing: [Timing] = [.unbounded],
        attributes: [SDPAttribute] = [],
        media: [MediaDescription] = [],
        otherLines: [SDPLine] = []
    ) {
        self.version = version
        self.origin = origin
        self.sessionName = sessionName
        self.connection = connection
        self.bandwidths = bandwidths
        self.timing = timing
        self.attributes = attributes
        self.media = media
        self.otherLines = otherLines
    }

    /// Parses a description; see `SDPParser` for what is accepted and rejected.
    public init(parsing text: String, limits: SDPParserLimits = .default) throws(SDPParseError) {
        self = try SDPParser(limits: limits).parse(text)
    }

    /// Parses a description from a message body (UTF-8).
    public init(bytes: some Collection<UInt8>, limits: SDPParserLimits = .default) throws(SDPParseError) {
        self = try SDPParser(limits: limits).parse(bytes: bytes)
    }

    /// The session-level direction attribute, which media without their own inherit
    /// (RFC 8866 §6.7); nil when absent.
    public var direction: MediaDirection? { attributes.direction }

    /// The direction in force for `media`: its own attribute, else the session's, else
    /// `sendrecv` (RFC 8866 §6.7).
    public func effectiveDirection(of media: MediaDescription) -> MediaDirection {
        media.direction ?? direction ?? .sendrecv
    }

    /// The connection in force for `media`: its own `c=`, else the session's (RFC 8866 §5.7).
    public func effectiveConnection(of media: MediaDescription) -> Connection? {
        media.connection ?? connection
    }

    /// The index of the first `m=` line of this media type (`"audio"`, `"video"`) with a non-zero port.
    public func firstActiveMedia(_ type: String) -> Int? {
        media.firstIndex { $0.media == type && $0.port != 0 }
    }
}

extension SessionDescription: CustomStringConvertible {
    public var description: String { serialized() }
}
