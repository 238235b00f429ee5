import SIPMessage

/// The registration of one account with its registrar (RFC 3261 §10.2), kept up by refreshes,
/// retried with backoff, answering digest challenges, following the registrar's Min-Expires,
/// and registering the address a NAT maps us to (RFC 3581 `received`/`rport`, after RFC 5626's
/// idea of registering what the server sees, without outbound flows).
///
/// The driver runs each `.send(request)` as a non-INVITE client transaction (adding the top
/// Via), feeds back its final response as `.response` (1xx are ignored), or `.transactionTimedOut`
/// / `.transportFailed`; it keeps the timers and feeds them back as `.timerFired`. `now` is the
/// time since a start point the driver chooses. Only one REGISTER is in flight at a time
/// (§10.2: "a UA MUST NOT send a new registration until it has received a final response
/// from the registrar for the previous one or the previous REGISTER request has timed out").
///
/// Events that do not apply in the current state are ignored and return no actions.
public struct Registration: Sendable {
    public enum Event: Sendable, Equatable {
        case start
        /// A final response to the REGISTER in flight.
        case response(SIPResponse)
        case transactionTimedOut
        case transportFailed
        case timerFired(RegistrationTimer)
        /// Our local contact address changed (another network, another server after failover):
        /// the binding moves to it.
        case contactChanged(SIPURI)
        /// Unregister (Expires 0) and finish.
        case stop
    }

    public enum Action: Sendable, Equatable {
        /// Send this REGISTER in a new client transaction, after adding the top Via.
        case send(SIPRequest)
        case startTimer(RegistrationTimer, after: Duration)
        case cancelTimer(RegistrationTimer)
        case stateChanged(RegistrationState)
    }

    /// A REGISTER in flight, and what its answers so far allow.
    private struct Attempt: Sendable {
        var request: SIPRequest
        var sentAt: Duration
        /// The binding it asks for; nil for an un-REGISTER.
        var contact: SIPURI?
        /// Challenges answered in a row, not counting stale ones (at most 2), and stale ones
        /// (at most 3, against a server that never stops saying stale).
        var challenges = 0
        var staleChallenges = 0
        /// Min-Expires values already followed (423), each followed once.
        var minExpiresFollowed: [Int] = []
        /// REGISTERs sent at once after a 2xx because the contact had to move (NAT learned,
        /// contact changed); bounded so that a registrar that sees us from ever new addresses
        /// cannot make us loop.
        var moves = 0
        /// `.stop` came while this was in flight: unregister once it is answered.
        var stopRequested = false
    }

    private enum State: Sendable {
        case idle
        case registering(Attempt)
        /// Registered; the refresh timer runs.
        case registered
        /// The last attempt failed; the retry timer runs.
        case waitingToRetry
        case unregistering(Attempt)
        case unregistered
    }

    public let account: RegistrationAccount
    public let policy: RegistrationPolicy
    /// The state last reported by `.stateChanged`.
    public private(set) var status: RegistrationState = .idle

    private var state: State = .idle
    private var authenticator: DigestAuthenticator
    private var random: any RandomNumberGenerator & Sendable
    /// The CSeq of the last REGISTER sent.
    private var cseq: UInt32 = 0
    /// The lifetime we ask for: the account's, or the registrar's Min-Expires (§10.2.8).
    private var expires: Int
    /// Our contact as the driver knows it, before NAT learning.
    private var localContact: SIPURI
    /// Where the registrar sees us from, when that is not `localContact`.
    private var publicAddress: RegistrationState.PublicAddress?
    /// The contact the registrar holds for us, as far as we know.
    private var bound: SIPURI?
    /// Contacts we registered before and must remove (sent with expires=0 until a 2xx).
    private var staleBindings: [SIPURI] = []
    /// Failures in a row, for the backoff.
    private var failures = 0

    /// - Parameter random: the source of backoff jitter and digest cnonces
    ///   (`SystemRandomNumberGenerator` in the daemon, a seeded generator in tests).
    public init(account: RegistrationAccount, policy: RegistrationPolicy = RegistrationPolicy(),
                random: some RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()) {
        self.account = account
        self.policy = policy
        self.random = random
        authenticator = DigestAuthenticator(credentials: account.credentials)
        expires = account.expires
        localContact = account.contact
    }

    /// The contact we want registered: the local one, moved to the public address if we know one.
    private var desiredContact: SIPURI {
        publicAddress.map { Self.contact(localContact, movedTo: $0) } ?? localContact
    }

