/// When a changed value takes effect after SIGHUP.
public enum ReloadPolicy: String, Sendable, Hashable {
    /// At once, also during a call (audio tuning, log level).
    case live
    /// From the next call on (codec, jitter-buffer and echo-canceller sizes).
    case nextCall = "next call"
    /// Only after a restart (ports, devices, accounts).
    case restart
}

/// One key as the daemon will use it: its value, where that came from, and how it may change.
public struct EffectiveSetting: Sendable, Hashable {
    public var section: String
    public var key: String
    /// The value in linphonerc form (`1`, `0.05`, `sip:door@pbx`); secrets are never stored here.
    public var value: String
    public var origin: ConfigOrigin
    /// Passwords, HA1 hashes and door codes: shown as `********` everywhere.
    public var isSecret: Bool
    /// When a change made by SIGHUP takes effect.
    public var reload: ReloadPolicy
    /// A fingerprint of a secret's value, so a reload can tell it changed without keeping it in this record.
    var secretFingerprint: Int?

    /// What `check-config` prints for the value.
    public var displayValue: String { isSecret ? "********" : value }
}

/// Collects diagnostics and the effective settings while settings are read.
final class ConfigReadContext {
    var diagnostics: [ConfigDiagnostic] = []
    var effective: [EffectiveSetting] = []

    func error(_ value: ConfigValue?, section: String, key: String?, _ message: String, fallback: (file: String, line: Int)? = nil) {
        let place = value.map { ($0.file, $0.line) } ?? fallback
        diagnostics.append(.init(.error, file: place?.0, line: place?.1, section: section, key: key, message: message))
    }

    func warning(_ value: ConfigValue?, section: String, key: String?, _ message: String) {
        diagnostics.append(.init(.warning, file: value?.file, line: value?.line, section: section, key: key, message: message))
    }
}
