import CX264Baseline
import H264Encoder
import Video

/// libx264 alone: the baseline of the video benchmarks. Opened with exactly the parameters
/// `H264Encoder` gives x264 (Sources/H264Encoder/H264Encoder+Parameters.swift, mirrored line for
/// line below: preset with the `zerolatency` tune, constant frame rate, IDRs only from the interval,
/// ABR with a VBV peaking at the target, in-band parameter sets, Annex B, no AUD, frame threads,
/// then the profile), and fed the same input picture set-up (I420, three planes pointing into an
/// `I420Frame`, pts = the frame's sequence). What it leaves out is what `H264Encoder` adds around
/// x264: the size check, the pending-frame slot, the first access unit's SEI removal and the
/// `EncodedAccessUnit` handed to a closure. `videoBenchmarks` checks before measuring that both
/// write the same bytes for the same frames.
final class BareX264 {
    private let encoder: OpaquePointer
    private let input: UnsafeMutablePointer<x264_picture_t>
    private let output: UnsafeMutablePointer<x264_picture_t>

    init(_ configuration: H264EncoderConfiguration) {
        precondition(configuration.problem == nil, "invalid encoder configuration: \(configuration.problem ?? "")")
        var parameters = x264_param_t()
        precondition(x264_param_default_preset(&parameters, configuration.preset, "zerolatency") >= 0, "x264 rejected the preset")
        // H264Encoder routes x264's errors into a buffer; the level is the same, only where errors go differs.
        parameters.i_log_level = X264_LOG_ERROR
        parameters.i_csp = X264_CSP_I420
        parameters.i_width = Int32(clamping: configuration.width)
        parameters.i_height = Int32(clamping: configuration.height)
        let rate = Self.frameRateRational(configuration.framerate)
        parameters.i_fps_num = rate.numerator
        parameters.i_fps_den = rate.denominator
        parameters.b_vfr_input = 0
        parameters.i_timebase_num = rate.denominator
        parameters.i_timebase_den = rate.numerator

        parameters.i_keyint_max = Int32(clamping: configuration.keyFrameInterval)
        parameters.i_scenecut_threshold = 0
        parameters.b_intra_refresh = 0
        parameters.b_open_gop = 0
        parameters.i_bframe = 0

        parameters.rc.i_rc_method = X264_RC_ABR
        parameters.rc.i_bitrate = Int32(configuration.bitrateKbps)
        parameters.rc.i_vbv_max_bitrate = Int32(configuration.bitrateKbps)
        parameters.rc.i_vbv_buffer_size = Int32(max(1, configuration.bitrateKbps * configuration.vbvBufferMilliseconds / 1000))

        parameters.b_repeat_headers = 1
        parameters.b_annexb = 1
        parameters.b_aud = 0
        parameters.i_threads = Int32(configuration.threads)
        parameters.b_sliced_threads = 0
        if let maxNALUnitSize = configuration.maxNALUnitSize { parameters.i_slice_max_size = Int32(maxNALUnitSize) }
        if let levelIDC = configuration.levelIDC { parameters.i_level_idc = Int32(levelIDC) }

        if configuration.profile == .main { parameters.b_cabac = 1 }
        precondition(x264_param_apply_profile(&parameters, configuration.profile.rawValue) >= 0, "x264 rejected the profile")

        guard let encoder = cx264baseline_encoder_open(&parameters) else { fatalError("x264_encoder_open refused the parameters") }
        self.encoder = encoder
        // H264Encoder reads the parameter sets once when it opens (for the SDP); so does the baseline.
        var units: UnsafeMutablePointer<x264_nal_t>?
        var count: Int32 = 0
        precondition(x264_encoder_headers(encoder, &units, &count) >= 0, "x264_encoder_headers failed")

        input = .allocate(capacity: 1)
        output = .allocate(capacity: 1)
        x264_picture_init(input)
        x264_picture_init(output)
        input.pointee.img.i_csp = X264_CSP_I420
        input.pointee.img.i_plane = 3
        input.pointee.img.i_stride = (Int32(configuration.width), Int32(configuration.width / 2), Int32(configuration.width / 2), 0)
    }

    deinit {
        x264_encoder_close(encoder)
        input.deallocate()
        output.deallocate()
    }

    /// Encodes `frame` as picture number `frame.sequence`; returns the NAL units x264 wrote (their
    /// payloads are contiguous and valid until the next call), empty when it wrote nothing.
    func encode(_ frame: I420Frame) -> UnsafeBufferPointer<x264_nal_t> {
        input.pointee.i_type = X264_TYPE_AUTO
        input.pointee.i_pts = Int64(truncatingIfNeeded: frame.sequence)
        var units: UnsafeMutablePointer<x264_nal_t>?
        var count: Int32 = 0
        let (encoder, input, output) = (encoder, input, output)
        let size = frame.withPlanes { y, u, v in
            input.pointee.img.plane = (y.baseAddress, u.baseAddress, v.baseAddress, nil)
            return x264_encoder_encode(encoder, &units, &count, input, output)
        }
        precondition(size >= 0, "x264_encoder_encode returned \(size)")
        return UnsafeBufferPointer(start: units, count: size > 0 ? Int(count) : 0)
    }

    /// The access unit's bytes without its SEI NAL units (x264's version SEI, which `H264Encoder`
    /// removes), for comparing the two streams; allocates, so not for the measured loop.
    static func bytesWithoutSEI(_ units: UnsafeBufferPointer<x264_nal_t>) -> [UInt8] {
        units.filter { $0.i_type != Int32(NAL_SEI.rawValue) }
            .flatMap { UnsafeBufferPointer(start: $0.p_payload, count: Int($0.i_payload)) }
    }

    /// As `H264Encoder.frameRateRational` (internal there): thousandths of a frame per second, reduced.
    static func frameRateRational(_ framerate: Double) -> (numerator: UInt32, denominator: UInt32) {
        var numerator = max(1, UInt32((framerate * 1000).rounded()))
        var denominator: UInt32 = 1000
        var a = numerator, b = denominator
        while b != 0 { (a, b) = (b, a % b) }
        numerator /= a
        denominator /= a
        return (numerator, denominator)
    }
}
