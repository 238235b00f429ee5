/// One key whose value differs between the running settings and freshly read ones.
public struct SettingChange: Sendable, Hashable, CustomStringConvertible {
    public var section: String
    public var key: String
    /// Display values (secrets masked); `nil` when the key or section did not exist on that side.
    public var old: String?
    public var new: String?
    public var reload: ReloadPolicy

    public var description: String {
        "[\(section)] \(key): \(old ?? "(none)") → \(new ?? "(none)")"
    }
}

extension Settings {
    /// What changed from `self` (running) to `new`, with when each change can take effect.
    /// A key that appears or disappears with its whole section (a new button, a removed account) needs a restart.
    public func changes(to new: Settings) -> [SettingChange] {
        func index(_ settings: Settings) -> [String: EffectiveSetting] {
            Dictionary(settings.effective.map { ("\($0.section)\u{0}\($0.key)", $0) }, uniquingKeysWith: { _, last in last })
        }
        let before = index(self), after = index(new)
        var changes: [SettingChange] = []
        for setting in new.effective {
            let id = "\(setting.section)\u{0}\(setting.key)"
            guard let old = before[id] else {
                changes.append(SettingChange(section: setting.section, key: setting.key, old: nil, new: setting.displayValue, reload: .restart))
                continue
            }
            let differs = old.isSecret ? old.secretFingerprint != setting.secretFingerprint : old.value != setting.value
            if differs {
                changes.append(SettingChange(section: setting.section, key: setting.key, old: old.displayValue, new: setting.displayValue, reload: setting.reload))
            }
        }
        for setting in effective where after["\(setting.section)\u{0}\(setting.key)"] == nil {
            changes.append(SettingChange(section: setting.section, key: setting.key, old: setting.displayValue, new: nil, reload: .restart))
        }
        return changes
    }
}
