import NIOCore
import SIP

/// The timers the user agent runs on its event loop on behalf of the pure machines.
enum UserAgentTimer: Hashable {
    case transaction(TransactionKey, TransactionTimer)
    case registration(account: Int, RegistrationTimer)
    /// Nothing came back from the current server within the failover timeout.
    case failover(account: Int, TransactionKey)
    case call(String, CallSession.SessionTimerKind)

    var transactionKey: TransactionKey? {
        switch self {
        case .transaction(let key, _), .failover(_, let key): key
        case .registration, .call: nil
        }
    }
}

extension SIPUserAgent {
    func schedule(_ timer: UserAgentTimer, after delay: Duration) {
        timers[timer]?.cancel()
        timers[timer] = eventLoop.scheduleTask(in: TimeAmount(max(delay, .zero))) { [self] in
            self.assumeIsolated { $0.fire(timer) }
        }
    }

    func cancelTimer(_ timer: UserAgentTimer) {
        timers.removeValue(forKey: timer)?.cancel()
    }

    private func fire(_ timer: UserAgentTimer) {
        guard timers.removeValue(forKey: timer) != nil else { return }
        switch timer {
        case .transaction(let key, let transactionTimer):
            perform(transactions.handle(.timerFired(transactionTimer, key), now: now))
        case .registration(let account, let registrationTimer):
            registrationTimerFired(registrationTimer, account: account)
        case .failover(let account, let key):
            failoverTimerFired(account: account, key: key)
        case .call(let callID, let callTimer):
            drive(callID, .timerFired(callTimer))
        }
    }
}

