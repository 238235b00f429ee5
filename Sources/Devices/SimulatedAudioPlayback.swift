import AudioDSP

/// A speaker with a ring buffer drained at the real sample rate, optionally recording to a WAV file.
/// `write` blocks while the buffer is full, as `snd_pcm_writei` does; a writer that falls behind
/// lets the buffer run empty, which is counted as an underrun.
public final class SimulatedAudioPlayback: AudioPlayback {
    public let format: AudioFormat
    private let clock: any MediaClock
    private let capacity: UInt64
    private let recorder: WAVWriter?
    /// When the last queued sample will have been played.
    private var queuedUntil: UInt64 = 0
    private var started = false
    public private(set) var underruns = 0
    public private(set) var samplesPlayed = 0

    /// - Parameters:
    ///   - bufferMilliseconds: the ring buffer, like ALSA's buffer size.
    ///   - recordingPath: where to write what is played; `nil` discards it.
    public init(format: AudioFormat = .telephony, bufferMilliseconds: Int = 60, recordingPath: String? = nil, clock: any MediaClock = MonotonicClock()) throws(DeviceError) {
        self.format = format
        self.clock = clock
        self.capacity = UInt64(bufferMilliseconds) * 1_000_000
        recorder = try recordingPath.map { path throws(DeviceError) in try WAVWriter(path: path, sampleRate: format.sampleRate) }
    }

    public func write(_ samples: UnsafeBufferPointer<Int16>) throws(DeviceError) {
        let now = clock.now()
        if queuedUntil < now {
            if started { underruns += 1 }
            queuedUntil = now
        }
        started = true
        let duration = format.nanoseconds(samples: samples.count)
        if queuedUntil + duration > now + capacity {
            clock.sleep(until: queuedUntil + duration - capacity)
        }
        queuedUntil += duration
        samplesPlayed += samples.count
        try recorder?.append(samples)
    }

    /// What the ring buffer still holds: the time until `queuedUntil`, in samples.
    public var queuedSamples: Int {
        let now = clock.now()
        guard queuedUntil > now else { return 0 }
        return Int((queuedUntil - now) * UInt64(format.sampleRate) / 1_000_000_000)
    }

    public func close() {
        try? recorder?.finish()
    }
}
