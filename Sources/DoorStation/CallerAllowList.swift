/// `[door] allowed_callers`: who may call the door to look and talk (auto-answered); everyone
/// else is refused. An entry names a user at a host (`sip:apartment@192.168.1.20`) or a whole
/// host (`sip:192.168.1.20`, any user there). Ports, parameters, display names and the
/// sip/sips scheme difference do not matter: the apartment's phone may call from any port.
public struct CallerAllowList: Sendable, Equatable {
    struct Entry: Sendable, Equatable {
        var user: String?
        var host: String
    }

    let entries: [Entry]

    /// `entries` as written in the config (SIP addresses, optionally `Name <sip:…>`).
    public init(_ entries: [String]) {
        self.entries = entries.compactMap(Self.entry)
    }

    public var isEmpty: Bool { entries.isEmpty }

    /// Whether `caller` (the From URI of an INVITE) is allowed.
    public func allows(_ caller: String) -> Bool {
        guard let candidate = Self.entry(caller) else { return false }
        return entries.contains { entry in
            entry.host == candidate.host && (entry.user == nil || entry.user == candidate.user)
        }
    }

    /// User and host of a SIP address: `"Flat 3" <sips:Flat3@Example.org:5061;transport=tls>` →
    /// (`Flat3`, `example.org`). The user part is case-sensitive (RFC 3261 §19.1.4), the host not.
    static func entry(_ text: String) -> Entry? {
        var uri = Substring(text)
        if let open = uri.firstIndex(of: "<"), let close = uri[open...].firstIndex(of: ">") {
            uri = uri[uri.index(after: open)..<close]
        }
        uri = uri.drop { $0 == " " }
        guard let colon = uri.firstIndex(of: ":") else { return nil }
        let scheme = uri[..<colon].lowercased()
        guard scheme == "sip" || scheme == "sips" else { return nil }
        var rest = uri[uri.index(after: colon)...]
        if let end = rest.firstIndex(where: { $0 == ";" || $0 == "?" || $0 == ">" }) { rest = rest[..<end] }
        var user: String?
        if let at = rest.lastIndex(of: "@") {
            user = String(rest[..<at].split(separator: ":", maxSplits: 1).first ?? "")
            rest = rest[rest.index(after: at)...]
        }
        var host = String(rest)
        if host.hasPrefix("[") {
            host = String(host.prefix { $0 != "]" }) + "]"
        } else if let portColon = host.lastIndex(of: ":") {
            host = String(host[..<portColon])
        }
        guard !host.isEmpty else { return nil }
        return Entry(user: user, host: host.lowercased())
    }
}