    public mutating func handle(_ event: Event, now: Duration) -> [Action] {
        switch (state, event) {
        case (.idle, .start), (.unregistered, .start):
            return report(.registering) + register(now: now)

        case (.registering(let attempt), .response(let response)):
            guard Self.answers(response, attempt) else { return [] }
            return registerAnswered(response, attempt, now: now)

        case (.unregistering(let attempt), .response(let response)):
            guard Self.answers(response, attempt) else { return [] }
            if response.statusCode == 401 || response.statusCode == 407 {
                return answerChallenge(response, attempt, now: now)
            }
            // Answered (or refused, which we cannot mend while stopping): done.
            if response.isSuccess { bound = nil; staleBindings = [] }
            return finish()

        case (.registering(let attempt), .transactionTimedOut), (.registering(let attempt), .transportFailed):
            if attempt.stopRequested { return finish() }
            // §8.1.3.1: a timeout counts as 408 and a transport failure as 503; neither says
            // anything about the registrar, so the reason says what happened.
            return fail(code: nil, reason: event == .transactionTimedOut
                ? "no response from registrar" : "could not reach registrar (transport failure)", retryAfter: nil)

        case (.unregistering, .transactionTimedOut), (.unregistering, .transportFailed):
            return finish()

        case (.registered, .timerFired(.refresh)):
            // §10.2.4: refresh before the binding expires, with the same Call-ID.
            return register(now: now)

        case (.waitingToRetry, .timerFired(.retry)):
            return report(.registering) + register(now: now)

        case (_, .contactChanged(let contact)):
            return changeContact(to: contact, now: now)

        case (_, .stop):
            return stop(now: now)

        default:
            return []
        }
    }

    // MARK: Sending

    /// Sends a REGISTER for `desiredContact`, removing any stale binding in the same request.
    private mutating func register(now: Duration, carrying previous: Attempt? = nil) -> [Action] {
        let contact = desiredContact
        if let bound, !Self.sameBinding(bound, contact), !staleBindings.contains(where: { Self.sameBinding($0, bound) }) {
            staleBindings.append(bound)
        }
        staleBindings.removeAll { Self.sameBinding($0, contact) }
        // The old contacts go without +sip.instance: a registrar that matches bindings by
        // instance ID (RFC 5626 §6) would otherwise remove the new binding with them; one that
        // matches by URI (RFC 3261 §10.3) removes exactly the old ones.
        let contacts = [ContactBinding(uri: contact, expires: expires, withInstance: true)]
            + staleBindings.map { ContactBinding(uri: $0, expires: 0, withInstance: false) }
        cseq += 1
        let request = authenticator.authorize(makeRegister(cseq: cseq, contacts: contacts, expires: expires))
        var attempt = previous ?? Attempt(request: request, sentAt: now, contact: contact)
        attempt.request = request
        attempt.sentAt = now
        attempt.contact = contact
        state = .registering(attempt)
        return [.send(request)]
    }

    /// Sends the un-REGISTER: every binding we hold with expires=0 and `Expires: 0` (§10.2.2).
    private mutating func unregister(now: Duration) -> [Action] {
        let contacts = (bound.map { [ContactBinding(uri: $0, expires: 0, withInstance: true)] } ?? [])
            + staleBindings.map { ContactBinding(uri: $0, expires: 0, withInstance: false) }
        guard !contacts.isEmpty else { return finish() }
        cseq += 1
        let request = authenticator.authorize(makeRegister(cseq: cseq, contacts: contacts, expires: 0))
        state = .unregistering(Attempt(request: request, sentAt: now, contact: nil))
        return report(.unregistering) + [.send(request)]
    }

    // MARK: Responses

    private mutating func registerAnswered(_ response: SIPResponse, _ attempt: Attempt, now: Duration) -> [Action] {
        let code = response.statusCode
        if response.isSuccess { return registered(response, attempt, now: now) }
        if attempt.stopRequested { return unregister(now: now) }
        switch code {
        case 401, 407:
            return answerChallenge(response, attempt, now: now)
        case 423:
            // §10.2.8: the lifetime was too short; ask again for Min-Expires, once per value.
            if let minimum = Self.minExpires(response), minimum > expires, !attempt.minExpiresFollowed.contains(minimum) {
                expires = minimum
                var next = attempt
                next.minExpiresFollowed.append(minimum)
                return register(now: now, carrying: next)
            }
            return fail(code: code, reason: "registrar wants a longer lifetime (423, Min-Expires "
                + (response.headers[.minExpires] ?? "missing") + ") than it accepts", retryAfter: nil)
        default:
            return fail(code: code, reason: "\(code) \(response.reason)",
                        retryAfter: policy.honourRetryAfter ? Self.retryAfter(response) : nil)
        }
    }

    /// Resends the request in flight with credentials for `response`'s challenges. When that
    /// is not possible, a REGISTER fails and an un-REGISTER gives up (we are stopping anyway).
    private mutating func answerChallenge(_ response: SIPResponse, _ attempt: Attempt, now: Duration) -> [Action] {
        let code = response.statusCode
        let isUnregister = attempt.contact == nil
        var next = attempt
        // RFC 7616 §3.3: stale=true only says our nonce expired; it does not count as a try.
        if DigestAuthenticator.isStale(response) { next.staleChallenges += 1 } else { next.challenges += 1 }
        guard next.challenges <= 2, next.staleChallenges <= 3 else {
            return isUnregister ? finish()
                : fail(code: code, reason: "authentication failed: the registrar rejected our credentials again "
                       + "(wrong username or password\(Self.realms(of: response))?)", retryAfter: nil)
        }
        let request: SIPRequest
        do {
            request = try authenticator.authenticate(attempt.request, challengedBy: response, using: &random)
        } catch {
            return isUnregister ? finish() : fail(code: code, reason: "authentication failed: \(error)", retryAfter: nil)
        }
        cseq += 1
        next.request = request
        next.sentAt = now
        state = isUnregister ? .unregistering(next) : .registering(next)
        return [.send(request)]
    }

