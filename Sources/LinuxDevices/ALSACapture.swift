import AudioDSP
import Devices

#if canImport(Glibc)
import Glibc
#endif

/// A microphone on an ALSA PCM (`[sound] capture_dev_id`), delivering mono S16 at the call's
/// rate whatever the card runs at.
///
/// `read` blocks in `snd_pcm_readi` until a whole period is there, so the card's clock paces
/// the media thread's tick. A card that takes no mono is mixed down, and one that cannot run at
/// the call's rate is resampled with speexdsp; `negotiated` says which. Buffers are allocated
/// once, here: a read allocates nothing.
public final class ALSACapture: AudioCapture {
    public let format: AudioFormat
    /// Samples per `read`: one period, 160 at 8 kHz for 20 ms.
    public let periodSize: Int
    /// What the device accepted; see `ALSAConfiguration.description` for the log line.
    public let negotiated: ALSAConfiguration
    /// Overruns (and suspends) recovered from without ending the call; each loses some audio.
    public private(set) var xruns = 0

    private var pcm: ALSAPCM?
    private let resampler: SpeexResampler?
    /// Device frames per `snd_pcm_readi`: one period's worth at the device's rate.
    private let chunkFrames: Int
    /// Interleaved samples as read from the device; mixed down in place.
    private let deviceBuffer: UnsafeMutableBufferPointer<Int16>
    /// Mono samples at the call's rate not yet returned: resampling does not yield exactly one
    /// period per chunk.
    private let pending: UnsafeMutableBufferPointer<Int16>
    private var pendingCount = 0

    /// Opens `device` (an ALSA PCM name such as `default`, `plughw:CARD=wm8960soundcard` or
    /// `hw:1,0`) for capture at `format`'s rate, mono.
    /// - Parameter periodMilliseconds: the media tick; each `read` returns this much audio.
    /// - Throws: `DeviceError` with operation "opening for capture" and a reason an installer can
    ///   act on: a name that does not exist, a device in use, a format or rate it cannot do.
    public convenience init(device: String, format: AudioFormat, periodMilliseconds: Int = 20) throws(DeviceError) {
        try self.init(device: device, format: format, periodMilliseconds: periodMilliseconds, definitions: nil)
    }

    /// Opens `device` as looked up in `definitions` rather than the system's configuration (tests).
    init(device: String, format: AudioFormat, periodMilliseconds: Int = 20, definitions: ALSADefinitions?) throws(DeviceError) {
        precondition(format.channels == 1, "the ALSA backend delivers mono")
        precondition(periodMilliseconds > 0, "a period is at least 1 ms")
        self.format = format
        periodSize = format.samples(milliseconds: periodMilliseconds)
        let pcm = try ALSAPCM.open(device, .capture, definitions: definitions)
        negotiated = try pcm.negotiate(.init(rate: format.sampleRate, periodMilliseconds: periodMilliseconds, bufferPeriods: 8))
        if negotiated.resampling {
            guard let resampler = SpeexResampler(from: negotiated.deviceRate, to: format.sampleRate) else {
                throw DeviceError(device: device, operation: "opening for capture",
                                  reason: "speexdsp cannot resample \(negotiated.deviceRate) Hz to \(format.sampleRate) Hz")
            }
            self.resampler = resampler
            chunkFrames = (periodSize * negotiated.deviceRate + format.sampleRate - 1) / format.sampleRate
        } else {
            resampler = nil
            chunkFrames = periodSize
        }
        // Zeroed: `null` and some plugins return a read without writing the buffer.
        deviceBuffer = .allocate(capacity: chunkFrames * negotiated.channels)
        deviceBuffer.initialize(repeating: 0)
        let chunkOutput = resampler?.maximumOutput(forInput: chunkFrames) ?? chunkFrames
        pending = .allocate(capacity: periodSize + chunkOutput)
        pending.initialize(repeating: 0)
        self.pcm = pcm
    }

    deinit {
        deviceBuffer.deallocate()
        pending.deallocate()
    }

    /// Fills `buffer` with `min(buffer.count, periodSize)` samples, blocking until the device
    /// has captured them. An overrun is recovered (counted in `xruns`) and the read retried once;
    /// any other failure, e.g. ENODEV when a USB card is unplugged, throws with operation "reading".
    /// The corresponding C function is `snd_pcm_readi`.
    public func read(into buffer: UnsafeMutableBufferPointer<Int16>) throws(DeviceError) -> Int {
        guard let pcm else { throw DeviceError(device: negotiated.device, operation: "reading", reason: "closed") }
        let count = min(buffer.count, periodSize)
        while pendingCount < count {
            try readChunk(pcm)
        }
        buffer.baseAddress!.update(from: pending.baseAddress!, count: count)
        pendingCount -= count
        memmove(pending.baseAddress!, pending.baseAddress! + count, pendingCount * MemoryLayout<Int16>.stride)
        return count
    }

    /// Reads one chunk from the device and appends it, mono and at the call's rate, to `pending`.
    private func readChunk(_ pcm: ALSAPCM) throws(DeviceError) {
        var result = pcm.read(into: deviceBuffer.baseAddress!, frames: chunkFrames)
        if case .failure(let error) = result, error.isXrun || error.isSuspend {
            try recover(from: error)
            result = pcm.read(into: deviceBuffer.baseAddress!, frames: chunkFrames)
        }
        if case .failure(let error) = result {
            throw DeviceError(device: negotiated.device, operation: "reading", reason: error.description)
        }
        let mono = UnsafeMutableBufferPointer(rebasing: deviceBuffer[0..<chunkFrames])
        Self.mixDown(deviceBuffer, frames: chunkFrames, channels: negotiated.channels)
        let free = UnsafeMutableBufferPointer(rebasing: pending[pendingCount...])
        if let resampler {
            pendingCount += resampler.process(UnsafeBufferPointer(mono), into: free)
        } else {
            free.baseAddress!.update(from: mono.baseAddress!, count: chunkFrames)
            pendingCount += chunkFrames
        }
    }

    /// Counts an overrun or suspend and restarts the stream, which loses what the device could
    /// not hold but keeps the call going.
    func recover(from error: ALSAError) throws(DeviceError) {
        guard let pcm else { throw DeviceError(device: negotiated.device, operation: "reading", reason: "closed") }
        xruns += 1
        if case .failure(let failure) = pcm.recover(from: error) {
            throw DeviceError(device: negotiated.device, operation: "reading", reason: "recovering from \(error.isSuspend ? "a suspend" : "an overrun"): \(failure)")
        }
    }

    /// Averages each frame's channels into the first `frames` samples of `buffer`, in place.
    /// A stereo codec with one microphone thus loses 6 dB rather than, picking one side, maybe all.
    static func mixDown(_ buffer: UnsafeMutableBufferPointer<Int16>, frames: Int, channels: Int) {
        guard channels > 1 else { return }
        for frame in 0..<frames {
            var sum = 0
            for channel in 0..<channels { sum += Int(buffer[frame * channels + channel]) }
            buffer[frame] = Int16(sum / channels)
        }
    }

    /// Stops capturing and releases the device at once (`snd_pcm_drop`, `snd_pcm_close`).
    public func close() {
        pcm = nil
    }
}
