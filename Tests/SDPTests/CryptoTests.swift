import SDP
import Testing

/// `a=crypto` (RFC 4568) and the base64 it carries keys in (RFC 4648).
struct CryptoTests {
    static let key30 = "47rfwx9DFAkIewg/Ytvtu+kIfkW1lULLbV1QG3/y"
    static let key28 = "+QDNueUbp3LD0ldrCabUHVdf01tZHq3m1PeWQw=="

    struct Case: Sendable, CustomTestStringConvertible {
        var value: String
        var tag: UInt32
        var suite: String
        var lifetime: UInt64? = nil
        var mki: SRTPKeyParameters.MKI? = nil
        var usable: Bool
        var testDescription: String { value }
    }

    static let wellFormed: [Case] = [
        Case(value: "1 AES_CM_128_HMAC_SHA1_80 inline:\(key30)", tag: 1, suite: "AES_CM_128_HMAC_SHA1_80", usable: true),
        Case(value: "4 AES_CM_128_HMAC_SHA1_80 inline:\(key30)|2^31", tag: 4, suite: "AES_CM_128_HMAC_SHA1_80", lifetime: 1 << 31, usable: true),
        Case(value: "1 AES_CM_128_HMAC_SHA1_32 inline:\(key30)|2^20|1:4", tag: 1, suite: "AES_CM_128_HMAC_SHA1_32", lifetime: 1 << 20,
             mki: .init(value: 1, length: 4), usable: true),
        Case(value: "7 AES_CM_128_HMAC_SHA1_80 inline:\(key30)|1:1", tag: 7, suite: "AES_CM_128_HMAC_SHA1_80", mki: .init(value: 1, length: 1), usable: true),
        Case(value: "3 AES_CM_128_HMAC_SHA1_80 inline:\(key30)|1048576", tag: 3, suite: "AES_CM_128_HMAC_SHA1_80", lifetime: 1_048_576, usable: true),
        Case(value: "2 AEAD_AES_128_GCM inline:\(key28)", tag: 2, suite: "AEAD_AES_128_GCM", usable: true),
        // No padding: some peers leave it off.
        Case(value: "2 AEAD_AES_128_GCM inline:\(key28.dropLast(2))", tag: 2, suite: "AEAD_AES_128_GCM", usable: true),
        Case(value: "1 AES_CM_128_HMAC_SHA1_80 inline:\(key30) WSH=64", tag: 1, suite: "AES_CM_128_HMAC_SHA1_80", usable: true),
        // Parsed, but not usable: a session parameter we would have to honour, an unknown suite,
        // a key of the wrong length, two keys.
        Case(value: "1 AES_CM_128_HMAC_SHA1_80 inline:\(key30) UNENCRYPTED_SRTCP", tag: 1, suite: "AES_CM_128_HMAC_SHA1_80", usable: false),
        Case(value: "1 AEAD_AES_128_GCM_8 inline:\(key28)", tag: 1, suite: "AEAD_AES_128_GCM_8", usable: false),
        Case(value: "1 AES_CM_128_HMAC_SHA1_80 inline:\(key28)", tag: 1, suite: "AES_CM_128_HMAC_SHA1_80", usable: false),
        Case(value: "1 AEAD_AES_128_GCM inline:\(key30)", tag: 1, suite: "AEAD_AES_128_GCM", usable: false),
        Case(value: "1 AES_CM_128_HMAC_SHA1_80 inline:\(key30)|2^31|1:1;inline:\(key30)|2^31|2:1", tag: 1, suite: "AES_CM_128_HMAC_SHA1_80",
             lifetime: 1 << 31, mki: .init(value: 1, length: 1), usable: false),
    ]

    @Test(arguments: wellFormed)
    func wellFormedLinesParse(_ test: Case) throws {
        let crypto = try #require(CryptoAttribute(parsing: test.value))
        #expect(crypto.tag == test.tag)
        #expect(crypto.suite.rawValue == test.suite)
        #expect(crypto.keyParameters.first?.lifetimePackets == test.lifetime)
        #expect(crypto.keyParameters.first?.mki == test.mki)
        #expect(crypto.isUsable == test.usable)
        // What parses writes back as it came (padding aside).
        #expect(CryptoAttribute(parsing: crypto.description) == crypto)
    }

