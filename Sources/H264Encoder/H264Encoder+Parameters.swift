import CX264
import Glibc

extension H264Encoder {
    /// Bytes kept of x264's last error message (one line; x264's longest are about 100 characters).
    static let logCapacity = 256

    /// Fills x264's parameters from a validated configuration: the preset with the `zerolatency` tune
    /// (no lookahead, no B-frames, no frame reordering: a picture leaves the encoder in the call that took it),
    /// then size, rate, rate control, stream format and threads, then the profile's restrictions.
    ///
    /// The encoder opened with these parameters logs its errors into `log` (see `captureErrors`), not to stderr.
    /// The corresponding C functions are
    /// `x264_param_default_preset` and `x264_param_apply_profile`.
    static func parameters(
        for configuration: H264EncoderConfiguration, log: UnsafeMutablePointer<CChar>
    ) throws(H264EncoderError) -> x264_param_t {
        var parameters = x264_param_t()
        guard x264_param_default_preset(&parameters, configuration.preset, "zerolatency") >= 0 else {
            throw H264EncoderError(operation: "open", reason: "x264_param_default_preset rejected preset \"\(configuration.preset)\" with tune \"zerolatency\"")
        }
        captureErrors(of: &parameters, into: log)
        parameters.i_csp = X264_CSP_I420
        parameters.i_width = Int32(clamping: configuration.width)
        parameters.i_height = Int32(clamping: configuration.height)
        let rate = frameRateRational(configuration.framerate)
        parameters.i_fps_num = rate.numerator
        parameters.i_fps_den = rate.denominator
        // Constant frame rate: rate control budgets bits per frame from the fps, and pts (the frame's
        // sequence) count frames, so the time base is one frame.
        parameters.b_vfr_input = 0
        parameters.i_timebase_num = rate.denominator
        parameters.i_timebase_den = rate.numerator

        // IDRs come from the interval and from forced requests (a receiver's PLI or FIR), never from
        // x264's scene-cut detection: someone stepping in front of a door camera would otherwise cost an
        // unplanned key frame, the largest picture there is, at the moment the picture matters.
        parameters.i_keyint_max = Int32(clamping: configuration.keyFrameInterval)
        parameters.i_scenecut_threshold = 0
        parameters.b_intra_refresh = 0
        parameters.b_open_gop = 0
        parameters.i_bframe = 0

        parameters.rc.i_rc_method = X264_RC_ABR
        applyRateControl(bitrateKbps: configuration.bitrateKbps, vbvBufferMilliseconds: configuration.vbvBufferMilliseconds, to: &parameters)

        // Parameter sets in band before every IDR, Annex B start codes: what RTP packetization (RFC 6184) splits on.
        parameters.b_repeat_headers = 1
        parameters.b_annexb = 1
        parameters.b_aud = 0
        // Frame threads only: sliced threads (zerolatency's choice) would cut every picture into one slice per thread.
        parameters.i_threads = Int32(configuration.threads)
        parameters.b_sliced_threads = 0
        if let maxNALUnitSize = configuration.maxNALUnitSize { parameters.i_slice_max_size = Int32(maxNALUnitSize) }
        if let levelIDC = configuration.levelIDC { parameters.i_level_idc = Int32(levelIDC) }

        // x264 signals the lowest profile the stream's tools need, and `x264_param_apply_profile` only takes tools away:
        // with a fast preset (ultrafast turns CABAC off) "main" would still come out as Constrained Baseline. CABAC
        // is what Main is chosen for, so it is switched on; it makes the SPS say profile_idc 77.
        if configuration.profile == .main { parameters.b_cabac = 1 }
        // Last, because it overrides settings made above (CABAC, 8x8 transforms, B-frames).
        guard x264_param_apply_profile(&parameters, configuration.profile.rawValue) >= 0 else {
            throw H264EncoderError(operation: "open", reason: "x264_param_apply_profile rejected profile \"\(configuration.profile.rawValue)\"")
        }
        return parameters
    }

    /// Average bit rate with a VBV whose peak rate is the target itself, so the stream never bursts above
    /// what was negotiated (`b=AS`); this is also the only rate control whose bit rate x264 changes while running.
    static func applyRateControl(bitrateKbps: Int, vbvBufferMilliseconds: Int, to parameters: inout x264_param_t) {
        parameters.rc.i_bitrate = Int32(bitrateKbps)
        parameters.rc.i_vbv_max_bitrate = Int32(bitrateKbps)
        // x264 ignores a peak rate without a buffer; at 16 kbit/s and 50 ms the product rounds to 0.
        parameters.rc.i_vbv_buffer_size = Int32(max(1, bitrateKbps * vbvBufferMilliseconds / 1000))
    }

    /// The frame rate as the fraction x264 wants: thousandths of a frame per second, reduced
    /// (15 → 15/1, 29.97 → 2997/100, 7.5 → 15/2). A thousandth is finer than any camera's rate is exact.
    static func frameRateRational(_ framerate: Double) -> (numerator: UInt32, denominator: UInt32) {
        var numerator = max(1, UInt32((framerate * 1000).rounded()))
        var denominator: UInt32 = 1000
        var a = numerator, b = denominator
        while b != 0 { (a, b) = (b, a % b) }
        numerator /= a
        denominator /= a
        return (numerator, denominator)
    }

    /// Routes x264's messages of level error into `log` instead of stderr: the daemon logs through its own
    /// logger, and an error thrown here can then carry x264's reason (x264 explains a refused parameter only in its log).
    /// Warnings are not kept: x264 warns about adjustments it makes itself (a VBV buffer below one frame, a level
    /// exceeded), and a warning per call would cost formatting in the encode path.
    ///
    /// The callback formats with `vsnprintf` into the fixed buffer: no allocation. With frame threads a worker could
    /// log while the owner reads; x264 logs errors when it refuses parameters, before any worker runs.
    static func captureErrors(of parameters: inout x264_param_t, into log: UnsafeMutablePointer<CChar>) {
        parameters.i_log_level = X264_LOG_ERROR
        parameters.p_log_private = UnsafeMutableRawPointer(log)
        parameters.pf_log = { log, level, format, arguments in H264Encoder.keep(level, format, arguments, in: log) }
    }

    /// The body of the log callback. `arguments` is optional because `va_list` imports as `CVaListPointer?` on x86-64
    /// (an array type there) and as a plain `CVaListPointer` where it is a struct (arm64); an optional parameter takes both.
    private static func keep(_ level: Int32, _ format: UnsafePointer<CChar>?, _ arguments: CVaListPointer?, in log: UnsafeMutableRawPointer?) {
        guard level <= X264_LOG_ERROR, let log, let format, let arguments else { return }
        _ = vsnprintf(log.assumingMemoryBound(to: CChar.self), logCapacity, format, arguments)
    }

    /// x264's last error message without its line break, or a placeholder when it logged none.
    static func message(in log: UnsafeMutablePointer<CChar>) -> String {
        let text = String(cString: log).trimmingSuffix { $0 == "\n" || $0 == " " }
        return text.isEmpty ? "x264 logged no reason" : "x264: \(text)"
    }
}

extension String {
    fileprivate func trimmingSuffix(while predicate: (Character) -> Bool) -> String {
        var end = endIndex
        while end > startIndex, predicate(self[index(before: end)]) { end = index(before: end) }
        return String(self[..<end])
    }
}
