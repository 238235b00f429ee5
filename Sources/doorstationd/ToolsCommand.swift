import ArgumentParser
import LinuxDevices

/// `doorstationd tools …`: helpers for installers.
struct ToolsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tools",
        abstract: "Helpers for installing and debugging a door station.",
        subcommands: [ListDevicesCommand.self, ParseSIPCommand.self, EchoToolCommand.self])
}

/// `doorstationd tools list-devices`: the names to put into the configuration.
struct ListDevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list-devices",
        abstract: "List GPIO chips, sound cards and cameras, with the names the configuration uses.")

    func run() {
        let inventory = DeviceInventory.scan()
        print("GPIO chips ([button_N]/[relay_N]/[led_N] chip=):")
        if inventory.gpioChips.isEmpty { print("  none") }
        for chip in inventory.gpioChips {
            print("  \(chip.name)  label=\(chip.label)  lines=0…\(chip.lines - 1)")
        }
        print("Sound cards ([sound] capture_dev_id= / playback_dev_id=):")
        if inventory.soundCards.isEmpty { print("  none") }
        for card in inventory.soundCards {
            print("  plughw:CARD=\(card.id)  (card \(card.index): \(card.name))")
        }
        print("Cameras ([video] device=):")
        if inventory.cameras.isEmpty { print("  none") }
        for camera in inventory.cameras {
            print("  \(camera.path)  \(camera.card) (\(camera.driver))\(camera.canCapture ? "" : "  [no video capture]")")
        }
        print("Libraries: " + DeviceInventory.libraryVersions.map { "\($0.name) \($0.version)" }.joined(separator: ", "))
    }
}
