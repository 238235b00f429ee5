/// A header field name. Known names are compared by identity; others keep their spelling and
/// compare case-insensitively (RFC 3261 §7.3.1: field names are case-insensitive).
public struct SIPHeaderName: Hashable, Sendable, CustomStringConvertible {
    enum Storage: Hashable, Sendable {
        case known(Known)
        case other(String)
    }

    let storage: Storage

    /// The canonical (long) form, as the serializer writes it.
    public var description: String {
        switch storage {
        case .known(let known): return known.canonical
        case .other(let name): return name
        }
    }

    /// Whether the value of this header is a comma-separated list that the parser splits into
    /// one field per element (RFC 3261 §7.3.1). Headers whose values contain commas of their
    /// own (authentication, Date, Warning texts, unknown headers) are kept whole.
    public var isList: Bool {
        if case .known(let known) = storage { return known.isList }
        return false
    }

    public init(_ name: String) {
        if let known = Known.lookup(Array(name.utf8)[...]) {
            storage = .known(known)
        } else {
            storage = .other(name)
        }
    }

    init(known: Known) { storage = .known(known) }

    init<C: Collection>(bytes: C) where C.Element == UInt8 {
        if let known = Known.lookup(bytes) {
            storage = .known(known)
        } else {
            storage = .other(String(decoding: bytes, as: UTF8.self))
        }
    }

    public static func == (lhs: SIPHeaderName, rhs: SIPHeaderName) -> Bool {
        switch (lhs.storage, rhs.storage) {
        case (.known(let a), .known(let b)): return a == b
        case (.other(let a), .other(let b)): return a.lowercased() == b.lowercased()
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch storage {
        case .known(let known): hasher.combine(known)
        case .other(let name): hasher.combine(name.lowercased())
        }
    }

    public static let accept = SIPHeaderName(known: .accept)
    public static let acceptEncoding = SIPHeaderName(known: .acceptEncoding)
    public static let acceptLanguage = SIPHeaderName(known: .acceptLanguage)
    public static let allow = SIPHeaderName(known: .allow)
    public static let allowEvents = SIPHeaderName(known: .allowEvents)
    public static let authorization = SIPHeaderName(known: .authorization)
    public static let callID = SIPHeaderName(known: .callID)
    public static let contact = SIPHeaderName(known: .contact)
    public static let contentDisposition = SIPHeaderName(known: .contentDisposition)
    public static let contentEncoding = SIPHeaderName(known: .contentEncoding)
    public static let contentLength = SIPHeaderName(known: .contentLength)
    public static let contentType = SIPHeaderName(known: .contentType)
    public static let cseq = SIPHeaderName(known: .cseq)
    public static let date = SIPHeaderName(known: .date)
    public static let event = SIPHeaderName(known: .event)
    public static let expires = SIPHeaderName(known: .expires)
    public static let from = SIPHeaderName(known: .from)
    public static let maxForwards = SIPHeaderName(known: .maxForwards)
    public static let minExpires = SIPHeaderName(known: .minExpires)
    public static let minSE = SIPHeaderName(known: .minSE)
    public static let path = SIPHeaderName(known: .path)
    public static let proxyAuthenticate = SIPHeaderName(known: .proxyAuthenticate)
    public static let proxyAuthorization = SIPHeaderName(known: .proxyAuthorization)
    public static let proxyRequire = SIPHeaderName(known: .proxyRequire)
    public static let rack = SIPHeaderName(known: .rack)
    public static let reason = SIPHeaderName(known: .reason)
    public static let recordRoute = SIPHeaderName(known: .recordRoute)
    public static let referTo = SIPHeaderName(known: .referTo)
    public static let require = SIPHeaderName(known: .require)
    public static let retryAfter = SIPHeaderName(known: .retryAfter)
    public static let route = SIPHeaderName(known: .route)
    public static let rseq = SIPHeaderName(known: .rseq)
    public static let server = SIPHeaderName(known: .server)
    public static let serviceRoute = SIPHeaderName(known: .serviceRoute)
    public static let sessionExpires = SIPHeaderName(known: .sessionExpires)
    public static let subject = SIPHeaderName(known: .subject)
    public static let supported = SIPHeaderName(known: .supported)
    public static let timestamp = SIPHeaderName(known: .timestamp)
    public static let to = SIPHeaderName(known: .to)
    public static let unsupported = SIPHeaderName(known: .unsupported)
    public static let userAgent = SIPHeaderName(known: .userAgent)
    public static let via = SIPHeaderName(known: .via)
    public static let warning = SIPHeaderName(known: .warning)
    public static let wwwAuthenticate = SIPHeaderName(known: .wwwAuthenticate)
}

extension SIPHeaderName {
    enum Known: UInt8, CaseIterable, Sendable {
        case accept, acceptEncoding, acceptLanguage, allow, allowEvents, authorization, callID, contact
        case contentDisposition, contentEncoding, contentLength, contentType, cseq, date, event, expires
        case from, maxForwards, minExpires, minSE, path, proxyAuthenticate, proxyAuthorization, proxyRequire
        case rack, reason, recordRoute, referTo, require, retryAfter, route, rseq, server, serviceRoute
        case sessionExpires, subject, supported, timestamp, to, unsupported, userAgent, via, warning
        case wwwAuthenticate

