/// An SRTP protection profile, named as in SDES `a=crypto` (RFC 4568 §6.2, RFC 6188, RFC 7714).
public enum SRTPProfile: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case aesCM128HMACSHA1_80 = "AES_CM_128_HMAC_SHA1_80"
    case aesCM128HMACSHA1_32 = "AES_CM_128_HMAC_SHA1_32"
    case aeadAES128GCM = "AEAD_AES_128_GCM"
    case aes256CMHMACSHA1_80 = "AES_256_CM_HMAC_SHA1_80"
    case aes256CMHMACSHA1_32 = "AES_256_CM_HMAC_SHA1_32"
    case aeadAES256GCM = "AEAD_AES_256_GCM"

    public var description: String { rawValue }

    /// Master key length in bytes.
    public var keyLength: Int {
        switch self {
        case .aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32, .aeadAES128GCM: 16
        case .aes256CMHMACSHA1_80, .aes256CMHMACSHA1_32, .aeadAES256GCM: 32
        }
    }

    /// Master salt length in bytes: 14 for counter mode (RFC 3711 §8.2), 12 for GCM (RFC 7714 §8.2).
    public var saltLength: Int {
        switch self {
        case .aeadAES128GCM, .aeadAES256GCM: 12
        default: 14
        }
    }

    /// Bytes of master key ‖ master salt, as carried by `inline:`.
    public var keyMaterialLength: Int { keyLength + saltLength }
}
