import Config
import DoorStation
import Logging
import Network
import SIP

/// Calls: a button press calls its target; an incoming call from an allowed caller is answered,
/// any other refused; call progress becomes station events.
extension Station {
    func attach(_ userAgent: SIPUserAgent) {
        self.userAgent = userAgent
    }

    /// Consumes the user agent's call updates until it stops.
    func followCalls(_ updates: AsyncStream<CallUpdate>) async {
        for await update in updates { await handle(update) }
    }

    /// A press calls the button's first target; a press while that call is still up is ignored
    /// (issue 8 adds parallel and sequential targets and the repeat actions).
    func callFromButton(_ index: Int) {
        guard let userAgent, let button = settings.button(index), let target = button.targets.first else { return }
        if let active = buttonCalls[index] {
            logger.info("call.press_ignored", metadata: ["button": "\(index)", "sip.call_id": "\(active)", "reason": "a call from this button is up"])
            return
        }
        Task {
            do {
                let callID = try await userAgent.placeCall(to: target)
                self.noteButtonCall(index, callID)
            } catch {
                self.logger.error("call.failed", metadata: ["button": "\(index)", "target": "\(target)", "error": "\(error)"])
            }
        }
    }

    private func noteButtonCall(_ index: Int, _ callID: String) {
        buttonCalls[index] = callID
    }

    private func handle(_ update: CallUpdate) async {
        switch update.kind {
        case .outgoing(let to):
            logger.debug("call.outgoing", metadata: ["sip.call_id": "\(update.callID)", "to": "\(to)"])
        case .incoming(let from, _):
            await decide(update.callID, from: from)
        case .session(.progress(let code, _)) where code == 180 || code == 183:
            record(.callRinging, ["call_id": update.callID])
        case .session(.established):
            record(.callAnswered, ["call_id": update.callID])
        case .dtmf(let digit, let duration, let via):
            // Once per key press, whichever way it came (RFC 4733 events are de-duplicated by the media plane).
            logger.info("call.dtmf", metadata: ["sip.call_id": "\(update.callID)", "digit": "\(digit)", "duration_ms": "\(duration)", "via": "\(via.rawValue)"])
        case .session(.ended(let reason)):
            buttonCalls = buttonCalls.filter { $0.value != update.callID }
            record(.callEnded, ["call_id": update.callID, "reason": reason.description])
        case .session:
            break
        }
    }

    /// `[door] allowed_callers` may call to look and talk: ring, then answer. Everyone else: 403.
    private func decide(_ callID: String, from caller: String) async {
        guard let userAgent else { return }
        let allowed = CallerAllowList(settings.door.allowedCallers).allows(caller)
        record(.callRinging, ["call_id": callID, "from": caller, "allowed": allowed ? "yes" : "no"])
        do {
            if allowed {
                try await userAgent.ringCall(callID)
                try await userAgent.answerCall(callID)
            } else {
                try await userAgent.rejectCall(callID, statusCode: 403)
            }
        } catch {
            logger.notice("call.decision_late", metadata: ["sip.call_id": "\(callID)", "error": "\(error)"])
        }
    }
}
