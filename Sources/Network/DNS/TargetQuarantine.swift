/// Remembers which SIP server targets recently failed (no answer, connection refused, 503) so the
/// next request tries the others first, as RFC 3263 §4.3 suggests. A pure value: time comes in as
/// `now`, seconds on a monotonic clock (e.g. `ContinuousClock` or `CLOCK_MONOTONIC` as a `Double`),
/// so that tests need no clock and no waiting.
public struct TargetQuarantine: Sendable, Hashable {
    /// How long a failed target is tried last, in seconds.
    public var duration: Double
    /// When each quarantined target is released, in the same seconds as `now`.
    private var releaseTimes: [SIPServerTarget: Double] = [:]

    public init(duration: Double = 30) {
        self.duration = duration
    }

    /// The target failed at `now`: try it last until `now + duration`. A new failure extends the term.
    public mutating func markDead(_ target: SIPServerTarget, now: Double) {
        releaseTimes[target] = now + duration
        prune(now: now)
    }

    /// The target answered: it is no longer quarantined.
    public mutating func markAlive(_ target: SIPServerTarget) {
        releaseTimes[target] = nil
    }

    public func isQuarantined(_ target: SIPServerTarget, now: Double) -> Bool {
        releaseTimes[target].map { now < $0 } ?? false
    }

    /// `targets` with the quarantined ones moved to the end. Healthy targets keep their order (the
    /// RFC 3263 order); quarantined ones follow, soonest released first, since the one that failed
    /// longest ago is the likeliest to be back. None is dropped: if all are dead, all are still tried.
    public func order(_ targets: [SIPServerTarget], now: Double) -> [SIPServerTarget] {
        var healthy: [SIPServerTarget] = []
        var quarantined: [(release: Double, index: Int, target: SIPServerTarget)] = []
        for (index, target) in targets.enumerated() {
            if let release = releaseTimes[target], now < release {
                quarantined.append((release, index, target))
            } else {
                healthy.append(target)
            }
        }
        return healthy + quarantined.sorted { ($0.release, $0.index) < ($1.release, $1.index) }.map(\.target)
    }

    /// Forgets targets whose term is over, so the table stays as small as the set of dead targets.
    public mutating func prune(now: Double) {
        releaseTimes = releaseTimes.filter { now < $0.value }
    }

    /// How many targets are remembered (released ones count until the next `prune`).
    public var count: Int { releaseTimes.count }
}
