/// Everything the daemon is configured with, parsed, typed and validated once.
public struct Settings: Sendable, Hashable {
    public var sip: SIPSettings
    public var accounts: [AccountSettings]
    public var authInfos: [AuthInfoSettings]
    public var sound: SoundSettings
    public var rtp: RTPSettings
    public var video: VideoSettings
    public var net: NetSettings
    public var board: BoardSettings
    public var buttons: [ButtonSettings]
    public var relays: [RelaySettings]
    public var leds: [LEDSettings]
    public var door: DoorSettings
    /// Every key the daemon reads, with its value and origin, in section order.
    public var effective: [EffectiveSetting]
    /// The files read, board profile first.
    public var files: [String]

    public func button(_ index: Int) -> ButtonSettings? { buttons.first { $0.index == index } }
    public func relay(_ index: Int) -> RelaySettings? { relays.first { $0.index == index } }

    /// The effective value of `[section] key` as `check-config` prints it.
    public func effectiveValue(section: String, key: String) -> EffectiveSetting? {
        effective.first { $0.section == section && $0.key == key }
    }
}

/// The outcome of reading configuration files: settings when there is no error, and every diagnostic.
public struct ConfigLoadResult: Sendable {
    public var settings: Settings?
    public var diagnostics: [ConfigDiagnostic]

    public var errors: [ConfigDiagnostic] { diagnostics.errors }
    public var warnings: [ConfigDiagnostic] { diagnostics.warnings }
}

/// The text of one configuration file; reading it from disk is the caller's business.
public struct ConfigSource: Sendable {
    public var path: String
    public var text: String

    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }
}
