/// An SRTP crypto-suite name as it appears in `a=crypto` (RFC 4568 §6.2). Unknown names are
/// kept; only suites with known key and salt lengths can be negotiated.
public struct SRTPCryptoSuite: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// AES-128 counter mode, 80-bit HMAC-SHA1 tag (RFC 4568 §6.2.1): the one every SDES peer has.
    public static let aesCM128HMACSHA1_80 = SRTPCryptoSuite("AES_CM_128_HMAC_SHA1_80")
    /// AES-128 counter mode, 32-bit tag on SRTP, 80-bit on SRTCP (RFC 4568 §6.2.2).
    public static let aesCM128HMACSHA1_32 = SRTPCryptoSuite("AES_CM_128_HMAC_SHA1_32")
    /// AES-128 GCM, 16-byte tag (RFC 7714 §14.2).
    public static let aeadAES128GCM = SRTPCryptoSuite("AEAD_AES_128_GCM")
    /// AES-256 counter mode, 80-bit tag (RFC 6188 §7.1).
    public static let aes256CMHMACSHA1_80 = SRTPCryptoSuite("AES_256_CM_HMAC_SHA1_80")
    /// AES-256 counter mode, 32-bit tag (RFC 6188 §7.1).
    public static let aes256CMHMACSHA1_32 = SRTPCryptoSuite("AES_256_CM_HMAC_SHA1_32")
    /// AES-256 GCM, 16-byte tag (RFC 7714 §14.2).
    public static let aeadAES256GCM = SRTPCryptoSuite("AEAD_AES_256_GCM")

    public static let known: [SRTPCryptoSuite] = [
        .aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32, .aeadAES128GCM, .aes256CMHMACSHA1_80, .aes256CMHMACSHA1_32, .aeadAES256GCM,
    ]

    public var description: String { rawValue }

    /// Master key length in bytes, nil for an unknown suite.
    public var keyLength: Int? {
        switch self {
        case .aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32, .aeadAES128GCM: 16
        case .aes256CMHMACSHA1_80, .aes256CMHMACSHA1_32, .aeadAES256GCM: 32
        default: nil
        }
    }

    /// Master salt length in bytes: 112 bits for counter mode (RFC 3711 §8.2), 96 bits for GCM
    /// (RFC 7714 §8.2); nil for an unknown suite.
    public var saltLength: Int? {
        switch self {
        case .aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32, .aes256CMHMACSHA1_80, .aes256CMHMACSHA1_32: 14
        case .aeadAES128GCM, .aeadAES256GCM: 12
        default: nil
        }
    }

    /// Bytes of key ‖ salt in `inline:`: 30 for AES_CM_128, 28 for AEAD_AES_128_GCM.
    public var keyMaterialLength: Int? {
        guard let keyLength, let saltLength else { return nil }
        return keyLength + saltLength
    }
}
