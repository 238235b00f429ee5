import AudioDSP

/// A microphone that hears a tone or a WAV file (looped), delivering one period per `read`
/// at the moment a real card would: period n is returned at start + (n + 1) · period.
public final class SimulatedAudioCapture: AudioCapture {
    public enum Source {
        case tone(frequency: Double, amplitude: Double)
        /// Samples at the capture rate, played in a loop.
        case samples([Int16])
    }

    public let format: AudioFormat
    public let periodSize: Int
    private let clock: any MediaClock
    private var tone: ToneGenerator?
    private let samples: [Int16]
    private var position = 0
    private var start: UInt64?
    private var periods: UInt64 = 0
    private var closed = false

    public init(format: AudioFormat = .telephony, periodMilliseconds: Int = 20, source: Source, clock: any MediaClock = MonotonicClock()) {
        self.format = format
        self.periodSize = format.samples(milliseconds: periodMilliseconds)
        self.clock = clock
        switch source {
        case .tone(let frequency, let amplitude):
            tone = ToneGenerator(frequency: frequency, sampleRate: format.sampleRate, amplitude: amplitude)
            samples = []
        case .samples(let looped):
            precondition(!looped.isEmpty, "a looped source needs samples")
            samples = looped
        }
    }

    public func read(into buffer: UnsafeMutableBufferPointer<Int16>) throws(DeviceError) -> Int {
        guard !closed else { throw DeviceError(device: "simulated microphone", operation: "reading", reason: "closed") }
        let count = min(buffer.count, periodSize)
        let begin = start ?? clock.now()
        start = begin
        periods += 1
        clock.sleep(until: begin + format.nanoseconds(samples: periodSize) * periods)
        let slice = UnsafeMutableBufferPointer(rebasing: buffer[0..<count])
        if tone != nil {
            tone!.fill(slice)
        } else {
            for index in 0..<count {
                slice[index] = samples[position]
                position = position + 1 == samples.count ? 0 : position + 1
            }
        }
        return count
    }

    public func close() { closed = true }
}
