import AudioDSP
import Devices

/// A speaker on an ALSA PCM (`[sound] playback_dev_id`), taking mono S16 at the call's rate
/// whatever the card runs at.
///
/// The ring buffer is kept short (4 periods, 80 ms at 20 ms) because everything queued there is
/// latency the visitor hears and the echo canceller must span; playback starts once 2 periods
/// are queued, so one late tick of the media thread does not underrun. `write` blocks in
/// `snd_pcm_writei` while the buffer is full. Buffers are allocated once, here.
public final class ALSAPlayback: AudioPlayback {
    public let format: AudioFormat
    /// Samples per device write; longer `write`s are cut into periods.
    public let periodSize: Int
    /// What the device accepted; see `ALSAConfiguration.description` for the log line.
    public let negotiated: ALSAConfiguration
    /// Underruns (and suspends) recovered from without ending the call; each is a gap heard.
    public private(set) var xruns = 0

    static let bufferPeriods = 4
    static let startPeriods = 2

    private var pcm: ALSAPCM?
    private let resampler: SpeexResampler?
    /// Interleaved samples for the device: one period, resampled and duplicated into each channel.
    private let deviceBuffer: UnsafeMutableBufferPointer<Int16>
    /// The most device frames one period can become.
    private let maximumFrames: Int
    /// One device period of silence, written after an underrun.
    private let silence: UnsafeMutableBufferPointer<Int16>

    /// Opens `device` (an ALSA PCM name such as `default`, `plughw:CARD=wm8960soundcard` or
    /// `hw:1,0`) for playback at `format`'s rate, mono.
    /// - Parameter periodMilliseconds: the media tick; the device period is chosen near it.
    /// - Throws: `DeviceError` with operation "opening for playback" and a reason an installer can
    ///   act on: a name that does not exist, a device in use, a format or rate it cannot do.
    public convenience init(device: String, format: AudioFormat, periodMilliseconds: Int = 20) throws(DeviceError) {
        try self.init(device: device, format: format, periodMilliseconds: periodMilliseconds, definitions: nil)
    }

    /// Opens `device` as looked up in `definitions` rather than the system's configuration (tests).
    init(device: String, format: AudioFormat, periodMilliseconds: Int = 20, definitions: ALSADefinitions?) throws(DeviceError) {
        precondition(format.channels == 1, "the ALSA backend takes mono")
        precondition(periodMilliseconds > 0, "a period is at least 1 ms")
        self.format = format
        periodSize = format.samples(milliseconds: periodMilliseconds)
        let pcm = try ALSAPCM.open(device, .playback, definitions: definitions)
        negotiated = try pcm.negotiate(.init(rate: format.sampleRate, periodMilliseconds: periodMilliseconds,
                                             bufferPeriods: Self.bufferPeriods, startPeriods: Self.startPeriods))
        if negotiated.resampling {
            guard let resampler = SpeexResampler(from: format.sampleRate, to: negotiated.deviceRate) else {
                throw DeviceError(device: device, operation: "opening for playback",
                                  reason: "speexdsp cannot resample \(format.sampleRate) Hz to \(negotiated.deviceRate) Hz")
            }
            self.resampler = resampler
        } else {
            resampler = nil
        }
        maximumFrames = resampler?.maximumOutput(forInput: periodSize) ?? periodSize
        deviceBuffer = .allocate(capacity: maximumFrames * negotiated.channels)
        silence = .allocate(capacity: negotiated.periodFrames * negotiated.channels)
        silence.initialize(repeating: 0)
        self.pcm = pcm
    }

    deinit {
        deviceBuffer.deallocate()
        silence.deallocate()
    }

    /// Queues `samples`, blocking while the device's buffer is full. An underrun is recovered
    /// (counted in `xruns`), a period of silence queued so the stream does not underrun again at
    /// once, and the write retried once; any other failure, e.g. ENODEV when a USB card is
    /// unplugged, throws with operation "writing". The corresponding C function is `snd_pcm_writei`.
    public func write(_ samples: UnsafeBufferPointer<Int16>) throws(DeviceError) {
        guard let pcm else { throw DeviceError(device: negotiated.device, operation: "writing", reason: "closed") }
        var offset = 0
        while offset < samples.count {
            let count = min(periodSize, samples.count - offset)
            let frames = convert(UnsafeBufferPointer(rebasing: samples[offset..<offset + count]))
            try writeChunk(pcm, frames: frames)
            offset += count
        }
    }

    /// Resamples and spreads `samples` into `deviceBuffer`; returns the device frames there.
    private func convert(_ samples: UnsafeBufferPointer<Int16>) -> Int {
        let frames: Int
        if let resampler {
            frames = resampler.process(samples, into: UnsafeMutableBufferPointer(rebasing: deviceBuffer[0..<maximumFrames]))
        } else {
            deviceBuffer.baseAddress!.update(from: samples.baseAddress!, count: samples.count)
            frames = samples.count
        }
        Self.spread(deviceBuffer, frames: frames, channels: negotiated.channels)
        return frames
    }

    /// Copies each of the first `frames` mono samples into all `channels` of its frame, in place
    /// (from the end, so no sample is overwritten before it is copied).
    static func spread(_ buffer: UnsafeMutableBufferPointer<Int16>, frames: Int, channels: Int) {
        guard channels > 1 else { return }
        for frame in (0..<frames).reversed() {
            let sample = buffer[frame]
            for channel in 0..<channels { buffer[frame * channels + channel] = sample }
        }
    }

    private func writeChunk(_ pcm: ALSAPCM, frames: Int) throws(DeviceError) {
        var result = pcm.write(from: deviceBuffer.baseAddress!, frames: frames)
        if case .failure(let error) = result, error.isXrun || error.isSuspend {
            try recover(from: error)
            result = pcm.write(from: deviceBuffer.baseAddress!, frames: frames)
        }
        if case .failure(let error) = result {
            throw DeviceError(device: negotiated.device, operation: "writing", reason: error.description)
        }
    }

    /// Counts an underrun or suspend, restarts the stream and queues a period of silence: with
    /// the next write that makes the two periods that start playback, and one period of slack.
    func recover(from error: ALSAError) throws(DeviceError) {
        guard let pcm else { throw DeviceError(device: negotiated.device, operation: "writing", reason: "closed") }
        xruns += 1
        if case .failure(let failure) = pcm.recover(from: error)
            .flatMap({ pcm.write(from: silence.baseAddress!, frames: negotiated.periodFrames) }) {
            throw DeviceError(device: negotiated.device, operation: "writing", reason: "recovering from \(error.isSuspend ? "a suspend" : "an underrun"): \(failure)")
        }
    }

    /// Samples written but not yet heard, at the call's rate: the device's delay (`snd_pcm_delay`)
    /// plus what the resampler holds. 0 when closed or when the device cannot tell (e.g. in an underrun).
    public var queuedSamples: Int {
        guard let pcm, case .success(let frames) = pcm.delay() else { return 0 }
        return max(0, frames) * format.sampleRate / negotiated.deviceRate + (resampler?.inputLatency ?? 0)
    }

    /// Releases the device at once (`snd_pcm_drop`, `snd_pcm_close`), dropping what is still
    /// queued: at the end of a call that is at most 80 ms of the far end's last words.
    public func close() {
        pcm = nil
    }
}
