import CALSA
import CSRTP
import CSpeexDSP
import CX264
import Testing
import Video

/// The six C libraries are found through pkg-config, link, and do their job for real.
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

    @Test func srtpProtectsAndUnprotectsAnRTPPacket() throws {
        #expect(srtp_init() == srtp_err_status_ok)
        var key = [UInt8](repeating: 0, count: 30)
        for index in key.indices { key[index] = UInt8(index * 7 & 0xFF) }
        func session(_ direction: srtp_ssrc_type_t) -> srtp_t? {
            var policy = srtp_policy_t()
            srtp_crypto_policy_set_rtp_default(&policy.rtp)  // = AES_CM_128_HMAC_SHA1_80 (the named setter is a macro)
            srtp_crypto_policy_set_rtcp_default(&policy.rtcp)
            policy.ssrc.type = direction
            policy.window_size = 128
            var created: srtp_t?
            let status = key.withUnsafeMutableBufferPointer { buffer -> srtp_err_status_t in
                policy.key = buffer.baseAddress
                return srtp_create(&created, &policy)
            }
            return status == srtp_err_status_ok ? created : nil
        }
        let sender = try #require(session(ssrc_any_outbound))
        let receiver = try #require(session(ssrc_any_inbound))
        defer { srtp_dealloc(sender); srtp_dealloc(receiver) }

        // RTP header: V=2, PT 0, sequence 1, timestamp 160, SSRC 0x01020304, then 160 bytes of µ-law.
        var packet: [UInt8] = [0x80, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0xA0, 0x01, 0x02, 0x03, 0x04] + [UInt8](repeating: 0xD5, count: 160)
        let original = packet
        packet += [UInt8](repeating: 0, count: 16)  // room for the authentication tag
        var length: Int32 = 172
        #expect(packet.withUnsafeMutableBytes { srtp_protect(sender, $0.baseAddress, &length) } == srtp_err_status_ok)
        #expect(length == 182, "10-byte HMAC-SHA1-80 tag")
        #expect(Array(packet[12..<172]) != Array(original[12...]), "payload is encrypted")
        #expect(packet.withUnsafeMutableBytes { srtp_unprotect(receiver, $0.baseAddress, &length) } == srtp_err_status_ok)
        #expect(Array(packet[0..<Int(length)]) == original)
        // A replay of the same packet is refused.
        var replay = packet
        var protectedAgain = Int32(172)
        replay.replaceSubrange(0..<172, with: original)
        #expect(replay.withUnsafeMutableBytes { srtp_protect(sender, $0.baseAddress, &protectedAgain) } == srtp_err_status_replay_fail)
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