    /// ` for realm "x"` from the challenges of `response`, for the failure message.
    static func realms(of response: SIPResponse) -> String {
        let realms = (response.headers.values(.wwwAuthenticate) + response.headers.values(.proxyAuthenticate))
            .compactMap { try? AuthenticationHeader($0)["realm"] }
        return realms.isEmpty ? "" : " for realm \"\(realms[0])\""
    }

    /// A 2xx: records the binding, moves it when the registrar saw us elsewhere, else reports
    /// and schedules the refresh.
    private mutating func registered(_ response: SIPResponse, _ attempt: Attempt, now: Duration) -> [Action] {
        guard let contact = attempt.contact else { return [] }
        bound = contact
        staleBindings = []
        failures = 0
        if attempt.stopRequested { return unregister(now: now) }

        let granted = Self.grantedExpiry(response, for: contact) ?? expires
        guard granted > 0 else {
            bound = nil
            return fail(code: response.statusCode, reason: "registrar answered \(response.statusCode) without keeping our binding",
                        retryAfter: nil)
        }
        // RFC 3581 §4: received/rport tell the address the registrar saw; register that one
        // instead when it is not where our contact points (RFC 5626 §3 ideas, no flows).
        if policy.learnNATAddress, let observed = Self.observedAddress(response) {
            publicAddress = Self.contact(localContact, isAt: observed) ? nil : observed
        }
        if !Self.sameBinding(desiredContact, contact), attempt.moves < 2 {
            var next = Attempt(request: attempt.request, sentAt: now, contact: nil)
            next.moves = attempt.moves + 1
            return register(now: now, carrying: next)
        }
        state = .registered
        // Counted from when the REGISTER left: the registrar's clock started no earlier.
        let refreshAt = attempt.sentAt + policy.refreshDelay(granted: granted)
        return [.startTimer(.refresh, after: max(refreshAt - now, .zero))]
            + report(.registered(expires: granted, contact: contact, publicAddress: publicAddress))
    }

    // MARK: Failure, contact changes, stop

    private mutating func fail(code: Int?, reason: String, retryAfter: Int?) -> [Action] {
        failures += 1
        let delay = retryAfter.map { Duration.seconds(max($0, 1)) }
            ?? policy.retryDelay(afterFailures: failures, using: &random)
        state = .waitingToRetry
        return [.startTimer(.retry, after: delay)] + report(.failed(code: code, reason: reason, retryIn: delay))
    }

    private mutating func changeContact(to contact: SIPURI, now: Duration) -> [Action] {
        guard contact != localContact else { return [] }
        localContact = contact
        // A new local address means a new path: what the registrar saw before no longer holds.
        publicAddress = nil
        guard case .registered = state, let bound, !Self.sameBinding(bound, desiredContact) else {
            // In flight: the 2xx sees the mismatch and moves the binding; waiting to retry:
            // the retry uses the new contact (no early retry, so no loop on a flapping network).
            return []
        }
        return [.cancelTimer(.refresh)] + register(now: now)
    }

    private mutating func stop(now: Duration) -> [Action] {
        switch state {
        case .idle:
            state = .unregistered
            return report(.unregistered)
        case .registering(var attempt):
            // §10.2: wait for the answer of the REGISTER in flight before sending another.
            guard !attempt.stopRequested else { return [] }
            attempt.stopRequested = true
            state = .registering(attempt)
            return report(.unregistering)
        case .registered:
            return [.cancelTimer(.refresh)] + unregister(now: now)
        case .waitingToRetry:
            return [.cancelTimer(.retry)] + unregister(now: now)
        case .unregistering, .unregistered:
            return []
        }
    }

    private mutating func finish() -> [Action] {
        state = .unregistered
        return report(.unregistered)
    }

    /// `.stateChanged(new)` when it differs from what was last reported.
    private mutating func report(_ new: RegistrationState) -> [Action] {
        guard new != status else { return [] }
        status = new
        return [.stateChanged(new)]
    }

    /// Whether `response` answers the REGISTER in flight (same CSeq number).
    private static func answers(_ response: SIPResponse, _ attempt: Attempt) -> Bool {
        guard !response.isProvisional else { return false }
        guard let sent = attempt.request.headers[.cseq].flatMap({ try? CSeq($0) }),
              let received = response.headers[.cseq].flatMap({ try? CSeq($0) }) else { return true }
        return sent.number == received.number
    }
}
