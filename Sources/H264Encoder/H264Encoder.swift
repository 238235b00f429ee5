import CX264
import Video

/// An H.264 encoder for the door camera's pictures, over libx264: I420 in, Annex B access units out,
/// tuned for calls (`zerolatency`: every picture leaves the encoder in the call that took it when `threads` is 1).
///
/// Steady-state encoding allocates nothing: the input picture points into the caller's `I420Frame` for the
/// duration of the call (x264 copies it into its own frame pool), and the output is lent, not copied.
///
/// Not `Sendable`: an x264 encoder is not thread-safe, so one owner (the video pipeline) calls it from one
/// thread at a time.
public final class H264Encoder {
    public private(set) var configuration: H264EncoderConfiguration
    /// SPS and PPS NAL units without start codes (from x264_encoder_headers), for SDP sprop-parameter-sets (RFC 6184 §8.1).
    /// The same bytes come in band before every IDR. The SPS's profile_idc, constraint flags and level_idc are its bytes 1…3,
    /// the `profile-level-id` of the SDP.
    public let sequenceParameterSet: [UInt8]
    public let pictureParameterSet: [UInt8]
    /// Access units produced so far.
    public private(set) var framesEncoded = 0
    /// IDR access units produced so far, forced or from the key frame interval.
    public private(set) var keyFramesEncoded = 0

    private let encoder: OpaquePointer
    /// x264's last error message (see `captureErrors`).
    private let log: UnsafeMutablePointer<CChar>
    /// The input and output pictures, allocated once so that their addresses are stable and encoding allocates nothing.
    private let input: UnsafeMutablePointer<x264_picture_t>
    private let output: UnsafeMutablePointer<x264_picture_t>
    /// The sequence and capture time of each frame x264 may still hold (frame threads delay output), indexed by
    /// the slot number that travels with the picture in its `opaque` field.
    private let pending: UnsafeMutablePointer<(sequence: UInt64, timestamp: UInt64)>
    private let pendingCapacity: Int
    private var framesSubmitted = 0
    /// Whether the next access unit is the stream's first, which carries x264's version SEI.
    private var expectingVersionSEI = true

    /// Opens an encoder for `configuration` and reads its parameter sets.
    ///
    /// Throws with the configuration's `problem` when it has one, and with x264's reason when x264 refuses the
    /// parameters. The corresponding C functions are `x264_encoder_open` and `x264_encoder_headers`.
    public init(_ configuration: H264EncoderConfiguration) throws(H264EncoderError) {
        if let problem = configuration.problem { throw H264EncoderError(operation: "open", reason: problem) }
        let log = UnsafeMutablePointer<CChar>.allocate(capacity: Self.logCapacity)
        log.initialize(repeating: 0, count: Self.logCapacity)
        let encoder: OpaquePointer
        let parameterSets: (sps: [UInt8], pps: [UInt8])
        do throws(H264EncoderError) {
            var parameters = try Self.parameters(for: configuration, log: log)
            guard let opened = cx264_encoder_open(&parameters) else {
                throw H264EncoderError(operation: "open", reason: "x264_encoder_open refused the parameters: \(Self.message(in: log))")
            }
            encoder = opened
            do throws(H264EncoderError) {
                parameterSets = try Self.parameterSets(of: opened, log: log)
            } catch {
                x264_encoder_close(opened)
                throw error
            }
        } catch {
            log.deallocate()
            throw error
        }
        self.configuration = configuration
        self.encoder = encoder
        self.log = log
        sequenceParameterSet = parameterSets.sps
        pictureParameterSet = parameterSets.pps
        input = .allocate(capacity: 1)
        output = .allocate(capacity: 1)
        x264_picture_init(input)
        x264_picture_init(output)
        input.pointee.img.i_csp = X264_CSP_I420
        input.pointee.img.i_plane = 3
        input.pointee.img.i_stride = (Int32(configuration.width), Int32(configuration.width / 2), Int32(configuration.width / 2), 0)
        // One slot more than x264 can hold back, so a slot is never reused while its frame is inside the encoder.
        pendingCapacity = Int(x264_encoder_maximum_delayed_frames(encoder)) + 1
        pending = .allocate(capacity: pendingCapacity)
        pending.initialize(repeating: (0, 0), count: pendingCapacity)
    }

    /// Closes the encoder. Frames still inside it (only with frame threads) are dropped: a live call has no use for them.
    /// The corresponding C function is `x264_encoder_close`.
    deinit {
        x264_encoder_close(encoder)
        log.deallocate()
        input.deallocate()
        output.deallocate()
        pending.deallocate()
    }

