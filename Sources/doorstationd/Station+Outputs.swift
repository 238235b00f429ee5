import Config
import Devices
import DoorStation
import Logging

/// Door openers and LEDs.
extension Station {
    /// Energises a relay for its pulse time: `ctl open`, or a door code keyed in a call.
    /// With `hangUpCall`, that call ends when the pulse is over (`[door] hangup_after_open`).
    func openDoor(relay index: Int, by origin: String, callID: String? = nil, hangUpCall: Bool = false, hold: RelayHold? = nil) throws(ControlError) {
        guard let relay = settings.relay(index), let line = devices.relays[index] else {
            throw ControlError("there is no [relay_\(index)]")
        }
        relayPulses[index]?.cancel()
        heldPastPulse.remove(index)
        setOutput(line, on: true)
        var details: [(key: String, value: String)] = [("relay", "\(index)"), ("label", relay.label), ("by", origin), ("pulse_ms", "\(relay.pulse)")]
        if let callID { details.append(("call_id", callID)) }
        record(.doorOpened, details)
        if hangUpCall, let callID { hangUpAfterPulse[index] = callID }
        var pulse = relay.pulse
        keyHolds[index] = nil
        switch hold {
        case .milliseconds(let held)?: pulse = max(pulse, min(held, RelayHold.limitMilliseconds))
        case .untilRelease?: if let callID { keyHolds[index] = callID }
        case nil: break
        }
        relayPulses[index] = Task { [weak self] in
            do {
                try await Task.sleep(for: .milliseconds(pulse))
            } catch {
                return  // a new pulse took over, or the station stops
            }
            await self?.pulseTimeOver(relay: index, since: pulse)
        }
        indicators.doorOpen = true
        updateLEDs()
    }

    /// The pulse time is over: the relay falls, unless a held key keeps it (up to the limit).
    private func pulseTimeOver(relay index: Int, since elapsed: Int) {
        guard keyHolds[index] != nil, elapsed < RelayHold.limitMilliseconds else {
            keyHolds[index] = nil
            endPulse(relay: index)
            return
        }
        heldPastPulse.insert(index)
        let rest = RelayHold.limitMilliseconds - elapsed
        relayPulses[index] = Task { [weak self] in
            do { try await Task.sleep(for: .milliseconds(rest)) } catch { return }
            await self?.pulseTimeOver(relay: index, since: RelayHold.limitMilliseconds)
        }
    }

    /// The key that holds relays open in `callID` went up, or the call ended.
    func keyReleased(callID: String) {
        for (index, holder) in keyHolds where holder == callID {
            keyHolds[index] = nil
            // Still inside the pulse time: the pulse ends it. Past it: the relay falls now.
            if heldPastPulse.contains(index) { endPulse(relay: index) }
        }
    }

    private func endPulse(relay index: Int) {
        relayPulses.removeValue(forKey: index)?.cancel()
        heldPastPulse.remove(index)
        if let line = devices.relays[index] { setOutput(line, on: false) }
        indicators.doorOpen = !relayPulses.isEmpty
        updateLEDs()
        if let callID = hangUpAfterPulse.removeValue(forKey: index), let userAgent {
            logger.info("call.hangup_after_open", metadata: ["call_id": "\(callID)", "relay": "\(index)"])
            Task { try? await userAgent.hangUp(callID) }
        }
    }

    /// Shows the station's state on every LED: steady ones are set, blinking ones get a task that
    /// toggles them until their pattern changes.
    func updateLEDs() {
        for led in settings.leds {
            guard let line = devices.leds[led.index] else { continue }
            let pattern = indicators.pattern(Indicators.Role(led.role))
            if blinking[led.index]?.pattern == pattern { continue }
            blinking.removeValue(forKey: led.index)?.task.cancel()
            guard let half = pattern.halfPeriod(blinkNanoseconds: UInt64(led.blink) * 1_000_000) else {
                setOutput(line, on: pattern == .on, quiet: false)
                continue
            }
            let task = Task { [weak self] in
                var lit = true
                while !Task.isCancelled {
                    await self?.setOutput(line, on: lit, quiet: true)
                    lit.toggle()
                    do { try await Task.sleep(for: .nanoseconds(half)) } catch { return }
                }
            }
            blinking[led.index] = (pattern, task)
        }
    }

    /// Switches an output; a blinking LED's toggles are not events (`quiet`).
    func setOutput(_ line: any OutputLine, on: Bool, quiet: Bool = false) {
        guard line.isActive != on else { return }
        do throws(DeviceError) {
            try line.set(on)
            if !quiet { record(.outputChanged, ["output": line.name, "state": on ? "on" : "off"]) }
        } catch {
            logger.error("cannot switch output", metadata: ["output": "\(line.name)", "error": "\(error)"])
            if !indicators.fault {
                indicators.fault = true
                updateLEDs()
            }
        }
    }
}

extension Indicators.Role {
    init(_ role: LEDSettings.Role) {
        switch role {
        case .status: self = .status
        case .call: self = .call
        case .door: self = .door
        }
    }
}
