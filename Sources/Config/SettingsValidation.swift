/// Checks that span sections: references between them and hardware wiring.
enum SettingsValidation {
    static func check(_ settings: inout Settings, sections: [ConfigSection], context: ConfigReadContext) {
        func place(_ section: String, _ key: String?) -> ConfigValue? {
            guard let found = sections.first(where: { $0.name == section }) else { return nil }
            return key.flatMap { found[$0] } ?? ConfigValue(raw: "", file: found.file, line: found.line)
        }
        func error(_ section: String, _ key: String?, _ message: String) {
            context.error(place(section, key), section: section, key: key, message)
        }

        let proxy = settings.sip.defaultProxy
        if proxy >= 0, !settings.accounts.contains(where: { $0.index == proxy }) {
            error("sip", "default_proxy", "names [proxy_\(proxy)], which does not exist")
        }

        for press in settings.board.simulatedPresses where settings.button(press.button) == nil {
            error("board", "sim_presses", "presses button \(press.button), but there is no [button_\(press.button)]")
        }

        guard settings.board.backend == .linux else { return }
        // Real hardware: every line must be named, and no line may serve two roles.
        var owners: [String: String] = [:]
        let lines: [(String, GPIOLineSettings)] =
            settings.buttons.map { ("button_\($0.index)", $0.wiring) }
            + settings.relays.map { ("relay_\($0.index)", $0.wiring) }
            + settings.leds.map { ("led_\($0.index)", $0.wiring) }
        for (section, wiring) in lines {
            guard let chip = wiring.chip, let line = wiring.line else {
                // A key that is set but invalid has its own error already.
                let written = sections.first { $0.name == section }
                let missing = ["chip", "line"].filter { written?[$0] == nil }
                if !missing.isEmpty {
                    error(section, nil, "\(missing.joined(separator: " and ")) missing; the linux backend needs the GPIO chip and line offset")
                }
                continue
            }
            let id = "\(chip)\u{0}\(line)"
            if let owner = owners[id] {
                error(section, "line", "\(chip) line \(line) is already used by [\(owner)]")
            } else {
                owners[id] = section
            }
        }
    }
}
