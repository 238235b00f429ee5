/// Checks shared by several keys. Each returns a problem description, or `nil` when the value is fine.
enum ConfigValidators {
    /// A SIP address as accepted in identities, proxies and call targets: `sip:` or `sips:` with a host.
    /// Display names and angle brackets are allowed (`"Door" <sip:door@pbx>`), as in linphone's `reg_identity`.
    static func sipAddress(_ raw: String) -> String? {
        var text = Substring(raw.trimmingWhitespace())
        if let open = text.firstIndex(of: "<") {
            guard let close = text.lastIndex(of: ">"), close > open else {
                return "\"\(raw)\" has '<' without a closing '>'"
            }
            text = text[text.index(after: open)..<close]
        }
        let lower = text.lowercased()
        let scheme = lower.hasPrefix("sips:") ? "sips:" : lower.hasPrefix("sip:") ? "sip:" : nil
        guard let scheme else {
            return "expected a SIP address such as sip:apartment@pbx.example, got \"\(raw)\""
        }
        let rest = text.dropFirst(scheme.count)
        let hostPart = rest.split(separator: "@", maxSplits: 1).last.map(Substring.init) ?? rest
        let host = hostPart.prefix { $0 != ";" && $0 != "?" && $0 != ":" && $0 != ">" }
        if host.isEmpty || host.contains(" ") {
            return "SIP address \"\(raw)\" has no host"
        }
        return nil
    }

    /// A filesystem path: absolute, so that it does not depend on the daemon's working directory.
    static func absolutePath(_ raw: String) -> String? {
        raw.hasPrefix("/") ? nil : "expected an absolute path, got \"\(raw)\""
    }

    /// A numeric IPv4 or IPv6 address (no host names: a listening address must not need DNS).
    static func ipAddress(_ raw: String) -> String? {
        let parts = raw.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 4, parts.allSatisfy({ UInt8($0) != nil }) { return nil }
        if raw.contains(":"), raw.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) { return nil }
        return "expected an IPv4 or IPv6 address, got \"\(raw)\""
    }

    /// `host` or `host:port` (IPv6 in brackets when a port follows).
    static func hostAndPort(_ raw: String) -> String? {
        var host = Substring(raw)
        if raw.hasPrefix("[") {
            guard let close = raw.firstIndex(of: "]") else { return "\"\(raw)\" has '[' without ']'" }
            let rest = raw[raw.index(after: close)...]
            if !rest.isEmpty, !(rest.hasPrefix(":") && UInt16(rest.dropFirst()) != nil) { return "invalid port in \"\(raw)\"" }
            return nil
        }
        if raw.filter({ $0 == ":" }).count == 1, let colon = raw.firstIndex(of: ":") {
            guard UInt16(raw[raw.index(after: colon)...]) != nil else { return "invalid port in \"\(raw)\"" }
            host = raw[..<colon]
        }
        return host.isEmpty || host.contains(" ") ? "expected host or host:port, got \"\(raw)\"" : nil
    }
}
