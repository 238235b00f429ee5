import AudioDSP
import Config
import Devices
import LinuxDevices

/// The board's buttons, relays and LEDs, opened from the settings: simulated lines on the sim
/// backend, libgpiod lines on the linux backend.
final class BoardDevices: Sendable {
    let buttons: [Int: any InputLine]
    /// The same buttons, when simulated, so `ctl press` and scripts can press them.
    let simulatedButtons: [Int: SimulatedInputLine]
    let relays: [Int: any OutputLine]
    let leds: [Int: any OutputLine]

    private init(buttons: [Int: any InputLine], simulatedButtons: [Int: SimulatedInputLine], relays: [Int: any OutputLine], leds: [Int: any OutputLine]) {
        self.buttons = buttons
        self.simulatedButtons = simulatedButtons
        self.relays = relays
        self.leds = leds
    }

    /// Opens every line. All problems are collected, so one start-up names every faulty line;
    /// if any fails, the lines already opened are released.
    static func open(_ settings: Settings) -> Result<BoardDevices, DeviceProblems> {
        var errors: [DeviceError] = []
        var buttons: [Int: any InputLine] = [:], simulated: [Int: SimulatedInputLine] = [:]
        var relays: [Int: any OutputLine] = [:], leds: [Int: any OutputLine] = [:]

        switch settings.board.backend {
        case .sim:
            for button in settings.buttons {
                let line = SimulatedInputLine(name: "button_\(button.index)")
                buttons[button.index] = line
                simulated[button.index] = line
            }
            for relay in settings.relays { relays[relay.index] = SimulatedOutputLine(name: "relay_\(relay.index)") }
            for led in settings.leds { leds[led.index] = SimulatedOutputLine(name: "led_\(led.index)") }
            if case .file(let path) = settings.board.simulatedAudioSource {
                // The file is played at every call; check it now so a bad path stops start-up, not a call.
                do throws(DeviceError) { _ = try WAVFile.read(path: path, expectedRate: AudioFormat.telephony.sampleRate) } catch { errors.append(error) }
            }
        case .linux:
            func request(_ wiring: GPIOLineSettings, bias: GPIOLineRequest.Bias = .asIs) -> GPIOLineRequest {
                GPIOLineRequest(chip: wiring.chip!, offset: wiring.line!, activeLow: wiring.activeLow, bias: bias)
            }
            for button in settings.buttons {
                do throws(DeviceError) { buttons[button.index] = try GPIOInputLine(request(button.wiring, bias: .init(button.bias))) } catch { errors.append(error) }
            }
            for relay in settings.relays {
                do throws(DeviceError) { relays[relay.index] = try GPIOOutputLine(request(relay.wiring)) } catch { errors.append(error) }
            }
            for led in settings.leds {
                do throws(DeviceError) { leds[led.index] = try GPIOOutputLine(request(led.wiring)) } catch { errors.append(error) }
            }
        }
        let devices = BoardDevices(buttons: buttons, simulatedButtons: simulated, relays: relays, leds: leds)
        guard errors.isEmpty else {
            devices.close()
            return .failure(DeviceProblems(errors: errors))
        }
        return .success(devices)
    }

    /// Releases every line; outputs are switched off first.
    func close() {
        for line in buttons.values { line.close() }
        for line in relays.values { line.close() }
        for line in leds.values { line.close() }
    }
}

/// Every device that failed to open at start-up.
struct DeviceProblems: Error {
    var errors: [DeviceError]
}

extension GPIOLineRequest.Bias {
    init(_ bias: ButtonSettings.Bias) {
        switch bias {
        case .asIs: self = .asIs
        case .disable: self = .disable
        case .pullUp: self = .pullUp
        case .pullDown: self = .pullDown
        }
    }
}
