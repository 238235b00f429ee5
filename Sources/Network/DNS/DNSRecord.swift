/// A resource record type (RFC 1035 §3.2.2). A struct rather than an enum so that a type we do
/// not decode can still be named, e.g. in a question or a log line.
public struct DNSRecordType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let a = DNSRecordType(rawValue: 1)
    public static let cname = DNSRecordType(rawValue: 5)
    /// RFC 3596.
    public static let aaaa = DNSRecordType(rawValue: 28)
    /// RFC 2782.
    public static let srv = DNSRecordType(rawValue: 33)
    /// RFC 3403.
    public static let naptr = DNSRecordType(rawValue: 35)
    /// The EDNS(0) pseudo-record (RFC 6891 §6.1.1); only ever sent, skipped when received.
    static let opt = DNSRecordType(rawValue: 41)

    public var description: String {
        switch self {
        case .a: "A"
        case .cname: "CNAME"
        case .aaaa: "AAAA"
        case .srv: "SRV"
        case .naptr: "NAPTR"
        default: "TYPE\(rawValue)"
        }
    }
}

/// The RCODE of a response (RFC 1035 §4.1.1, RFC 6895 §2.3).
public struct DNSResponseCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt8

    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let noError = DNSResponseCode(rawValue: 0)
    public static let formatError = DNSResponseCode(rawValue: 1)
    public static let serverFailure = DNSResponseCode(rawValue: 2)
    /// NXDOMAIN: the name does not exist at all (as opposed to existing without records of the type).
    public static let nameError = DNSResponseCode(rawValue: 3)
    public static let notImplemented = DNSResponseCode(rawValue: 4)
    public static let refused = DNSResponseCode(rawValue: 5)

    public var description: String {
        switch self {
        case .noError: "NOERROR"
        case .formatError: "FORMERR"
        case .serverFailure: "SERVFAIL"
        case .nameError: "NXDOMAIN"
        case .notImplemented: "NOTIMP"
        case .refused: "REFUSED"
        default: "RCODE\(rawValue)"
        }
    }
}

/// One decoded resource record of class IN. The TTL is kept so that a caller may cache.
public struct DNSRecord: Hashable, Sendable {
    /// The owner name, without the trailing dot.
    public var name: String
    /// Seconds the record may be cached.
    public var ttl: UInt32
    public var data: DNSRecordData

    public init(name: String, ttl: UInt32, data: DNSRecordData) {
        self.name = name
        self.ttl = ttl
        self.data = data
    }

    public var type: DNSRecordType { data.type }
}

/// The RDATA of the record types SIP server location needs (RFC 3263 §4).
public enum DNSRecordData: Hashable, Sendable {
    case a(IPAddress)
    case aaaa(IPAddress)
    case cname(String)
    case srv(SRVRecord)
    case naptr(NAPTRRecord)

    public var type: DNSRecordType {
        switch self {
        case .a: .a
        case .aaaa: .aaaa
        case .cname: .cname
        case .srv: .srv
        case .naptr: .naptr
        }
    }
}

/// A service location record (RFC 2782).
public struct SRVRecord: Hashable, Sendable {
    /// Lower is tried first.
    public var priority: UInt16
    /// Relative chance of being picked among records of equal priority.
    public var weight: UInt16
    public var port: UInt16
    /// The host to resolve; `.` means the service is decidedly not available at this domain.
    public var target: String

    public init(priority: UInt16, weight: UInt16, port: UInt16, target: String) {
        self.priority = priority
        self.weight = weight
        self.port = port
        self.target = target
    }
}

/// A naming authority pointer (RFC 3403 §4.1), as RFC 3263 §4.1 uses it to pick a transport.
public struct NAPTRRecord: Hashable, Sendable {
    public var order: UInt16
    public var preference: UInt16
    /// `s` means the replacement is to be looked up as SRV.
    public var flags: String
    /// e.g. `SIP+D2U`, `SIPS+D2T`.
    public var services: String
    public var regexp: String
    /// The next name to look up, without the trailing dot; `.` when there is none.
    public var replacement: String

    public init(order: UInt16, preference: UInt16, flags: String, services: String, regexp: String, replacement: String) {
        self.order = order
        self.preference = preference
        self.flags = flags
        self.services = services
        self.regexp = regexp
        self.replacement = replacement
    }
}
