/// Where the playout point of an audio jitter buffer belongs, learnt from when packets arrive.
///
/// All positions are in RTP timestamp units (samples) relative to the first packet's timestamp;
/// times are monotonic nanoseconds relative to the first packet's arrival.
///
/// - The transit of a packet is its arrival time in samples minus its timestamp (RFC 3550 §6.4.1,
///   "relative transit time"); only its changes matter. Its smoothed mean follows a drift between
///   the sender's clock and ours.
/// - The delay of the buffer is how long a packet of mean transit waits before it is played.
/// - The jitter that matters is how much later than the mean packets arrive: the largest such
///   lateness over the last two windows of `window` (the windowed maximum of jitterctl.c's RLS
///   mode in oRTP, linphonerc.md §7.1).
/// - Adaptive target: one read period, plus twice that lateness, plus a small guard, clamped to
///   [minimum, maximum]. It jumps up at once and comes down by at most 1 % of the time played
///   (10 ms per second).
struct PlayoutDelayEstimator {
    let sampleRate: Double
    let adaptive: Bool
    let nominal: Double
    let minimum: Double
    let maximum: Double
    /// Added to one read period: the least delay that lets a packet of mean transit be played.
    let guardSamples: Double

    /// The target delay, before the read-period floor of `target(readSamples:)`.
    private(set) var rawTarget: Double
    private var epoch: UInt64 = 0
    private var meanTransit = 0.0
    private var observations = 0
    private var windowStart: UInt64 = 0
    private var currentPeak = 0.0
    private var previousPeak = 0.0
    private var earlyRun = 0

    /// Length of one lateness window.
    static let window: UInt64 = 2_000_000_000
    /// After the first packets, the mean transit moves by 1/64 of each deviation.
    private static let smoothing = 64.0

    init(sampleRate: Int, adaptive: Bool, nominal: Int, minimum: Int, maximum: Int) {
        self.sampleRate = Double(sampleRate)
        let samplesPerMillisecond = Double(sampleRate) / 1000
        // audio_jitt_comp = 0 turns the jitter buffer off: no adaptation, the least delay possible.
        self.adaptive = adaptive && nominal > 0
        self.nominal = Double(nominal) * samplesPerMillisecond
        // linphonerc.md §7: the minimum is lowered to the nominal size, the maximum raised to it.
        self.minimum = Double(min(minimum, nominal)) * samplesPerMillisecond
        self.maximum = Double(max(maximum, nominal)) * samplesPerMillisecond
        guardSamples = 2 * samplesPerMillisecond
        rawTarget = min(max(self.nominal, self.minimum), self.maximum)
    }

    /// Samples since the first packet's arrival.
    func clock(_ time: UInt64) -> Double {
        Double(Int64(bitPattern: time &- epoch)) * sampleRate / 1e9
    }

    /// Forgets the stream; the next `observe` is its first packet. The target is kept when asked:
    /// after a timestamp jump the network is the same.
    mutating func restart(keepingTarget: Bool) {
        observations = 0
        earlyRun = 0
        currentPeak = 0
        previousPeak = 0
        meanTransit = 0
        if !keepingTarget { rawTarget = min(max(nominal, minimum), maximum) }
    }

    /// How late a packet at `position` arriving at `arrival` is compared to the mean (negative: early).
    func lateness(arrival: UInt64, position: Int64) -> Double {
        clock(arrival) - Double(position) - meanTransit
    }

    /// Learns from a stored packet.
    mutating func observe(arrival: UInt64, position: Int64) {
        if observations == 0 {
            epoch = arrival
            windowStart = arrival
        }
        let transit = clock(arrival) - Double(position)
        observations += 1
        guard observations > 1 else {
            meanTransit = transit
            return
        }
        let deviation = transit - meanTransit
        // A timestamp jump forward with the same arrival pace: the sender's timeline moved on.
        // Three packets early by more than the maximum delay rebase the mean at once.
        earlyRun = deviation < -maximum ? earlyRun + 1 : 0
        if earlyRun >= 3 {
            meanTransit = transit
            earlyRun = 0
            return
        }
        // A running mean at first, then exponential smoothing.
        meanTransit += deviation / min(Double(observations), Self.smoothing)
        if arrival &- windowStart >= Self.window {
            previousPeak = currentPeak
            currentPeak = 0
            windowStart = arrival
        }
        currentPeak = max(currentPeak, deviation)
    }

    /// The lateness the target covers: the largest of the last two windows.
    var peakLateness: Double { max(currentPeak, previousPeak) }

    /// Moves the adaptive target after `readSamples` more samples were played.
    mutating func adapt(readSamples: Int) {
        guard adaptive, observations > 1 else { return }
        let wanted = min(max(Double(readSamples) + guardSamples + 2 * peakLateness, minimum), maximum)
        rawTarget = wanted > rawTarget ? wanted : max(wanted, rawTarget - 0.01 * Double(readSamples))
    }

    /// The target delay for reads of `readSamples`: never below one read period and the guard.
    func target(readSamples: Int) -> Double {
        max(rawTarget, Double(readSamples) + guardSamples)
    }

    /// The current delay when `position` is played at `now`: how far a packet of mean transit
    /// arriving now is ahead of the playout point.
    func delay(now: UInt64, position: Int64) -> Double {
        clock(now) - meanTransit - Double(position)
    }
}
