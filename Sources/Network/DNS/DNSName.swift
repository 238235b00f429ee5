/// Domain names on the wire (RFC 1035 §3.1, §4.1.4): a sequence of length-prefixed labels ending in
/// a zero byte, possibly ending instead in a pointer to an earlier name in the same message.
///
/// Names are handed around as text without the trailing dot; the root is `.`. Bytes that would make
/// the text ambiguous (`.`, `\`, non-printable) are written as RFC 1035 §5.1 escapes (`\.`, `\092`).
enum DNSName {
    /// RFC 1035 §2.3.4.
    static let maximumLabelLength = 63
    /// RFC 1035 §2.3.4: the whole name on the wire, length bytes and terminating zero included.
    static let maximumWireLength = 255
    /// Every pointer hop must add a label or end the name, so a legitimate name never needs more
    /// hops than it has labels (at most 127). Past this, the packet is a loop.
    static let maximumPointerHops = 127

    /// Appends `name` in uncompressed wire form. A trailing dot is allowed; escapes are not
    /// interpreted (SIP host names never need them).
    static func encode(_ name: String, into bytes: inout [UInt8]) throws(DNSError) {
        var text = Substring(name)
        if text.hasSuffix(".") { text = text.dropLast() }
        var length = 1
        if !text.isEmpty {
            for label in text.split(separator: ".", omittingEmptySubsequences: false) {
                let utf8 = Array(label.utf8)
                guard !utf8.isEmpty else { throw .invalidName(name, reason: "empty label") }
                guard utf8.count <= maximumLabelLength else {
                    throw .invalidName(name, reason: "label of \(utf8.count) bytes, over \(maximumLabelLength)")
                }
                length += 1 + utf8.count
                guard length <= maximumWireLength else {
                    throw .invalidName(name, reason: "longer than \(maximumWireLength) bytes on the wire")
                }
                bytes.append(UInt8(utf8.count))
                bytes += utf8
            }
        }
        bytes.append(0)
    }

    /// Reads the name starting at `offset` in `packet`, following compression pointers.
    /// Returns the name and the offset just past it where it started (past the first pointer, if any).
    /// The labels before the first pointer must end before `limit` (the end of the record data they
    /// are in); a pointer may point anywhere in the packet.
    static func decode(_ packet: [UInt8], at offset: Int, limit: Int? = nil) throws(DNSError) -> (name: String, end: Int) {
        var labels: [String] = []
        var position = offset
        var bound = min(limit ?? packet.count, packet.count)
        var end: Int?
        var wireLength = 1
        var hops = 0
        while true {
            guard position < bound else { throw .malformed(offset: position, .truncated(needed: 1)) }
            let length = packet[position]
            switch length & 0xC0 {
            case 0xC0:
                guard position + 1 < bound else { throw .malformed(offset: position, .truncated(needed: 1)) }
                let target = Int(length & 0x3F) << 8 | Int(packet[position + 1])
                guard target < packet.count else { throw .malformed(offset: position, .pointerOutOfRange(target: target)) }
                hops += 1
                guard hops <= maximumPointerHops else { throw .malformed(offset: position, .pointerLoop) }
                if end == nil { end = position + 2 }
                position = target
                bound = packet.count
            case 0x00:
                if length == 0 {
                    let name = labels.isEmpty ? "." : labels.joined(separator: ".")
                    return (name, end ?? position + 1)
                }
                let count = Int(length)
                wireLength += 1 + count
                guard wireLength <= maximumWireLength else { throw .malformed(offset: position, .nameTooLong) }
                let available = bound - position - 1
                guard available >= count else { throw .malformed(offset: position + 1, .truncated(needed: count - available)) }
                labels.append(text(of: packet[(position + 1)...(position + count)]))
                position += 1 + count
            default:
                // Prefixes 01 and 10 were extended label types, never deployed (RFC 6891 §5); read as
                // lengths they are over 63, which is what a broken encoder produces.
                throw .malformed(offset: position, .labelTooLong(Int(length)))
            }
        }
    }

    /// Whether two names are the same, ignoring ASCII case (RFC 4343) and a trailing dot.
    static func equal(_ left: String, _ right: String) -> Bool {
        func normal(_ name: String) -> Substring.UTF8View {
            (name.hasSuffix(".") && name != "." ? name.dropLast() : Substring(name)).utf8
        }
        let a = normal(left)
        let b = normal(right)
        guard a.count == b.count else { return false }
        return zip(a, b).allSatisfy { lowercased($0) == lowercased($1) }
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) ? byte | 0x20 : byte
    }

    /// A label as text: printable ASCII as is, `.` and `\` escaped, anything else as `\DDD`.
    private static func text(of label: ArraySlice<UInt8>) -> String {
        if label.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: ".") && $0 != UInt8(ascii: "\\") }) {
            return String(decoding: label, as: UTF8.self)
        }
        var result = ""
        for byte in label {
            switch byte {
            case UInt8(ascii: "."), UInt8(ascii: "\\"):
                result += "\\" + String(UnicodeScalar(byte))
            case 0x21..<0x7F:
                result.unicodeScalars.append(UnicodeScalar(byte))
            default:
                let digits = String(byte)
                result += "\\" + String(repeating: "0", count: 3 - digits.count) + digits
            }
        }
        return result
    }
}
