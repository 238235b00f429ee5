/// Writing a description back out in the order RFC 8866 §5 prescribes:
/// `v o s i u e p c b t r z k a`, then for each medium `m i c b k a`, every line ending in CRLF.
extension SessionDescription {
    public func serialized() -> String {
        var out = ""
        out.reserveCapacity(512 + media.count * 512)
        func line(_ type: Character, _ value: String) {
            out.append(type)
            out.append("=")
            out.append(value)
            out.append("\r\n")
        }
        line("v", String(version))
        line("o", origin.fieldValue)
        // RFC 8866 §5.3: an empty session name is written as a single space.
        line("s", sessionName.isEmpty ? " " : sessionName)
        for other in otherLines where sessionRank(other.type) < SessionRank.connection { line(other.type, other.value) }
        if let connection { line("c", connection.fieldValue) }
        for other in otherLines where sessionRank(other.type) == SessionRank.connection { line(other.type, other.value) }
        for bandwidth in bandwidths { line("b", "\(bandwidth.type):\(bandwidth.value)") }
        for time in timing {
            line("t", "\(time.start) \(time.stop)")
            for repeatLine in time.repeats { line("r", repeatLine) }
        }
        for other in otherLines where sessionRank(other.type) > SessionRank.connection { line(other.type, other.value) }
        for attribute in attributes { line("a", attribute.description) }
        for medium in media {
            line("m", medium.fieldValue)
            for other in medium.otherLines where mediaRank(other.type) < MediaRank.connection { line(other.type, other.value) }
            if let connection = medium.connection { line("c", connection.fieldValue) }
            for other in medium.otherLines where mediaRank(other.type) == MediaRank.connection { line(other.type, other.value) }
            for bandwidth in medium.bandwidths { line("b", "\(bandwidth.type):\(bandwidth.value)") }
            for other in medium.otherLines where mediaRank(other.type) > MediaRank.connection { line(other.type, other.value) }
            for attribute in medium.attributes { line("a", attribute.description) }
        }
        return out
    }

    /// The description as a SIP message body.
    public func serializedBytes() -> [UInt8] { Array(serialized().utf8) }
}

/// Positions of the unmodelled session-level lines relative to `c=` (RFC 8866 §5 order).
enum SessionRank {
    static let connection = 4
}

/// `i u e p` before `c=`, extra `c=` with it, then `z k`, then unknown letters (before `a=`).
func sessionRank(_ type: Character) -> Int {
    switch type {
    case "i": 0
    case "u": 1
    case "e": 2
    case "p": 3
    case "c": SessionRank.connection
    case "z": 5
    case "k": 6
    default: 7
    }
}

enum MediaRank {
    static let connection = 1
}

/// `i` before `c=`, extra `c=` with it, then `k`, then unknown letters (before `a=`).
func mediaRank(_ type: Character) -> Int {
    switch type {
    case "i": 0
    case "c": MediaRank.connection
    case "k": 2
    default: 3
    }
}

/// Stable sort into serialization order, so that parsing what was serialized gives the same model.
func sortedSessionLines(_ lines: [SDPLine]) -> [SDPLine] {
    lines.enumerated().sorted { (sessionRank($0.element.type), $0.offset) < (sessionRank($1.element.type), $1.offset) }.map(\.element)
}

func sortedMediaLines(_ lines: [SDPLine]) -> [SDPLine] {
    lines.enumerated().sorted { (mediaRank($0.element.type), $0.offset) < (mediaRank($1.element.type), $1.offset) }.map(\.element)
}