        var canonical: String {
            switch self {
            case .accept: "Accept"
            case .acceptEncoding: "Accept-Encoding"
            case .acceptLanguage: "Accept-Language"
            case .allow: "Allow"
            case .allowEvents: "Allow-Events"
            case .authorization: "Authorization"
            case .callID: "Call-ID"
            case .contact: "Contact"
            case .contentDisposition: "Content-Disposition"
            case .contentEncoding: "Content-Encoding"
            case .contentLength: "Content-Length"
            case .contentType: "Content-Type"
            case .cseq: "CSeq"
            case .date: "Date"
            case .event: "Event"
            case .expires: "Expires"
            case .from: "From"
            case .maxForwards: "Max-Forwards"
            case .minExpires: "Min-Expires"
            case .minSE: "Min-SE"
            case .path: "Path"
            case .proxyAuthenticate: "Proxy-Authenticate"
            case .proxyAuthorization: "Proxy-Authorization"
            case .proxyRequire: "Proxy-Require"
            case .rack: "RAck"
            case .reason: "Reason"
            case .recordRoute: "Record-Route"
            case .referTo: "Refer-To"
            case .require: "Require"
            case .retryAfter: "Retry-After"
            case .route: "Route"
            case .rseq: "RSeq"
            case .server: "Server"
            case .serviceRoute: "Service-Route"
            case .sessionExpires: "Session-Expires"
            case .subject: "Subject"
            case .supported: "Supported"
            case .timestamp: "Timestamp"
            case .to: "To"
            case .unsupported: "Unsupported"
            case .userAgent: "User-Agent"
            case .via: "Via"
            case .warning: "Warning"
            case .wwwAuthenticate: "WWW-Authenticate"
            }
        }

        /// Compact forms (RFC 3261 §7.3.3, RFC 3515, RFC 4028, RFC 6665).
        var compact: UInt8? {
            switch self {
            case .callID: UInt8(ascii: "i")
            case .contact: UInt8(ascii: "m")
            case .contentEncoding: UInt8(ascii: "e")
            case .contentLength: UInt8(ascii: "l")
            case .contentType: UInt8(ascii: "c")
            case .from: UInt8(ascii: "f")
            case .subject: UInt8(ascii: "s")
            case .supported: UInt8(ascii: "k")
            case .to: UInt8(ascii: "t")
            case .via: UInt8(ascii: "v")
            case .event: UInt8(ascii: "o")
            case .referTo: UInt8(ascii: "r")
            case .sessionExpires: UInt8(ascii: "x")
            case .allowEvents: UInt8(ascii: "u")
            default: nil
            }
        }

        var isList: Bool {
            switch self {
            case .accept, .acceptEncoding, .acceptLanguage, .allow, .allowEvents, .contact, .contentEncoding,
                 .path, .proxyRequire, .recordRoute, .require, .route, .serviceRoute, .supported,
                 .unsupported, .via:
                true
            default:
                false
            }
        }

        private static let byCompact: [Known?] = {
            var table = [Known?](repeating: nil, count: 128)
            for known in allCases {
                if let compact = known.compact { table[Int(compact)] = known }
            }
            return table
        }()

        /// Candidates by name length, lower-cased, so that a lookup compares bytes without allocating.
        private static let byLength: [[(known: Known, name: [UInt8])]] = {
            var table = [[(known: Known, name: [UInt8])]](repeating: [], count: 21)
            for known in allCases {
                let name = Array(known.canonical.lowercased().utf8)
                table[name.count].append((known, name))
            }
            return table
        }()

        static func lookup<C: Collection>(_ bytes: C) -> Known? where C.Element == UInt8 {
            let count = bytes.count
            if count == 1 {
                let byte = ByteClass.lower(bytes.first!)
                return byte < 128 ? byCompact[Int(byte)] : nil
            }
            guard count < byLength.count else { return nil }
            candidates: for candidate in byLength[count] {
                var index = 0
                for byte in bytes {
                    if ByteClass.lower(byte) != candidate.name[index] { continue candidates }
                    index += 1
                }
                return candidate.known
            }
            return nil
        }
    }
}
