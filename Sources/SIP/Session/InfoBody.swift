/// The bodies of INFO requests a door station exchanges during a call (RFC 6086 leaves the
/// packages to practice): DTMF as `application/dtmf-relay` (Cisco/SIP-INFO style, used by
/// Asterisk, linphone, Grandstream) or `application/dtmf`, and the video key-frame request
/// `application/media_control+xml` with `picture_fast_update` (RFC 5168).
public enum InfoBody: Sendable, Equatable {
    /// A DTMF digit (`0`–`9`, `*`, `#`, `A`–`D`) and how long it was held, in milliseconds.
    case dtmf(digit: Character, durationMilliseconds: Int)
    /// The sender asks for a key frame (RFC 5168 §3).
    case pictureFastUpdate

    public static let dtmfRelayType = "application/dtmf-relay"
    public static let dtmfType = "application/dtmf"
    public static let mediaControlType = "application/media_control+xml"
    /// Content types we accept in INFO, for `Accept` in a 415.
    public static let acceptedTypes = [dtmfRelayType, dtmfType, mediaControlType]

    public enum Problem: Error, Equatable, CustomStringConvertible {
        case unsupportedType(String)
        case malformed(String)

        public var description: String {
            switch self {
            case .unsupportedType(let type): "INFO body type \(type) is not supported"
            case .malformed(let reason): reason
            }
        }
    }

    static let digits: Set<Character> = Set("0123456789*#ABCD")

    /// Reads an INFO body. `contentType` may carry parameters (`application/dtmf-relay; charset=…`).
    public init(contentType: String, body: [UInt8]) throws(Problem) {
        let type = contentType.split(separator: ";").first.map { String($0).trimmed.lowercased() } ?? ""
        let text = String(decoding: body, as: UTF8.self)
        switch type {
        case Self.dtmfRelayType:
            // "Signal=5\r\nDuration=160": keys case-insensitive, order free, Duration optional.
            // Lines end in CRLF or LF; "\r\n" is one Character (a grapheme cluster), equal to
            // neither "\r" nor "\n", hence `isNewline`.
            var digit: Character?
            var duration = 160
            for line in text.split(whereSeparator: \.isNewline) {
                let parts = line.split(separator: "=", maxSplits: 1).map { String($0).trimmed }
                guard parts.count == 2 else { continue }
                switch parts[0].lowercased() {
                case "signal": digit = Self.digit(parts[1])
                    if digit == nil { throw .malformed("dtmf-relay Signal \"\(parts[1])\" is not a DTMF digit") }
                case "duration": duration = Int(parts[1]).map { min(max($0, 10), 10_000) } ?? duration
                default: continue
                }
            }
            guard let digit else { throw .malformed("dtmf-relay body has no Signal line") }
            self = .dtmf(digit: digit, durationMilliseconds: duration)
        case Self.dtmfType:
            guard let digit = Self.digit(text.trimmed) else { throw .malformed("application/dtmf body \"\(text.trimmed.prefix(16))\" is not a DTMF digit") }
            self = .dtmf(digit: digit, durationMilliseconds: 160)
        case Self.mediaControlType:
            guard text.contains("picture_fast_update") else { throw .malformed("media_control body without picture_fast_update") }
            self = .pictureFastUpdate
        default:
            throw .unsupportedType(type.isEmpty ? "(none)" : type)
        }
    }

    /// Digits as sent: one character, or the RFC 4733 event numbers 10 (`*`) and 11 (`#`), which
    /// some phones put in Signal.
    private static func digit(_ text: String) -> Character? {
        switch text.uppercased() {
        case "10": return "*"
        case "11": return "#"
        case let value where value.count == 1 && digits.contains(value.first!): return value.first
        default: return nil
        }
    }

    /// The Content-Type and body to send.
    public var encoded: (contentType: String, body: [UInt8]) {
        switch self {
        case .dtmf(let digit, let duration):
            (Self.dtmfRelayType, Array("Signal=\(digit)\r\nDuration=\(duration)\r\n".utf8))
        case .pictureFastUpdate:
            (Self.mediaControlType, Array("""
            <?xml version="1.0" encoding="utf-8" ?>
            <media_control><vc_primitive><to_encoder><picture_fast_update/></to_encoder></vc_primitive></media_control>

            """.utf8))
        }
    }
}

extension String {
    var trimmed: String {
        var slice = Substring(self)
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        // `isNewline` also covers "\r\n", a single Character.
        while let last = slice.last, last == " " || last == "\t" || last.isNewline { slice.removeLast() }
        return String(slice)
    }
}
