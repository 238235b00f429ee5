extension Settings {
    /// The effective settings as linphonerc text: each key preceded by a comment line naming its
    /// origin (linphonerc has no inline comments). Secrets are shown as `********`; keys without a
    /// value are listed as comments. The output is itself a valid configuration file.
    public func describeEffective() -> String {
        var lines: [String] = []
        var current: String?
        for setting in effective {
            if setting.section != current {
                if current != nil { lines.append("") }
                lines.append("[\(setting.section)]")
                current = setting.section
            }
            if setting.value.isEmpty && !setting.isSecret {
                lines.append("# \(setting.key) is not set")
            } else {
                lines.append("# \(setting.origin)")
                lines.append("\(setting.key)=\(setting.displayValue)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
