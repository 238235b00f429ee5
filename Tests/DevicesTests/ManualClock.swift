import Devices
import Synchronization

/// A clock for tests: `sleep(until:)` records the deadline and jumps time forward to it at once,
/// so pacing can be checked exactly and faster than real time.
final class ManualClock: MediaClock {
    private let state = Mutex<(now: UInt64, sleeps: [UInt64])>((1_000_000_000, []))

    func now() -> UInt64 { state.withLock { $0.now } }

    func sleep(until deadline: UInt64) {
        state.withLock { state in
            state.sleeps.append(deadline)
            state.now = max(state.now, deadline)
        }
    }

    func advance(byMilliseconds milliseconds: UInt64) {
        state.withLock { $0.now += milliseconds * 1_000_000 }
    }

    /// Deadlines asked for, relative to the clock's start, in milliseconds.
    var sleepsInMilliseconds: [Double] { state.withLock { $0.sleeps.map { Double($0 - 1_000_000_000) / 1e6 } } }
}
