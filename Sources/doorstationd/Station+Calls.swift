import Config
import DoorStation
import Logging
import Network
import SIP

/// The party of a call the station knows: whom a button called, or who called in.
struct CallParty: Sendable {
    var remote: String
    var direction: String
    /// A button's target, or an allowed caller: its keys may open the door.
    var mayOpenDoor: Bool
    var button: Int?
    var answered = false
}

/// Calls: a button press rings its targets (`RingGroup`); an incoming call from an allowed caller
/// is answered, any other refused; call progress becomes station events.
extension Station {
    func attach(_ userAgent: SIPUserAgent) {
        self.userAgent = userAgent
    }

    /// Consumes the user agent's call updates until it stops.
    func followCalls(_ updates: AsyncStream<CallUpdate>) async {
        for await update in updates { await handle(update) }
    }

    /// Registration changes become events (the user agent logs them itself) and the status LED.
    func followRegistrations(_ changes: AsyncStream<RegistrationStatus>) async {
        var states: [Int: String] = [:]
        for await change in changes {
            states[change.account] = change.state
            record(.registrationChanged, ["account": "\(change.account)", "aor": change.aor, "state": change.state,
                                          "error": change.lastError ?? ""], level: nil)
            let all = Array(states.values)
            let registration: Indicators.Registration =
                all.contains("failed") ? .failed : all.allSatisfy { $0 == "registered" } ? .registered : .registering
            if registration != indicators.registration {
                indicators.registration = registration
                updateLEDs()
            }
        }
    }

    // MARK: Button calls

    func callFromButton(_ index: Int) {
        guard let button = settings.button(index) else { return }
        guard userAgent != nil, !button.targets.isEmpty else {
            logger.notice("call.press_ignored", metadata: ["button": "\(index)", "reason": "the button has no targets"])
            return
        }
        let now = clock.now()
        if var group = groups[index] {
            let action = RingGroup.RepeatAction(button.onRepeat)
            let actions = group.press(action, now: now)
            groups[index] = group
            logger.info("call.press_while_up", metadata: ["button": "\(index)", "on_repeat": "\(button.onRepeat.rawValue)",
                                                           "state": "\(group.isAnswered ? "in call" : "ringing")"])
            perform(actions, button: index)
            return
        }
        var group = RingGroup(targets: button.targets, mode: button.callMode == .parallel ? .parallel : .sequential,
                              timing: .init(ringSeconds: button.ringTime, maxRingSeconds: button.maxRingTime, callSeconds: button.callTime))
        let actions = group.start(now: now)
        groups[index] = group
        perform(actions, button: index)
    }

    private func perform(_ actions: [RingGroup.Action], button index: Int) {
        guard let userAgent else { return }
        for action in actions {
            switch action {
            case .call(let leg, let target):
                record(.callTarget, ["button": "\(index)", "target": target, "leg": "\(leg + 1)"])
                Task {
                    do {
                        let callID = try await userAgent.placeCall(to: target)
                        await self.placed(button: index, leg: leg, target: target, callID: callID)
                    } catch {
                        self.logger.error("call.failed", metadata: ["button": "\(index)", "target": "\(target)", "error": "\(error)"])
                        self.groupStep(index) { group, now in group.failed(leg: leg, now: now) }
                    }
                }
            case .hangUp(let callID):
                Task { try? await userAgent.hangUp(callID) }
            case .wake(let at):
                groupWakes.removeValue(forKey: index)?.cancel()
                let delay = at > clock.now() ? at - clock.now() : 0
                groupWakes[index] = Task { [weak self] in
                    do { try await Task.sleep(for: .nanoseconds(delay)) } catch { return }
                    await self?.groupStep(index) { group, now in group.wake(now: now) }
                }
            case .finished(let outcome):
                groups[index] = nil
                groupWakes.removeValue(forKey: index)?.cancel()
                logger.info("button.calls_finished", metadata: ["button": "\(index)", "outcome": "\(outcome.rawValue)"])
            }
        }
        updateCallIndicators()
    }

    private func groupStep(_ index: Int, _ step: (inout RingGroup, UInt64) -> [RingGroup.Action]) {
        guard var group = groups[index] else { return }
        let actions = step(&group, clock.now())
        groups[index] = group
        perform(actions, button: index)
    }

    private func placed(button index: Int, leg: Int, target: String, callID: String) async {
        calls[callID] = CallParty(remote: target, direction: "outgoing", mayOpenDoor: true, button: index)
        groupStep(index) { group, now in group.placed(leg: leg, callID: callID, now: now) }
        for update in earlyUpdates.removeValue(forKey: callID) ?? [] { await handle(update) }
    }

    // MARK: Call updates

