/// The RTCP-related attributes: `a=rtcp` (RFC 3605), `a=rtcp-mux` (RFC 5761 §5.1.1) and
/// `a=rtcp-fb` (RFC 4585 §4.2).

/// `a=rtcp:<port> [<nettype> <addrtype> <connection-address>]` (RFC 3605 §2.1): where the peer
/// wants RTCP when it is not at the RTP port + 1 (typically behind NAT).
public struct RTCPAttribute: Sendable, Hashable, CustomStringConvertible {
    public var port: UInt16
    /// The address, when the attribute names one.
    public var connection: Connection?

    public init(port: UInt16, connection: Connection? = nil) {
        self.port = port
        self.connection = connection
    }

    /// Parses the attribute value; nil when malformed.
    public init?(parsing value: String) {
        let fields = value.sdpFields
        guard fields.count == 1 || fields.count == 4, case .success(let port) = parsePort(fields[0]) else { return nil }
        self.port = port
        if fields.count == 4 {
            connection = Connection(netType: String(fields[1]), addrType: String(fields[2]), address: String(fields[3]))
        }
    }

    public var description: String {
        guard let connection else { return String(port) }
        return "\(port) \(connection.netType) \(connection.addrType) \(connection.address)"
    }
}

/// One `a=rtcp-fb:<pt|*> <type> [<parameter>]` line (RFC 4585 §4.2): the feedback the writer
/// will accept. A door station cares about `nack` (RFC 4585 §6.2.1), `nack pli` (§6.3.1) and
/// `ccm fir` (RFC 5104 §7.1); everything else is read and ignored.
public struct RTCPFeedback: Sendable, Hashable, CustomStringConvertible {
    /// `nack`, `ccm`, `ack`, `trr-int`, `goog-remb`, …
    public var type: String
    /// `pli`, `fir`, `rpsi`, … or nil for plain `nack`.
    public var parameter: String?

    public init(_ type: String, _ parameter: String? = nil) {
        self.type = type
        self.parameter = parameter
    }

    public static let nack = RTCPFeedback("nack")
    public static let pli = RTCPFeedback("nack", "pli")
    public static let fir = RTCPFeedback("ccm", "fir")

    public var description: String {
        parameter.map { "\(type) \($0)" } ?? type
    }

    /// Same type and parameter, ignoring case.
    func matches(_ other: RTCPFeedback) -> Bool {
        type.equalsIgnoringCase(other.type) && (parameter ?? "").equalsIgnoringCase(other.parameter ?? "")
    }

    /// Parses `<pt|*> <type> [<parameter>...]`; the format is `"*"` or a payload type as text.
    static func parse(_ value: String) -> (format: String, feedback: RTCPFeedback)? {
        let fields = value.sdpFields
        guard fields.count >= 2 else { return nil }
        let parameter = fields.count > 2 ? fields.dropFirst(2).joined(separator: " ") : nil
        return (String(fields[0]), RTCPFeedback(String(fields[1]), parameter))
    }
}

/// The three feedback messages a video sender acts on, as flags.
public struct FeedbackSupport: Sendable, Hashable {
    /// Generic NACK: retransmission requests (RFC 4585 §6.2.1).
    public var nack: Bool
    /// Picture Loss Indication: send a key frame soon (RFC 4585 §6.3.1).
    public var pli: Bool
    /// Full Intra Request: send a key frame now (RFC 5104 §4.3.1).
    public var fir: Bool

    public init(nack: Bool = false, pli: Bool = false, fir: Bool = false) {
        self.nack = nack
        self.pli = pli
        self.fir = fir
    }

    public static let all = FeedbackSupport(nack: true, pli: true, fir: true)
    public static let none = FeedbackSupport()

    /// The flags set by a list of rtcp-fb values.
    public init(_ feedback: [RTCPFeedback]) {
        self.init(
            nack: feedback.contains { $0.matches(.nack) },
            pli: feedback.contains { $0.matches(.pli) },
            fir: feedback.contains { $0.matches(.fir) }
        )
    }

    /// The rtcp-fb values for the flags that are set, in the order linphone and baresip write them.
    public var feedback: [RTCPFeedback] {
        (nack ? [.nack] : []) + (pli ? [.pli] : []) + (fir ? [.fir] : [])
    }

    public func intersection(_ other: FeedbackSupport) -> FeedbackSupport {
        FeedbackSupport(nack: nack && other.nack, pli: pli && other.pli, fir: fir && other.fir)
    }
}
