import Devices
import LinuxDevices
import Testing

@Suite struct GPIOAndInventoryTests {
    @Test func missingChipIsNamedWithItsLine() {
        do {
            _ = try GPIOInputLine(GPIOLineRequest(chip: "no-such-chip", offset: 17, activeLow: true, bias: .pullUp))
            Issue.record("a missing chip was opened")
        } catch {
            #expect(error.description == "no-such-chip line 17: opening GPIO chip failed: no GPIO chip with this name, path, label or number (gpiodetect lists the chips)")
        }
        do {
            _ = try GPIOOutputLine(GPIOLineRequest(chip: "/dev/gpiochip99", offset: 23, activeLow: false))
            Issue.record("a missing chip was opened")
        } catch {
            #expect(error.device == "/dev/gpiochip99 line 23")
            #expect(error.operation == "opening GPIO chip")
        }
    }

    @Test func inventoryScansWithoutHardware() {
        let inventory = DeviceInventory.scan(devicePaths: ["/dev/null", "/nonexistent/video0"])
        #expect(inventory.cameras.isEmpty, "neither path is a V4L2 camera")
        let versions = Dictionary(uniqueKeysWithValues: DeviceInventory.libraryVersions.map { ($0.name, $0.version) })
        #expect(versions["libgpiod"]?.hasPrefix("1.") == true, "libgpiod v1 as in Debian 12")
        #expect(versions["libasound"]?.hasPrefix("1.") == true)
    }
}