    private func handle(_ update: CallUpdate) async {
        let callID = update.callID
        switch update.kind {
        case .outgoing, .incoming:
            break
        default:
            guard calls[callID] == nil else { break }
            // A button's call whose Call-ID is not handed back yet, or a `ctl call`: its updates
            // are kept (bounded) until the Call-ID arrives; its keys are logged but open nothing.
            if case .session(.ended) = update.kind {
                earlyUpdates[callID] = nil
                return
            }
            if case .dtmf(let digit, _, let via) = update.kind {
                logger.info("call.dtmf", metadata: ["sip.call_id": "\(callID)", "digit": "\(loggable(digit))", "via": "\(via.rawValue)", "door": "not a door-station call"])
            }
            if (earlyUpdates[callID]?.count ?? 0) < 16, earlyUpdates[callID] != nil || earlyUpdates.count < 32 {
                earlyUpdates[callID, default: []].append(update)
            }
            return
        }
        switch update.kind {
        case .outgoing(let to):
            logger.debug("call.outgoing", metadata: ["sip.call_id": "\(callID)", "to": "\(to)"])
        case .incoming(let from, _):
            await decide(callID, from: from)
        case .session(.progress(let code, _)) where code == 180 || code == 183:
            guard let party = calls[callID] else { return }
            record(.callRinging, ["call_id": callID, "to": party.remote])
        case .session(.established):
            guard var party = calls[callID] else { return }
            party.answered = true
            calls[callID] = party
            record(.callAnswered, ["call_id": callID, "remote": party.remote, "direction": party.direction])
            if let button = party.button { groupStep(button) { group, now in group.answered(callID: callID, now: now) } }
        case .dtmf(let digit, let duration, let via):
            // Once per key press, whichever way it came (RFC 4733 events are de-duplicated by the media plane).
            logger.info("call.dtmf", metadata: ["sip.call_id": "\(callID)", "digit": "\(loggable(digit))", "duration_ms": "\(duration)", "via": "\(via.rawValue)"])
            doorKey(digit, callID: callID, via: via, heldMilliseconds: via == .info ? duration : nil)
        case .dtmfReleased(let digit, let duration):
            logger.debug("call.dtmf_released", metadata: ["sip.call_id": "\(callID)", "digit": "\(loggable(digit))", "held_ms": "\(duration)"])
            keyReleased(callID: callID)
        case .session(.ended(let reason)):
            earlyUpdates[callID] = nil
            guard let party = calls.removeValue(forKey: callID) else { return }
            doorCodes.callEnded(callID)
            keyReleased(callID: callID)
            record(.callEnded, ["call_id": callID, "remote": party.remote, "reason": reason.description])
            if let button = party.button { groupStep(button) { group, now in group.ended(callID: callID, now: now) } }
        case .session:
            break
        }
        updateCallIndicators()
    }

    /// `[door] allowed_callers` may call to look and talk: ring (for `answer_delay`), then
    /// answer. Everyone else: 403.
    private func decide(_ callID: String, from caller: String) async {
        guard let userAgent else { return }
        let allowed = CallerAllowList(settings.door.allowedCallers).allows(caller)
        calls[callID] = CallParty(remote: caller, direction: "incoming", mayOpenDoor: allowed)
        record(.callRinging, ["call_id": callID, "from": caller, "allowed": allowed ? "yes" : "no"])
        let delay = settings.door.answerDelay
        do {
            if allowed {
                try await userAgent.ringCall(callID)
                if delay > 0 { try? await Task.sleep(for: .seconds(delay)) }
                guard calls[callID] != nil else { return }  // the caller gave up while it rang
                try await userAgent.answerCall(callID)
            } else {
                try await userAgent.rejectCall(callID, statusCode: 403)
            }
        } catch {
            logger.notice("call.decision_late", metadata: ["sip.call_id": "\(callID)", "error": "\(error)"])
        }
    }

    /// A received key as the log shows it: hidden once door codes are set, so the log (and the
    /// journal it goes to) never holds a code.
    private func loggable(_ digit: Character) -> String {
        doorCodes.isEnabled ? "hidden" : String(digit)
    }

    func updateCallIndicators() {
        let ringing = groups.values.contains { $0.isRinging } || calls.values.contains { !$0.answered && $0.direction == "incoming" }
        let inCall = calls.values.contains { $0.answered }
        guard ringing != indicators.ringing || inCall != indicators.inCall else { return }
        indicators.ringing = ringing
        indicators.inCall = inCall
        updateLEDs()
    }
}

extension RingGroup.RepeatAction {
    init(_ action: ButtonSettings.RepeatAction) {
        switch action {
        case .ignore: self = .ignore
        case .restart: self = .restart
        case .hangup: self = .hangUp
        }
    }
}