    /// Encodes one frame (its size must match the configuration, else H264EncoderError, never a trap). forceKeyFrame makes
    /// this frame an IDR (with SPS/PPS in band). body is called with the output, not called when x264 produced nothing.
    ///
    /// With `threads` 1 every call produces the access unit of its own frame; with frame threads, output lags by up to
    /// `threads - 1` frames and `body` sees the sequence and capture time of the frame it is given. Errors thrown by
    /// `body` are rethrown; the frame still counts as encoded. x264 copies the picture before returning, so the caller
    /// may refill `frame` as soon as this returns.
    ///
    /// The first access unit of a stream would carry x264's version SEI (user data with x264's whole option string,
    /// about 600 bytes); it is removed in place, because no receiver needs it and it could break the `maxNALUnitSize`
    /// promise that packetization-mode 0 relies on.
    ///
    /// The corresponding C function is `x264_encoder_encode`.
    public func encode(_ frame: I420Frame, forceKeyFrame: Bool, _ body: (EncodedAccessUnit) throws -> Void) throws {
        guard frame.width == configuration.width, frame.height == configuration.height else {
            throw H264EncoderError(
                operation: "encode",
                reason: "frame is \(frame.width)x\(frame.height), the encoder was opened for \(configuration.width)x\(configuration.height)")
        }
        let slot = framesSubmitted % pendingCapacity
        framesSubmitted += 1
        pending[slot] = (frame.sequence, frame.timestamp)
        input.pointee.i_type = forceKeyFrame ? X264_TYPE_IDR : X264_TYPE_AUTO
        input.pointee.i_pts = Int64(truncatingIfNeeded: frame.sequence)
        input.pointee.opaque = UnsafeMutableRawPointer(bitPattern: slot + 1)
        var units: UnsafeMutablePointer<x264_nal_t>?
        var unitCount: Int32 = 0
        log.pointee = 0
        let (encoder, input, output) = (encoder, input, output)
        let size = frame.withPlanes { y, u, v in
            input.pointee.img.plane = (y.baseAddress, u.baseAddress, v.baseAddress, nil)
            defer { input.pointee.img.plane = (nil, nil, nil, nil) }
            return x264_encoder_encode(encoder, &units, &unitCount, input, output)
        }
        guard size >= 0 else {
            throw H264EncoderError(operation: "encode", reason: "x264_encoder_encode returned \(size): \(Self.message(in: log))")
        }
        guard size > 0, let units, unitCount > 0 else { return }
        var annexB = UnsafeMutableRawBufferPointer(start: units[0].p_payload, count: Int(size))
        if expectingVersionSEI {
            expectingVersionSEI = false
            annexB = Self.removingSEI(from: annexB, units: UnsafeBufferPointer(start: units, count: Int(unitCount)))
        }
        let returned = Int(bitPattern: output.pointee.opaque) - 1
        precondition(returned >= 0 && returned < pendingCapacity, "x264 returned a picture without the slot it was given")
        let isKeyFrame = output.pointee.i_type == X264_TYPE_IDR
        framesEncoded += 1
        if isKeyFrame { keyFramesEncoded += 1 }
        try body(EncodedAccessUnit(
            annexB: UnsafeRawBufferPointer(annexB), isKeyFrame: isKeyFrame,
            captureTimestamp: pending[returned].timestamp, sequence: pending[returned].sequence))
    }

    /// Changes the target bit rate (and VBV) of the running encoder (x264_encoder_reconfig), e.g. when the peer's b=AS changes
    /// or RTCP shows congestion.
    ///
    /// The peak rate follows the target and the VBV buffer keeps its length in milliseconds. Takes effect from the next
    /// frame x264 encodes. Throws, changing nothing, for a bit rate the configuration would reject (16…50000 kbit/s).
    /// The corresponding C functions are `x264_encoder_parameters` and `x264_encoder_reconfig`.
    public func reconfigure(bitrateKbps: Int) throws(H264EncoderError) {
        var changed = configuration
        changed.bitrateKbps = bitrateKbps
        if let problem = changed.problem { throw H264EncoderError(operation: "reconfigure", reason: problem) }
        var parameters = x264_param_t()
        x264_encoder_parameters(encoder, &parameters)
        Self.applyRateControl(bitrateKbps: bitrateKbps, vbvBufferMilliseconds: changed.vbvBufferMilliseconds, to: &parameters)
        log.pointee = 0
        let status = x264_encoder_reconfig(encoder, &parameters)
        guard status >= 0 else {
            throw H264EncoderError(
                operation: "reconfigure",
                reason: "x264_encoder_reconfig refused \(bitrateKbps) kbit/s (returned \(status)): \(Self.message(in: log))")
        }
        configuration = changed
    }

    /// The SPS and PPS, start codes removed. The corresponding C function is `x264_encoder_headers`.
    private static func parameterSets(of encoder: OpaquePointer, log: UnsafeMutablePointer<CChar>) throws(H264EncoderError) -> (sps: [UInt8], pps: [UInt8]) {
        var units: UnsafeMutablePointer<x264_nal_t>?
        var count: Int32 = 0
        guard x264_encoder_headers(encoder, &units, &count) >= 0, let units else {
            throw H264EncoderError(operation: "open", reason: "x264_encoder_headers failed: \(message(in: log))")
        }
        var sps: [UInt8] = [], pps: [UInt8] = []
        for unit in UnsafeBufferPointer(start: units, count: Int(count)) {
            let bytes = UnsafeBufferPointer(start: unit.p_payload, count: Int(unit.i_payload))
            // x264 writes a 4-byte start code before SPS and PPS; the payload starts after its 0x01.
            guard let one = bytes.firstIndex(of: 1) else { continue }
            let payload = Array(bytes[(one + 1)...])
            if unit.i_type == Int32(NAL_SPS.rawValue) { sps = payload }
            if unit.i_type == Int32(NAL_PPS.rawValue) { pps = payload }
        }
        guard !sps.isEmpty, !pps.isEmpty else {
            throw H264EncoderError(operation: "open", reason: "x264_encoder_headers returned \(count) NAL units without both SPS and PPS")
        }
        return (sps, pps)
    }

    /// `annexB` without its SEI NAL units, moved down in place (x264's buffer is ours until the next call).
    private static func removingSEI(from annexB: UnsafeMutableRawBufferPointer, units: UnsafeBufferPointer<x264_nal_t>) -> UnsafeMutableRawBufferPointer {
        guard let base = annexB.baseAddress else { return annexB }
        var kept = 0
        for unit in units where unit.i_type != Int32(NAL_SEI.rawValue) {
            let length = Int(unit.i_payload)
            (base + kept).copyMemory(from: UnsafeRawPointer(unit.p_payload), byteCount: length)
            kept += length
        }
        return UnsafeMutableRawBufferPointer(start: base, count: kept)
    }
}
