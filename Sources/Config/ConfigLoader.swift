/// Reads a board profile and the user's file into `Settings`.
///
/// Precedence: the files are applied in order and a later file's key replaces an earlier one, so the
/// board profile comes first and the user's file overrides it. (linphone's factory file works the
/// other way round, overriding the user; doorstation's board profile is a base, not a lock.)
public enum ConfigLoader {
    /// The sections doorstation reads; indexed ones are written with `_N`.
    static let sectionNames = ["sip", "proxy_N", "auth_info_N", "sound", "rtp", "video", "net", "board", "button_N", "relay_N", "led_N", "door"]

    public static func load(_ sources: [ConfigSource]) -> ConfigLoadResult {
        let context = ConfigReadContext()
        var merged = ConfigFile(path: "")
        let parser = ConfigFileParser()
        for source in sources {
            let (file, diagnostics) = parser.parse(source.text, path: source.path)
            context.diagnostics += diagnostics
            for section in file.sections {
                let index = merged.open(section.name, line: section.line, parameters: section.parameters)
                // Messages about a missing key point at the header in the last file that opened the section.
                merged.relocate(sectionAt: index, file: section.file, line: section.line)
                for key in section.keys { merged.set(key, section[key]!, inSectionAt: index) }
            }
        }
        var result = read(merged.sections, files: sources.map(\.path), context: context)
        // Report in reading order: file by file, line by line; problems of the whole last.
        let order = Dictionary(sources.enumerated().map { ($1.path, $0) }, uniquingKeysWith: { first, _ in first })
        result.diagnostics = result.diagnostics.enumerated().sorted { a, b in
            let keyA = (a.element.file.flatMap { order[$0] } ?? Int.max, a.element.line ?? Int.max, a.offset)
            let keyB = (b.element.file.flatMap { order[$0] } ?? Int.max, b.element.line ?? Int.max, b.offset)
            return keyA < keyB
        }.map(\.element)
        return result
    }

    static func read(_ sections: [ConfigSection], files: [String], context: ConfigReadContext) -> ConfigLoadResult {
        func section(_ name: String) -> ConfigSection? { sections.first { $0.name == name } }

        func fixed<T>(_ name: String, _ make: (inout SectionReader) -> T) -> T {
            var reader = SectionReader(name, section(name), context: context)
            let value = make(&reader)
            reader.finish()
            return value
        }

        func indexed<T>(_ prefix: String, contiguous: Bool, _ make: (Int, inout SectionReader) -> T) -> [T] {
            let found = sections.compactMap { section -> (Int, ConfigSection)? in
                guard section.name.hasPrefix(prefix + "_"), let index = Int(section.name.dropFirst(prefix.count + 1)), index >= 0,
                    section.name == "\(prefix)_\(index)"
                else { return nil }
                return (index, section)
            }.sorted { $0.0 < $1.0 }
            if contiguous, let gap = (0..<found.count).first(where: { found[$0].0 != $0 }) {
                let (index, section) = found[gap]
                context.warning(ConfigValue(raw: "", file: section.file, line: section.line), section: section.name, key: nil,
                    "[\(prefix)_\(gap)] is missing; linphone stops reading at the first gap, doorstation reads [\(prefix)_\(index)] anyway")
            }
            return found.map { index, section in
                var reader = SectionReader(section.name, section, context: context)
                let value = make(index, &reader)
                reader.finish()
                return value
            }
        }

        let sip = fixed("sip") { SIPSettings(&$0) }
        let accounts = indexed("proxy", contiguous: true) { AccountSettings(index: $0, &$1) }
        let authInfos = indexed("auth_info", contiguous: true) { AuthInfoSettings(index: $0, &$1) }
        let sound = fixed("sound") { SoundSettings(&$0) }
        let rtp = fixed("rtp") { RTPSettings(&$0) }
        let video = fixed("video") { VideoSettings(&$0) }
        let net = fixed("net") { NetSettings(&$0) }
        let board = fixed("board") { BoardSettings(&$0) }
        let buttons = indexed("button", contiguous: false) { ButtonSettings(index: $0, &$1) }
        let relays = indexed("relay", contiguous: false) { RelaySettings(index: $0, &$1) }
        let leds = indexed("led", contiguous: false) { LEDSettings(index: $0, &$1) }
        let door = fixed("door") { DoorSettings(&$0) }

        for section in sections where !isKnown(section.name) {
            let suggestion = NearestName.find(section.name, among: sectionNames.filter { !$0.hasSuffix("_N") })
                .map { "; did you mean [\($0)]?" } ?? ""
            context.warning(ConfigValue(raw: "", file: section.file, line: section.line), section: section.name, key: nil,
                "section is not used by doorstation and is ignored\(suggestion)")
        }

        var settings = Settings(
            sip: sip, accounts: accounts, authInfos: authInfos, sound: sound, rtp: rtp, video: video, net: net, board: board,
            buttons: buttons, relays: relays, leds: leds, door: door, effective: context.effective, files: files)
        SettingsValidation.check(&settings, sections: sections, context: context)
        let errors = context.diagnostics.errors
        return ConfigLoadResult(settings: errors.isEmpty ? settings : nil, diagnostics: context.diagnostics)
    }

    static func isKnown(_ name: String) -> Bool {
        for pattern in sectionNames {
            if pattern.hasSuffix("_N") {
                let prefix = pattern.dropLast(1)
                if name.hasPrefix(prefix), let index = Int(name.dropFirst(prefix.count)), index >= 0 { return true }
            } else if name == pattern {
                return true
            }
        }
        return false
    }
}
