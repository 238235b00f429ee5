/// Decides whether a repeated log line may be written: at most one per key per interval, so a
/// peer spraying garbage costs one line every ten seconds rather than one per datagram.
/// Time is an input; the table is bounded by forgetting everything when it grows too large.
struct LogRateLimiter: Sendable {
    let interval: Duration
    let capacity: Int
    private var lastLogged: [String: ContinuousClock.Instant] = [:]

    init(interval: Duration = .seconds(10), capacity: Int = 1024) {
        self.interval = interval
        self.capacity = capacity
    }

    /// True when a line for `key` may be logged at `now`; records it as logged.
    mutating func shouldLog(_ key: String, now: ContinuousClock.Instant) -> Bool {
        if let last = lastLogged[key], now - last < interval { return false }
        if lastLogged.count >= capacity {
            lastLogged = lastLogged.filter { now - $0.value < interval }
            if lastLogged.count >= capacity { lastLogged.removeAll(keepingCapacity: true) }
        }
        lastLogged[key] = now
        return true
    }
}
