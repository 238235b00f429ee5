/// The structured SDP fields other than media and attributes (RFC 8866 §5).

/// `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>` (RFC 8866 §5.2).
///
/// The session id stays fixed for a dialog; the version goes up by one whenever the description
/// changes (RFC 3264 §8).
public struct Origin: Sendable, Hashable {
    public var username: String
    public var sessionID: UInt64
    public var sessionVersion: UInt64
    public var netType: String
    public var addrType: String
    public var address: String

    public init(username: String = "-", sessionID: UInt64, sessionVersion: UInt64, netType: String = "IN", addrType: String, address: String) {
        self.username = username
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.netType = netType
        self.addrType = addrType
        self.address = address
    }

    /// An `IN` origin whose address type (`IP4` or `IP6`) follows from the address.
    public init(username: String = "-", sessionID: UInt64, sessionVersion: UInt64, address: String) {
        self.init(username: username, sessionID: sessionID, sessionVersion: sessionVersion, addrType: addressType(of: address), address: address)
    }

    var fieldValue: String { "\(username) \(sessionID) \(sessionVersion) \(netType) \(addrType) \(address)" }
}

/// `c=<nettype> <addrtype> <connection-address>` (RFC 8866 §5.7).
///
/// A multicast suffix (`/ttl` and `/count` for IP4, `/count` for IP6) is kept in `ttl` and
/// `addressCount` so the address itself is always plain.
public struct Connection: Sendable, Hashable {
    public var netType: String
    public var addrType: String
    public var address: String
    /// IP4 multicast time-to-live (`/127`).
    public var ttl: UInt8?
    /// Number of consecutive multicast addresses (`/3`).
    public var addressCount: UInt32?

    public init(netType: String = "IN", addrType: String, address: String, ttl: UInt8? = nil, addressCount: UInt32? = nil) {
        self.netType = netType
        self.addrType = addrType
        self.address = address
        self.ttl = ttl
        self.addressCount = addressCount
    }

    /// An `IN` connection whose address type follows from the address.
    public init(address: String) {
        self.init(addrType: addressType(of: address), address: address)
    }

    /// `c=IN IP4 0.0.0.0`: the RFC 2543 way of putting a call on hold, still sent by older
    /// phones (RFC 3264 §8.4 tells answerers to understand it).
    public var isHoldAddress: Bool { address == "0.0.0.0" }

    var fieldValue: String {
        var text = "\(netType) \(addrType) \(address)"
        if let ttl { text += "/\(ttl)" }
        if let addressCount { text += "/\(addressCount)" }
        return text
    }
}

/// `b=<bwtype>:<bandwidth>` (RFC 8866 §5.8): `AS` and `CT` in kbit/s, `TIAS` in bit/s (RFC 3890).
public struct Bandwidth: Sendable, Hashable {
    public var type: String
    public var value: UInt64

    public init(type: String, value: UInt64) {
        self.type = type
        self.value = value
    }

    public static func applicationSpecific(_ kilobitsPerSecond: UInt64) -> Bandwidth { Bandwidth(type: "AS", value: kilobitsPerSecond) }
    public static func transportIndependent(_ bitsPerSecond: UInt64) -> Bandwidth { Bandwidth(type: "TIAS", value: bitsPerSecond) }

    /// The most the receiver of these lines takes, in kbit/s: `b=TIAS` (RFC 3890, which excludes
    /// packet overhead and so is the better figure for an encoder) before `b=AS`; nil when there
    /// is neither or they say 0 (no figure).
    static func limitKbps(_ lines: [Bandwidth]) -> Int? {
        if let tias = lines.first(where: { $0.type.uppercased() == "TIAS" }), tias.value > 0 {
            return Int(clamping: max(1, tias.value / 1000))
        }
        if let applicationSpecific = lines.first(where: { $0.type.uppercased() == "AS" }), applicationSpecific.value > 0 {
            return Int(clamping: applicationSpecific.value)
        }
        return nil
    }
}

/// `t=<start-time> <stop-time>` with its `r=` repeat lines (RFC 8866 §5.9–5.10). Calls use `t=0 0`.
public struct Timing: Sendable, Hashable {
    public var start: UInt64
    public var stop: UInt64
    /// The `r=` lines that follow this `t=`, verbatim.
    public var repeats: [String]

    public init(start: UInt64 = 0, stop: UInt64 = 0, repeats: [String] = []) {
        self.start = start
        self.stop = stop
        self.repeats = repeats
    }

    /// `t=0 0`: an unbounded session, what every SIP call uses (RFC 3264 §5).
    public static let unbounded = Timing()
}

/// A line this library does not model (`i=`, `u=`, `e=`, `p=`, `k=`, `z=`, extra `c=`, or a type
/// letter RFC 8866 does not define): kept verbatim and written back in RFC order.
///
/// RFC 8866 §5 would have a parser ignore a whole description with an unknown type letter; a door
/// station that refuses a call over a line it does not need helps nobody, so the line is kept
/// and otherwise ignored.
public struct SDPLine: Sendable, Hashable {
    /// The type letter before `=`.
    public var type: Character
    public var value: String

    public init(type: Character, value: String) {
        self.type = type
        self.value = value
    }
}

/// `IP6` when the address contains a colon, else `IP4` (host names are IP4 by convention).
func addressType(of address: String) -> String {
    address.contains(":") ? "IP6" : "IP4"
}
