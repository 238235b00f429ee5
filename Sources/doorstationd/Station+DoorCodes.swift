import Config
import DoorStation
import Logging
import Network

/// Door codes keyed in calls (RFC 4733 events or SIP INFO; in-band tones are never decoded), with
/// the lock-out after wrong codes and an audit line for every attempt.
extension Station {
    static func doorCodeGuard(_ settings: Settings) -> DoorCodeGuard {
        DoorCodeGuard(
            codes: settings.relays.compactMap { relay in relay.dtmfCode.map { DoorCodeGuard.Code(relay: relay.index, digits: $0) } },
            attempts: settings.door.codeAttempts, lockoutSeconds: settings.door.lockoutTime, timeoutSeconds: settings.door.codeTimeout)
    }

    /// - Parameter heldMilliseconds: how long the key was held, when known at once (SIP INFO);
    ///   nil for an RFC 4733 key, whose release comes later (`keyReleased`).
    func doorKey(_ digit: Character, callID: String, via: CallUpdate.DTMFTransport, heldMilliseconds: Int?) {
        let allowed = calls[callID]?.mayOpenDoor ?? false
        if let result = doorCodes.key(digit, call: callID, allowed: allowed, now: clock.now()) {
            audit(result, callID: callID, via: via.rawValue, heldMilliseconds: heldMilliseconds)
        }
        scheduleCodeTimeout()
    }

    private func scheduleCodeTimeout() {
        codeWake?.cancel()
        guard let at = doorCodes.nextWake else { return }
        let delay = at > clock.now() ? at - clock.now() : 0
        codeWake = Task { [weak self] in
            do { try await Task.sleep(for: .nanoseconds(delay)) } catch { return }
            await self?.codeTimedOut()
        }
    }

    private func codeTimedOut() {
        for (callID, result) in doorCodes.wake(now: clock.now()) {
            audit(result, callID: callID, via: "timeout")
        }
        scheduleCodeTimeout()
    }

    /// The audit line (never the digits), then the door.
    private func audit(_ result: DoorCodeGuard.Result, callID: String, via: String, heldMilliseconds: Int? = nil) {
        var details: [(key: String, value: String)] = [("call_id", callID), ("result", result.name), ("via", via), ("remote", calls[callID]?.remote ?? "?")]
        switch result {
        case .opened(let relay): details.append(("relay", "\(relay)"))
        case .wrong(let left): details.append(("attempts_left", "\(left)"))
        case .lockedOut(let seconds): details.append(("locked_for_s", "\(seconds)"))
        case .notAllowed: break
        }
        let level: Logger.Level
        switch result {
        case .opened: level = .info
        case .notAllowed, .wrong(attemptsLeft: 1...): level = .notice
        case .wrong, .lockedOut: level = .warning
        }
        record(.doorCode, details, level: level)
        if case .wrong(0) = result {
            logger.warning("door.codes_locked_out", metadata: ["seconds": "\(settings.door.lockoutTime)", "after_attempts": "\(settings.door.codeAttempts)"])
        }
        guard case .opened(let relay) = result else { return }
        do throws(ControlError) {
            let hold: RelayHold? = settings.relay(relay)?.hold == true ? (heldMilliseconds.map { .milliseconds($0) } ?? .untilRelease) : nil
            try openDoor(relay: relay, by: "dtmf", callID: callID, hangUpCall: settings.door.hangupAfterOpen, hold: hold)
        } catch {
            logger.error("door.open_failed", metadata: ["relay": "\(relay)", "error": "\(error)"])
        }
    }
}

/// `[relay_N] hold=1`: the opener stays energised while the code's last key is held, at least
/// `pulse_ms` and at most `RelayHold.limit`.
enum RelayHold: Sendable {
    /// An RFC 4733 key: until its end packet arrives (or the call ends).
    case untilRelease
    /// A SIP INFO key, whose duration came with it.
    case milliseconds(Int)

    static let limitMilliseconds = 60_000
}
