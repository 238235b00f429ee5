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
}
