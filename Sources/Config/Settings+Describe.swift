extension Settings {
    /// The effective settings as linphonerc text, one key per line with its origin as a comment.
    /// Secrets are shown as `********`. The output is itself a valid configuration file.
    public func describeEffective() -> String {
        var lines: [String] = []
        var current: String?
        let width = effective.map { $0.key.count + 1 + $0.displayValue.count }.max() ?? 0
        for setting in effective {
            if setting.section != current {
                if current != nil { lines.append("") }
                lines.append("[\(setting.section)]")
                current = setting.section
            }
            let assignment = "\(setting.key)=\(setting.displayValue)"
            let comment = setting.value.isEmpty && !setting.isSecret && setting.origin == .defaultValue ? "# \(setting.key) unset (default)" : nil
            if let comment {
                lines.append(comment)
            } else {
                let padding = String(repeating: " ", count: max(1, width - assignment.count + 2))
                lines.append(assignment + padding + "# " + setting.origin.description)
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
