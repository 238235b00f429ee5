/// Everything that can go wrong finding a SIP server through DNS, with enough context to log it once
/// and be understood: the byte offset of a malformed packet, the query that timed out, the server asked.
public enum DNSError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why a packet could not be decoded. Every malformed packet ends here, never in a crash.
    public enum Malformation: Sendable, Equatable {
        /// The packet ends before the 12-byte header (RFC 1035 §4.1.1) does.
        case truncatedHeader
        /// The packet ends inside a field that needed `needed` more bytes.
        case truncated(needed: Int)
        /// A compression pointer (RFC 1035 §4.1.4) points at or past the end of the packet.
        case pointerOutOfRange(target: Int)
        /// Following compression pointers took more hops than any real name needs.
        case pointerLoop
        /// A label length over 63 (RFC 1035 §2.3.4); the `01`/`10` prefixes of such a byte are
        /// extended label types that were never deployed (RFC 6891 §5).
        case labelTooLong(Int)
        /// A name longer than 255 bytes on the wire (RFC 1035 §2.3.4).
        case nameTooLong
        /// A record's RDLENGTH runs past the end of the packet.
        case rdataOverrun(length: Int, available: Int)
        /// A record's data does not fill exactly its RDLENGTH of `length` (e.g. an A record that is not 4 bytes).
        case rdataLength(type: UInt16, length: Int)
    }

    /// A packet that is not a well-formed DNS message; `offset` is where decoding stopped.
    case malformed(offset: Int, Malformation)
    /// A name that cannot be put in a query: an empty label, a label over 63 bytes, over 255 in all.
    case invalidName(String, reason: String)
    /// No answer from `server` after `attempts` tries.
    case timedOut(name: String, type: DNSRecordType, server: String, attempts: Int)
    /// The server answered with an error code other than NXDOMAIN (SERVFAIL, REFUSED, …).
    case serverError(name: String, type: DNSRecordType, server: String, rcode: DNSResponseCode)
    /// No usable `nameserver` line in resolv.conf.
    case noNameServer(path: String)
    /// A socket error talking to the server.
    case transport(server: String, reason: String)
    /// The RFC 3263 procedure found no address for the host; `lastError` is the last failure on the way, if any.
    indirect case noTargets(host: String, lastError: DNSError?)

    public var description: String {
        switch self {
        case .malformed(let offset, let reason):
            "malformed DNS message at byte \(offset): \(reason)"
        case .invalidName(let name, let reason):
            "invalid DNS name \"\(name)\": \(reason)"
        case .timedOut(let name, let type, let server, let attempts):
            "no answer from \(server) for \(name) \(type) after \(attempts) attempt\(attempts == 1 ? "" : "s")"
        case .serverError(let name, let type, let server, let rcode):
            "\(server) answered \(rcode) for \(name) \(type)"
        case .noNameServer(let path):
            "no nameserver line in \(path)"
        case .transport(let server, let reason):
            "talking to DNS server \(server): \(reason)"
        case .noTargets(let host, let lastError):
            "no SIP server address found for \(host)" + (lastError.map { " (last error: \($0))" } ?? "")
        }
    }
}
