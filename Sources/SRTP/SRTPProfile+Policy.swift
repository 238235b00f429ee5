import CSRTP

extension SRTPProfile {
    /// Bytes of SRTP authentication tag: what `SRTPContext.protectRTP` adds to an RTP packet.
    public var rtpTagLength: Int {
        switch self {
        case .aesCM128HMACSHA1_80, .aes256CMHMACSHA1_80: 10
        case .aesCM128HMACSHA1_32, .aes256CMHMACSHA1_32: 4
        case .aeadAES128GCM, .aeadAES256GCM: 16
        }
    }

    /// Bytes of SRTCP authentication tag. The `_32` suites shorten only the SRTP tag, where it saves
    /// bandwidth on every media packet; SRTCP keeps 80 bits (RFC 4568 §6.2, RFC 6188).
    public var rtcpTagLength: Int {
        switch self {
        case .aesCM128HMACSHA1_80, .aes256CMHMACSHA1_80, .aesCM128HMACSHA1_32, .aes256CMHMACSHA1_32: 10
        case .aeadAES128GCM, .aeadAES256GCM: 16
        }
    }

    /// What `SRTPContext.protectRTCP` adds to an RTCP packet: the E flag ‖ 31-bit SRTCP index (RFC 3711 §3.4), then the tag.
    public var rtcpTrailerLength: Int { 4 + rtcpTagLength }

    /// Whether the linked libsrtp runs this profile. The AEAD suites need libsrtp built with OpenSSL or NSS
    /// (Debian 12's libsrtp2 links NSS); without one, `srtp_create` refuses them.
    public var isSupported: Bool { Self.supportedProfiles.contains(self) }

    /// The profiles the linked libsrtp runs, in declaration order; probed once per process
    /// by creating (and freeing) a session for each with a zero key.
    public static let supportedProfiles: [SRTPProfile] = allCases.filter { profile in
        let zeroKey = [UInt8](repeating: 0, count: profile.keyMaterialLength)
        do {
            _ = try SRTPSession(profile: profile, direction: .outbound, replayWindowSize: 64, keyMaterial: zeroKey)
            return true
        } catch {
            return false
        }
    }

    /// Fills libsrtp's crypto policies for SRTP and SRTCP.
    func setCryptoPolicies(rtp: inout srtp_crypto_policy_t, rtcp: inout srtp_crypto_policy_t) {
        switch self {
        case .aesCM128HMACSHA1_80:
            csrtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&rtp)
            csrtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&rtcp)
        case .aesCM128HMACSHA1_32:
            srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&rtp)
            csrtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&rtcp)
        case .aes256CMHMACSHA1_80:
            srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&rtp)
            srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&rtcp)
        case .aes256CMHMACSHA1_32:
            srtp_crypto_policy_set_aes_cm_256_hmac_sha1_32(&rtp)
            srtp_crypto_policy_set_aes_cm_256_hmac_sha1_80(&rtcp)
        case .aeadAES128GCM:
            // RFC 7714: a 16-octet tag for SRTP and SRTCP alike.
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&rtp)
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&rtcp)
        case .aeadAES256GCM:
            srtp_crypto_policy_set_aes_gcm_256_16_auth(&rtp)
            srtp_crypto_policy_set_aes_gcm_256_16_auth(&rtcp)
        }
    }
}
