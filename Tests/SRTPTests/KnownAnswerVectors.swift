import SRTP
import Testing

/// A reference SRTP/SRTCP packet pair: plain packets and what the profile makes of them with the given key,
/// for the first packet of SSRC 0xcafebabe (ROC 0, SRTCP index 1).
///
/// Source: libsrtp's test/srtp_driver.c (`srtp_validate`, `srtp_validate_aes_256`, `srtp_validate_gcm`),
/// which checks every libsrtp build against them. The RTP packet is sequence 0x1234, timestamp 0xdecafbad,
/// payload type 15, 16 bytes of 0xab; the RTCP packet a sender-report header followed by 16 bytes of 0xab.
struct KnownAnswerVector: Sendable, CustomTestStringConvertible {
    let profile: SRTPProfile
    /// Master key ‖ master salt.
    let keyMaterial: [UInt8]
    let rtp: [UInt8]
    let srtp: [UInt8]
    let rtcp: [UInt8]?
    let srtcp: [UInt8]?

    var testDescription: String { profile.description }

    static let rtpPlain = [UInt8](hex: "800f1234 decafbad cafebabe") + [UInt8](repeating: 0xAB, count: 16)
    static let rtcpPlain = [UInt8](hex: "81c8000b cafebabe") + [UInt8](repeating: 0xAB, count: 16)

    static let all: [KnownAnswerVector] = [
        KnownAnswerVector(
            profile: .aesCM128HMACSHA1_80,
            keyMaterial: [UInt8](hex: "e1f97a0d3e018be0d64fa32c06de4139 0ec675ad498afeebb6960b3aabe6"),
            rtp: rtpPlain,
            srtp: [UInt8](
                hex: "800f1234 decafbad cafebabe 4e55dc4ce79978d88ca4d215949d2402 b78d6acc99ea179b8dbb"),
            rtcp: rtcpPlain,
            // Encrypted report, E flag ‖ SRTCP index 1, tag.
            srtcp: [UInt8](
                hex: "81c8000b cafebabe 7128035be487b9bdbef89041f977a5a8 80000001 993e08cd54d6c1230798")
        ),
        KnownAnswerVector(
            profile: .aes256CMHMACSHA1_80,
            keyMaterial: [UInt8](
                hex: "f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6 3b04803de51ee7c96423ab5b78d2"),
            rtp: rtpPlain,
            srtp: [UInt8](
                hex: "800f1234 decafbad cafebabe f1d9de17ff251ff1aa007774b0b4b40d a08d9d9a5b3a55d8873b"),
            rtcp: nil,
            srtcp: nil
        ),
        KnownAnswerVector(
            profile: .aeadAES128GCM,
            keyMaterial: [UInt8](hex: "000102030405060708090a0b0c0d0e0f a0a1a2a3a4a5a6a7a8a9aaab"),
            rtp: rtpPlain,
            srtp: [UInt8](
                hex: "800f1234 decafbad cafebabe c5002ede04cfdd2eb91159e0880aa06e d2976826f796b201df3131a127e8a392"),
            rtcp: rtcpPlain,
            // RFC 7714: encrypted report, tag, then E flag ‖ SRTCP index 1.
            srtcp: [UInt8](
                hex: "81c8000b cafebabe c98b8b5df0392a55852b6c21ac8e7025 c52c6fbea2b3b446ea31123ba88ce61e 80000001")
        ),
    ]
}
