import CALSA
import Devices

extension ALSAPCM {
    /// What the backend asks of a device.
    struct Request {
        /// The call's rate, 8000 or 16000 Hz.
        var rate: Int
        var periodMilliseconds: Int
        /// The ring buffer, in periods.
        var bufferPeriods: Int
        /// Playback starts once this many periods are queued; `nil` leaves the default
        /// (capture starts with the first read).
        var startPeriods: Int?
    }

    /// Sets up the device with the hw_params API: interleaved S16, mono if the device takes it
    /// (else the fewest channels it does), the exact rate with alsa-lib's own resampling off
    /// (else the nearest rate the device runs at, left to speexdsp), and period and buffer near
    /// what was asked. Returns what the device accepted.
    ///
    /// Resampling in alsa-lib stays off because `plug`'s default converter is linear
    /// interpolation, audibly worse than speexdsp for speech, and a `hw:` device cannot do it anyway.
    /// The corresponding C functions are `snd_pcm_hw_params_set_*`, `snd_pcm_hw_params` and
    /// `snd_pcm_sw_params`.
    func negotiate(_ request: Request) throws(DeviceError) -> ALSAConfiguration {
        var parameters: OpaquePointer?
        guard snd_pcm_hw_params_malloc(&parameters) == 0, let hw = parameters else { throw refused("out of memory") }
        defer { snd_pcm_hw_params_free(hw) }
        try require(snd_pcm_hw_params_any(handle, hw), "reading what the device offers")
        try require(snd_pcm_hw_params_set_access(handle, hw, SND_PCM_ACCESS_RW_INTERLEAVED),
                    "interleaved read/write access (the plughw: device of this card offers it)")
        guard snd_pcm_hw_params_set_format(handle, hw, SND_PCM_FORMAT_S16) == 0 else {
            throw refused("16-bit samples (\(Self.name(of: SND_PCM_FORMAT_S16))) asked, the device offers "
                          + "\(formats(hw)) (the plughw: device of this card converts)")
        }
        _ = snd_pcm_hw_params_set_rate_resample(handle, hw, 0)
        channels = try chooseChannels(hw)
        let deviceRate = try chooseRate(hw, request.rate)
        var rounding: Int32 = 0
        var period = snd_pcm_uframes_t(deviceRate * request.periodMilliseconds / 1000)
        try require(snd_pcm_hw_params_set_period_size_near(handle, hw, &period, &rounding),
                    "a period near \(request.periodMilliseconds) ms (\(period) frames at \(deviceRate) Hz)")
        var buffer = period * snd_pcm_uframes_t(request.bufferPeriods)
        try require(snd_pcm_hw_params_set_buffer_size_near(handle, hw, &buffer), "a buffer near \(buffer) frames")
        try require(snd_pcm_hw_params(handle, hw),
                    "\(deviceRate) Hz, \(channels) channel(s), period \(period), buffer \(buffer) frames")
        var rate: UInt32 = 0
        snd_pcm_hw_params_get_rate(hw, &rate, &rounding)
        snd_pcm_hw_params_get_period_size(hw, &period, &rounding)
        snd_pcm_hw_params_get_buffer_size(hw, &buffer)
        try setSoftwareParameters(period: Int(period), buffer: Int(buffer), startPeriods: request.startPeriods)
        return ALSAConfiguration(direction: direction, device: device, deviceRate: Int(rate), rate: request.rate,
                                 channels: channels, periodFrames: Int(period), bufferFrames: Int(buffer))
    }

    private func chooseChannels(_ hw: OpaquePointer) throws(DeviceError) -> Int {
        if snd_pcm_hw_params_set_channels(handle, hw, 1) == 0 { return 1 }
        // Codecs such as the WM8960 only run in stereo: take the fewest channels and mix in Swift.
        var count: UInt32 = 0
        guard snd_pcm_hw_params_set_channels_first(handle, hw, &count) == 0, count > 0 else {
            throw refused("mono asked, the device offers no channel count")
        }
        return Int(count)
    }

    private func chooseRate(_ hw: OpaquePointer, _ wanted: Int) throws(DeviceError) -> Int {
        if snd_pcm_hw_params_set_rate(handle, hw, UInt32(wanted), 0) == 0 { return wanted }
        var rate = UInt32(wanted)
        var rounding: Int32 = 0
        if snd_pcm_hw_params_set_rate_near(handle, hw, &rate, &rounding) == 0, rate > 0 { return Int(rate) }
        var minimum: UInt32 = 0
        var maximum: UInt32 = 0
        snd_pcm_hw_params_get_rate_min(hw, &minimum, &rounding)
        snd_pcm_hw_params_get_rate_max(hw, &maximum, &rounding)
        let offered = minimum == maximum ? "\(minimum) Hz" : "\(minimum)…\(maximum) Hz"
        throw refused("\(wanted) Hz asked, the device offers \(offered)")
    }

    private func setSoftwareParameters(period: Int, buffer: Int, startPeriods: Int?) throws(DeviceError) {
        var parameters: OpaquePointer?
        guard snd_pcm_sw_params_malloc(&parameters) == 0, let sw = parameters else { throw refused("out of memory") }
        defer { snd_pcm_sw_params_free(sw) }
        try require(snd_pcm_sw_params_current(handle, sw), "reading the software parameters")
        try require(snd_pcm_sw_params_set_avail_min(handle, sw, snd_pcm_uframes_t(period)), "waking once per period")
        if let startPeriods {
            let threshold = snd_pcm_uframes_t(min(buffer, startPeriods * period))
            try require(snd_pcm_sw_params_set_start_threshold(handle, sw, threshold), "starting at \(threshold) frames")
        }
        try require(snd_pcm_sw_params(handle, sw), "the software parameters")
    }

    /// The formats the device offers, e.g. `S32_LE, S24_LE`.
    private func formats(_ hw: OpaquePointer) -> String {
        let offered = (0...SND_PCM_FORMAT_LAST.rawValue).map { snd_pcm_format_t(rawValue: $0) }
            .filter { snd_pcm_hw_params_test_format(handle, hw, $0) == 0 }
            .map(Self.name(of:))
        return offered.isEmpty ? "none" : offered.joined(separator: ", ")
    }

    /// The corresponding C function is `snd_pcm_format_name`.
    private static func name(of format: snd_pcm_format_t) -> String {
        snd_pcm_format_name(format).map { String(cString: $0) } ?? "format \(format.rawValue)"
    }

    private func require(_ result: Int32, _ what: String) throws(DeviceError) {
        guard result == 0 else { throw refused("\(what): \(ALSAError(returned: result))") }
    }

    private func refused(_ reason: String) -> DeviceError {
        DeviceError(device: device, operation: direction.openingOperation, reason: reason)
    }
}
