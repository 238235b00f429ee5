/// `a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]`
/// (RFC 8866 §6.6), and the static payload types of RFC 3551 §6 that need no rtpmap.
public struct RTPMap: Sendable, Hashable, CustomStringConvertible {
    /// The encoding name as the peer wrote it (`PCMU`, `pcma`, `telephone-event`, `H264`);
    /// compare with `matches(_:clockRate:)`, which ignores case (RFC 4855 §3).
    public var encoding: String
    public var clockRate: UInt32
    /// Audio channels (`/2`); nil means one (RFC 8866 §6.6).
    public var channels: UInt8?

    public init(encoding: String, clockRate: UInt32, channels: UInt8? = nil) {
        self.encoding = encoding
        self.clockRate = clockRate
        self.channels = channels
    }

    public static let pcmu = RTPMap(encoding: "PCMU", clockRate: 8000)
    public static let pcma = RTPMap(encoding: "PCMA", clockRate: 8000)
    public static let telephoneEvent = RTPMap(encoding: "telephone-event", clockRate: 8000)
    public static let h264 = RTPMap(encoding: "H264", clockRate: 90_000)

    /// Same encoding (ignoring case), same clock rate, one channel.
    public func matches(_ other: RTPMap) -> Bool {
        encoding.equalsIgnoringCase(other.encoding) && clockRate == other.clockRate && (channels ?? 1) == (other.channels ?? 1)
    }

    /// `PCMU/8000`, `opus/48000/2`: the rtpmap value after the payload type.
    public var description: String {
        "\(encoding)/\(clockRate)" + (channels.map { "/\($0)" } ?? "")
    }

    /// Parses `<payload type> <encoding>/<rate>[/<channels>]`; nil when malformed (the attribute
    /// is then ignored, never fatal).
    static func parse(_ value: String) -> (payloadType: UInt8, map: RTPMap)? {
        let fields = value.sdpFields
        guard fields.count == 2, let payloadType = parseDecimal(fields[0], as: UInt8.self), payloadType < 128 else { return nil }
        let parts = fields[1].split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, !parts[0].isEmpty, let rate = parseDecimal(parts[1], as: UInt32.self) else { return nil }
        var channels: UInt8?
        if parts.count == 3 {
            guard let count = parseDecimal(parts[2], as: UInt8.self), count > 0 else { return nil }
            channels = count
        }
        return (payloadType, RTPMap(encoding: String(parts[0]), clockRate: rate, channels: channels))
    }

    /// The static payload types of RFC 3551 §6 (Tables 4 and 5), used when a format has no
    /// rtpmap: `m=audio 4000 RTP/AVP 0 8` means PCMU and PCMA at 8000 Hz.
    public static func staticPayloadType(_ payloadType: UInt8) -> RTPMap? {
        switch payloadType {
        case 0: .pcmu
        case 3: RTPMap(encoding: "GSM", clockRate: 8000)
        case 4: RTPMap(encoding: "G723", clockRate: 8000)
        case 5: RTPMap(encoding: "DVI4", clockRate: 8000)
        case 6: RTPMap(encoding: "DVI4", clockRate: 16_000)
        case 7: RTPMap(encoding: "LPC", clockRate: 8000)
        case 8: .pcma
        // RFC 3551 §4.5.2: G.722's RTP clock is 8000 Hz although it samples at 16 kHz.
        case 9: RTPMap(encoding: "G722", clockRate: 8000)
        case 10: RTPMap(encoding: "L16", clockRate: 44_100, channels: 2)
        case 11: RTPMap(encoding: "L16", clockRate: 44_100)
        case 12: RTPMap(encoding: "QCELP", clockRate: 8000)
        case 13: RTPMap(encoding: "CN", clockRate: 8000)
        case 14: RTPMap(encoding: "MPA", clockRate: 90_000)
        case 15: RTPMap(encoding: "G728", clockRate: 8000)
        case 16: RTPMap(encoding: "DVI4", clockRate: 11_025)
        case 17: RTPMap(encoding: "DVI4", clockRate: 22_050)
        case 18: RTPMap(encoding: "G729", clockRate: 8000)
        case 25: RTPMap(encoding: "CelB", clockRate: 90_000)
        case 26: RTPMap(encoding: "JPEG", clockRate: 90_000)
        case 28: RTPMap(encoding: "nv", clockRate: 90_000)
        case 31: RTPMap(encoding: "H261", clockRate: 90_000)
        case 32: RTPMap(encoding: "MPV", clockRate: 90_000)
        case 33: RTPMap(encoding: "MP2T", clockRate: 90_000)
        case 34: RTPMap(encoding: "H263", clockRate: 90_000)
        default: nil
        }
    }
}