    static let malformed = [
        "x AES_CM_128_HMAC_SHA1_80 inline:\(key30)",
        "1234567890 AES_CM_128_HMAC_SHA1_80 inline:\(key30)",
        "1 AES_CM_128_HMAC_SHA1_80",
        "1 AES_CM_128_HMAC_SHA1_80 key:\(key30)",
        "1 AES_CM_128_HMAC_SHA1_80 inline:",
        "1 AES_CM_128_HMAC_SHA1_80 inline:!!!notbase64",
        "1 AES_CM_128_HMAC_SHA1_80 inline:\(key30)|2^x",
        "1 AES_CM_128_HMAC_SHA1_80 inline:\(key30)|2^64",
        "1 AES_CM_128_HMAC_SHA1_80 inline:\(key30)|1:0",
        "1 AES_CM_128_HMAC_SHA1_80 inline:\(key30)|1:129",
        "1 AES_CM_128_HMAC_SHA1_80 inline:\(key30)|1:4|2^31",
        "1 AES_CM_128_HMAC_SHA1_80 inline:\(key30)|2^31|2^31",
        "1 AES_CM_128_HMAC_SHA1_80 inline:\(key30)|a|b|c",
        "1 AES_CM_128_HMAC_SHA1_80 inline:\(key30);",
        "",
    ]

    @Test(arguments: malformed)
    func malformedLinesAreIgnored(_ value: String) {
        #expect(CryptoAttribute(parsing: value) == nil)
        // In a description, the line is simply left out: never fatal.
        let media = MediaDescription(
            media: "audio", port: 4000, proto: "RTP/SAVP", formats: ["0"],
            attributes: [SDPAttribute("crypto", value), SDPAttribute("crypto", "2 AES_CM_128_HMAC_SHA1_32 inline:\(Self.key30)")]
        )
        #expect(media.cryptos.map(\.tag) == [2])
    }

    @Test func decodedKeyMaterialSplitsIntoKeyAndSalt() throws {
        let crypto = try #require(CryptoAttribute(parsing: "1 AES_CM_128_HMAC_SHA1_80 inline:\(Self.key30)"))
        let material = try #require(crypto.keyMaterial)
        #expect(material.count == 30)
        #expect(SRTPCryptoSuite.aesCM128HMACSHA1_80.keyLength == 16)
        #expect(SRTPCryptoSuite.aesCM128HMACSHA1_80.saltLength == 14)
        #expect(SRTPCryptoSuite.aeadAES128GCM.keyMaterialLength == 28)
        #expect(SRTPCryptoSuite("AES_192_CM_HMAC_SHA1_80").keyMaterialLength == nil)
        let built = CryptoAttribute(tag: 1, suite: .aesCM128HMACSHA1_80, keyMaterial: material)
        #expect(built.attribute == SDPAttribute("crypto", "1 AES_CM_128_HMAC_SHA1_80 inline:\(Self.key30)"))
    }

    /// RFC 4648 §10 test vectors.
    static let vectors: [(plain: String, encoded: String)] = [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ]

    @Test(arguments: vectors)
    func base64Vectors(_ plain: String, encoded: String) {
        #expect(Base64.encode(Array(plain.utf8)) == encoded)
        #expect(Base64.decode(encoded) == Array(plain.utf8))
        let unpadded = String(encoded.prefix { $0 != "=" })
        #expect(Base64.decode(unpadded) == Array(plain.utf8))
    }

    @Test(arguments: ["Zg=", "Z", "Zm9v=", "Zm 9v", "Zm9v\n", "Z===", "Zg==Zg==", "Zm-_"])
    func invalidBase64IsRejected(_ text: String) {
        #expect(Base64.decode(text) == nil)
    }

    @Test func base64RoundTripsEveryLength() {
        var random = SeededGenerator(seed: 64)
        for length in 0...80 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &random) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
    }
}
