import Config
import Devices
import DoorStation
import Foundation
import Logging
import Network

/// The running door station: button edges in, calls, events and outputs out.
actor Station {
    private(set) var settings: Settings
    let devices: BoardDevices
    let logger: Logger
    /// The SIP user agent that places and takes calls (`Station+Calls.swift`).
    var userAgent: SIPUserAgent?
    /// The call each button started, so a second press while it rings does not call again.
    var buttonCalls: [Int: String] = [:]
    private let clock = MonotonicClock()
    private var debouncers: [Int: ButtonDebouncer] = [:]
    private var history = EventHistory(capacity: 200)
    private var relayPulses: [Int: Task<Void, Never>] = [:]
    private let startedAt = Date()

    init(settings: Settings, devices: BoardDevices, logger: Logger) {
        self.settings = settings
        self.devices = devices
        self.logger = logger
        for button in settings.buttons {
            debouncers[button.index] = ButtonDebouncer(debounceMilliseconds: button.debounce, longPressMilliseconds: button.longPress)
        }
    }

    /// Switches the status LEDs on and consumes every button's edges until the lines are closed.
    func run() async {
        setLEDs(role: .status, on: true)
        record(.started, ["board": settings.board.profile ?? settings.board.backend.rawValue, "buttons": "\(devices.buttons.count)"])
        await withTaskGroup(of: Void.self) { group in
            for (index, line) in devices.buttons {
                group.addTask { [weak self] in
                    for await edge in line.edges {
                        await self?.handle(edge, button: index)
                    }
                }
            }
        }
    }

    /// Switches every output off and closes the lines, which ends `run()`.
    func shutdown() {
        for pulse in relayPulses.values { pulse.cancel() }
        devices.close()
    }

    // MARK: Buttons

    func handle(_ edge: LineEdge, button index: Int) {
        guard var debouncer = debouncers[index] else { return }
        let actions = debouncer.edge(pressed: edge.kind == .pressed, at: edge.timestamp)
        debouncers[index] = debouncer
        perform(actions, button: index)
    }

    private func wake(button index: Int) {
        guard var debouncer = debouncers[index] else { return }
        let actions = debouncer.wake(at: clock.now())
        debouncers[index] = debouncer
        perform(actions, button: index)
    }

    private func perform(_ actions: [ButtonDebouncer.Action], button index: Int) {
        let button = settings.button(index)
        let label = button?.label ?? "button \(index)"
        for action in actions {
            switch action {
            case .pressed:
                record(.buttonPressed, ["button": "\(index)", "label": label, "targets": button?.targets.joined(separator: ",") ?? ""])
                callFromButton(index)
            case .longPress:
                record(.buttonLongPressed, ["button": "\(index)", "label": label])
            case .released(let held):
                record(.buttonReleased, ["button": "\(index)", "held_ms": "\(held / 1_000_000)"], level: .debug)
            case .wake(let at):
                let now = clock.now()
                let delay = at > now ? at - now : 0
                Task { [weak self] in
                    try? await Task.sleep(for: .nanoseconds(delay))
                    await self?.wake(button: index)
                }
            }
        }
    }

    /// Presses a simulated button for `hold` milliseconds, as a finger would.
    func press(button index: Int, holdMilliseconds: Int) throws(ControlError) {
        guard let line = devices.simulatedButtons[index] else {
            throw devices.buttons[index] == nil
                ? ControlError("there is no [button_\(index)]")
                : ControlError("button \(index) is a real GPIO line; press it with a finger")
        }
        guard !line.isPressed else {
            throw ControlError("button \(index) is already held down")
        }
        line.press()
        Task {
            try? await Task.sleep(for: .milliseconds(holdMilliseconds))
            line.release()
        }
    }

    // MARK: Relays and LEDs

    /// Energises a relay for its pulse time (a press of the door opener from `ctl open`).
    func openDoor(relay index: Int, by origin: String) throws(ControlError) {
        guard let relay = settings.relay(index), let line = devices.relays[index] else {
            throw ControlError("there is no [relay_\(index)]")
        }
        relayPulses[index]?.cancel()
        setOutput(line, on: true)
        setLEDs(role: .door, on: true)
        record(.doorOpened, ["relay": "\(index)", "label": relay.label, "by": origin, "pulse_ms": "\(relay.pulse)"])
        relayPulses[index] = Task { [weak self] in
            do {
                try await Task.sleep(for: .milliseconds(relay.pulse))
            } catch {
                return  // a new pulse took over, or the station stops
            }
            await self?.endPulse(relay: index)
        }
    }

    private func endPulse(relay index: Int) {
        relayPulses[index] = nil
        if let line = devices.relays[index] { setOutput(line, on: false) }
        if relayPulses.isEmpty { setLEDs(role: .door, on: false) }
    }

    private func setLEDs(role: LEDSettings.Role, on: Bool) {
        for led in settings.leds where led.role == role {
            if let line = devices.leds[led.index] { setOutput(line, on: on) }
        }
    }

    private func setOutput(_ line: any OutputLine, on: Bool) {
        guard line.isActive != on else { return }
        do throws(DeviceError) {
            try line.set(on)
            record(.outputChanged, ["output": line.name, "state": on ? "on" : "off"])
        } catch {
            logger.error("cannot switch output", metadata: ["output": "\(line.name)", "error": "\(error)"])
        }
    }

    // MARK: Events

    func record(_ kind: StationEvent.Kind, _ details: KeyValuePairs<String, String>, level: Logger.Level = .info) {
        let event = StationEvent(kind, time: Int64(Date().timeIntervalSince1970 * 1000), details: details.map { ($0.key, $0.value) })
        history.append(event)
        var metadata: Logger.Metadata = [:]
        for (key, value) in details { metadata[key] = "\(value)" }
        logger.log(level: level, "\(kind.rawValue)", metadata: metadata)
    }

    // MARK: Reload

    /// Adopts what a reload may change now and returns every change, computed once against the
    /// settings running at that moment (those with `.restart` keep their running value).
    func reload(_ fresh: Settings) -> [SettingChange] {
        let changes = settings.changes(to: fresh)
        let previous = settings
        settings = settings.applyingReloadable(from: fresh)
        for button in settings.buttons {
            let before = previous.button(button.index)
            if before?.debounce != button.debounce || before?.longPress != button.longPress {
                debouncers[button.index] = ButtonDebouncer(debounceMilliseconds: button.debounce, longPressMilliseconds: button.longPress)
            }
        }
        let waiting = changes.filter { $0.reload == .restart }.count
        record(.configReloaded, ["applied": "\(changes.count - waiting)", "need_restart": "\(waiting)"])
        return changes
    }

    // MARK: Status

    func status() -> StationStatus {
        StationStatus(
            name: settings.door.name,
            board: settings.board.profile ?? settings.board.backend.rawValue,
            backend: settings.board.backend.rawValue,
            uptimeSeconds: Int(Date().timeIntervalSince(startedAt)),
            buttons: settings.buttons.map { button in
                .init(index: button.index, label: button.label, pressed: debouncers[button.index]?.isPressed ?? false, targets: button.targets)
            },
            relays: settings.relays.map { .init(index: $0.index, label: $0.label, active: devices.relays[$0.index]?.isActive ?? false) },
            leds: settings.leds.map { .init(index: $0.index, label: $0.label, role: $0.role.rawValue, active: devices.leds[$0.index]?.isActive ?? false) },
            eventsTotal: history.total,
            events: history.events.suffix(50).map { event in
                .init(event: event.kind.rawValue, time: event.time, details: Dictionary(event.details.map { ($0.key, $0.value) }, uniquingKeysWith: { $1 }))
            })
    }
}

/// A `ctl` request that cannot be carried out, with the reason shown to the user.
struct ControlError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
