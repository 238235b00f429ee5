#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The clock that paces simulated devices: a monotonic time in nanoseconds and a blocking sleep.
/// Media threads block on it the way real devices block in `snd_pcm_readi` or `VIDIOC_DQBUF`.
public protocol MediaClock: Sendable {
    /// Nanoseconds on a monotonic time line.
    func now() -> UInt64
    /// Blocks the calling thread until `deadline`; returns at once if it has passed.
    func sleep(until deadline: UInt64)
}

/// `CLOCK_MONOTONIC`, the clock of the kernel's device timestamps.
public struct MonotonicClock: MediaClock {
    public init() {}

    /// The corresponding C function is `clock_gettime(CLOCK_MONOTONIC)`.
    public func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// The corresponding C function is `clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)`, retried on `EINTR`.
    public func sleep(until deadline: UInt64) {
        var time = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        while clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &time, nil) == EINTR {}
    }
}
