import CALSA
import CSpeexDSP
import CX264
import Testing
import Video

/// The C libraries are found through pkg-config, link, and do their job for real (libsrtp2 is
/// exercised through the `SRTP` target, in SRTPTests).
@Suite struct CLibraryTests {
    @Test func alsaPlaysIntoTheNullDevice() throws {
        var pcm: OpaquePointer?
        #expect(snd_pcm_open(&pcm, "null", SND_PCM_STREAM_PLAYBACK, 0) == 0)
        let handle = try #require(pcm)
        defer { snd_pcm_close(handle) }
        #expect(snd_pcm_set_params(handle, SND_PCM_FORMAT_S16_LE, SND_PCM_ACCESS_RW_INTERLEAVED, 1, 8000, 1, 60_000) == 0)
        let frame = [Int16](repeating: 1000, count: 160)
        let written = frame.withUnsafeBytes { snd_pcm_writei(handle, $0.baseAddress, 160) }
        #expect(written == 160)
    }

    @Test func alsaNamesAMissingDevice() {
        var pcm: OpaquePointer?
        let result = snd_pcm_open(&pcm, "hw:CARD=NoSuchCard", SND_PCM_STREAM_CAPTURE, 0)
        #expect(result < 0)
        #expect(!String(cString: snd_strerror(result)).isEmpty)
    }

    @Test func x264EncodesATestPatternFrameIntoSPSPPSAndIDR() throws {
        var param = x264_param_t()
        #expect(x264_param_default_preset(&param, "ultrafast", "zerolatency") == 0)
        param.i_width = 320
        param.i_height = 240
        param.i_csp = X264_CSP_I420
        param.b_repeat_headers = 1
        param.b_annexb = 1
        #expect(x264_param_apply_profile(&param, "baseline") == 0)
        let encoder = try #require(cx264_encoder_open(&param))
        defer { x264_encoder_close(encoder) }

        let frame = I420Frame(width: 320, height: 240)
        TestPattern().render(into: frame, sequence: 7, timestamp: 0)
        var input = x264_picture_t()
        x264_picture_init(&input)
        input.img.i_csp = X264_CSP_I420
        input.img.i_plane = 3
        var output = x264_picture_t()
        var nals: UnsafeMutablePointer<x264_nal_t>?
        var count: Int32 = 0
        let size = frame.withPlanes { y, u, v -> Int32 in
            input.img.plane.0 = y.baseAddress
            input.img.plane.1 = u.baseAddress
            input.img.plane.2 = v.baseAddress
            input.img.i_stride.0 = 320
            input.img.i_stride.1 = 160
            input.img.i_stride.2 = 160
            return x264_encoder_encode(encoder, &nals, &count, &input, &output)
        }
        #expect(size > 0)
        let types = (0..<Int(count)).map { nals![$0].i_type }
        #expect(types.contains(Int32(NAL_SPS.rawValue)) && types.contains(Int32(NAL_PPS.rawValue)) && types.contains(Int32(NAL_SLICE_IDR.rawValue)))
        #expect(cx264_build() >= 148)
    }

    @Test func speexCancellerRemovesAPlainEcho() {
        let frame = 160
        let state = speex_echo_state_init(Int32(frame), 1024)!
        defer { speex_echo_state_destroy(state) }
        var rate: Int32 = 8000
        speex_echo_ctl(state, SPEEX_ECHO_SET_SAMPLING_RATE, &rate)
        var seed: UInt32 = 7
        var reference = [Int16](repeating: 0, count: frame), microphone = reference, output = reference
        var before = 0.0, after = 0.0
        for block in 0..<250 {  // 5 s
            for index in 0..<frame {
                seed = seed &* 1_664_525 &+ 1_013_904_223
                reference[index] = Int16(truncatingIfNeeded: Int32(bitPattern: seed) >> 19)
                microphone[index] = reference[index] / 2  // the speaker heard at half amplitude
            }
            speex_echo_cancellation(state, microphone, reference, &output)
            if block >= 200 {  // the last second, after adaptation
                before += microphone.reduce(0) { $0 + Double($1) * Double($1) }
                after += output.reduce(0) { $0 + Double($1) * Double($1) }
            }
        }
        #expect(after < before / 100, "more than 20 dB of echo removed")
    }
}
