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
    /// Each button's calls while they ring or are up; a press while they do follows `on_repeat`.
    var groups: [Int: RingGroup] = [:]
    var groupWakes: [Int: Task<Void, Never>] = [:]
    /// Who each known call is with, which decides whether its party may open the door.
    var calls: [String: CallParty] = [:]
    /// Updates of calls a button placed, which arrived before the Call-ID was handed back.
    var earlyUpdates: [String: [CallUpdate]] = [:]
    var doorCodes: DoorCodeGuard
    var codeWake: Task<Void, Never>?
    /// Calls to end when a code has opened the door and the pulse is over (`hangup_after_open`).
    var hangUpAfterPulse: [Int: String] = [:]
    var indicators: Indicators
    var blinking: [Int: (pattern: Indicators.Pattern, task: Task<Void, Never>)] = [:]
    var relayPulses: [Int: Task<Void, Never>] = [:]
    /// Relays whose pulse time is over but which a held key keeps energised.
    var heldPastPulse: Set<Int> = []
    /// Relays kept energised by a held key (`[relay_N] hold`), and the call whose key it is.
    var keyHolds: [Int: String] = [:]
    let clock = MonotonicClock()
    let hook: EventHookRunner
    private var debouncers: [Int: ButtonDebouncer] = [:]
    private var history = EventHistory(capacity: 200)
    private let startedAt = Date()

    init(settings: Settings, devices: BoardDevices, logger: Logger) {
        self.settings = settings
        self.devices = devices
        self.logger = logger
        hook = EventHookRunner(logger: logger)
        doorCodes = Self.doorCodeGuard(settings)
        indicators = Indicators(registration: settings.accounts.isEmpty ? .none : .registering)
        for button in settings.buttons {
            debouncers[button.index] = ButtonDebouncer(debounceMilliseconds: button.debounce, longPressMilliseconds: button.longPress)
        }
    }

    /// Switches the status LEDs on and consumes every button's edges until the lines are closed.
    func run() async {
        updateLEDs()
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
        for blink in blinking.values { blink.task.cancel() }
        for wake in groupWakes.values { wake.cancel() }
        codeWake?.cancel()
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

    // MARK: Events

    /// Keeps the event for `ctl status`, logs it (unless another part already did) and runs the
    /// event hook for it.
    func record(_ kind: StationEvent.Kind, _ details: [(key: String, value: String)], level: Logger.Level? = .info) {
        let event = StationEvent(kind, time: Int64(Date().timeIntervalSince1970 * 1000), details: details)
        history.append(event)
        if let level {
            var metadata: Logger.Metadata = [:]
            for (key, value) in details { metadata[key] = "\(value)" }
            logger.log(level: level, "\(kind.rawValue)", metadata: metadata)
        }
        if let program = settings.door.eventHook, EventHookInvocation.wants(kind) {
            hook.run(program, EventHookInvocation(event, stationName: settings.door.name))
        }
    }

    func record(_ kind: StationEvent.Kind, _ details: KeyValuePairs<String, String>, level: Logger.Level? = .info) {
        record(kind, details.map { (key: $0.key, value: $0.value) }, level: level)
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
        if previous.relays != settings.relays || previous.door != settings.door {
            doorCodes.reconfigure(Self.doorCodeGuard(settings))
        }
        updateLEDs()
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
            leds: settings.leds.map { led in
                .init(index: led.index, label: led.label, role: led.role.rawValue, active: devices.leds[led.index]?.isActive ?? false,
                      pattern: indicators.pattern(Indicators.Role(led.role)).rawValue)
            },
            calls: calls.map { .init(callID: $0.key, party: $0.value.remote, direction: $0.value.direction, mayOpenDoor: $0.value.mayOpenDoor) }
                .sorted { $0.callID < $1.callID },
            doorCodes: .init(enabled: doorCodes.isEnabled, lockedOut: doorCodes.isLockedOut(now: clock.now())),
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
