import SRTP
import Testing

@Suite struct SRTPContextTests {
    /// What each profile adds: SRTP tag; SRTCP E flag ‖ index (4) and tag, 80-bit for both SHA-1 suites (RFC 4568 §6.2).
    static let overheads: [(SRTPProfile, rtp: Int, rtcp: Int)] = [
        (.aesCM128HMACSHA1_80, 10, 14), (.aesCM128HMACSHA1_32, 4, 14), (.aeadAES128GCM, 16, 20),
        (.aes256CMHMACSHA1_80, 10, 14), (.aes256CMHMACSHA1_32, 4, 14), (.aeadAES256GCM, 16, 20),
    ]

    @Test(arguments: overheads.filter { $0.0.isSupported })
    func rtpRoundTripsAndGrowsByTheTag(profile: SRTPProfile, rtp overhead: Int, rtcp _: Int) throws {
        let (doorStation, peer) = try callPair(profile)
        let plain = rtpPacket(sequenceNumber: 4711)
        var packet = PacketBuffer(plain)
        try doorStation.protectRTP(&packet)
        #expect(packet.length == plain.count + overhead)
        #expect(packet.bytes[..<12] == plain[..<12], "the RTP header stays in the clear")
        #expect(packet.bytes[12..<plain.count] != plain[12...], "the payload is encrypted")
        try peer.unprotectRTP(&packet)
        #expect(packet.bytes == plain)
    }

    @Test(arguments: overheads.filter { $0.0.isSupported })
    func rtcpRoundTripsAndGrowsByIndexAndTag(profile: SRTPProfile, rtp _: Int, rtcp overhead: Int) throws {
        let (doorStation, peer) = try callPair(profile)
        let plain = rtcpPacket()
        var packet = PacketBuffer(plain)
        try doorStation.protectRTCP(&packet)
        #expect(packet.length == plain.count + overhead)
        #expect(packet.bytes[..<8] == plain[..<8], "the RTCP header and sender SSRC stay in the clear")
        #expect(packet.bytes[8..<plain.count] != plain[8...], "the report is encrypted")
        try peer.unprotectRTCP(&packet)
        #expect(packet.bytes == plain)
    }

    @Test(arguments: SRTPProfile.supportedProfiles)
    func eachEndReadsTheOthersPacketsButNotItsOwn(profile: SRTPProfile) throws {
        let (doorStation, peer) = try callPair(profile)
        let fromDoor = rtpPacket(sequenceNumber: 1, ssrc: 0x1111_1111, payload: Array(repeating: 0x11, count: 80))
        let fromPeer = rtpPacket(sequenceNumber: 1, ssrc: 0x2222_2222, payload: Array(repeating: 0x22, count: 80))

        var packet = PacketBuffer(try doorStation.protectedRTP(fromDoor))
        let echoed = packet
        try peer.unprotectRTP(&packet)
        #expect(packet.bytes == fromDoor)

        packet = PacketBuffer(try peer.protectedRTP(fromPeer))
        try doorStation.unprotectRTP(&packet)
        #expect(packet.bytes == fromPeer)

        // A reflected packet is keyed with our outbound key, which our inbound direction does not hold.
        packet = echoed
        #expect(throws: SRTPError.authenticationFailed) { try doorStation.unprotectRTP(&packet) }
    }

    @Test(arguments: [
        (SRTPProfile.aesCM128HMACSHA1_80, 29, 30, "local key material is 29 bytes; AES_CM_128_HMAC_SHA1_80 needs 30 (a 16-byte master key and a 14-byte master salt)"),
        (.aesCM128HMACSHA1_32, 30, 46, "remote key material is 46 bytes; AES_CM_128_HMAC_SHA1_32 needs 30 (a 16-byte master key and a 14-byte master salt)"),
        (.aeadAES128GCM, 30, 28, "local key material is 30 bytes; AEAD_AES_128_GCM needs 28 (a 16-byte master key and a 12-byte master salt)"),
        (.aes256CMHMACSHA1_80, 46, 0, "remote key material is 0 bytes; AES_256_CM_HMAC_SHA1_80 needs 46 (a 32-byte master key and a 14-byte master salt)"),
        (.aeadAES256GCM, 46, 44, "local key material is 46 bytes; AEAD_AES_256_GCM needs 44 (a 32-byte master key and a 12-byte master salt)"),
    ])
    func keyLengthsAreCheckedWithoutEchoingTheKey(profile: SRTPProfile, local: Int, remote: Int, message: String) {
        let localKey = testKey(local, seed: 3)
        let remoteKey = testKey(remote, seed: 4)
        let error = #expect(throws: SRTPError.self) {
            try SRTPContext(profile: profile, localKeyMaterial: localKey, remoteKeyMaterial: remoteKey)
        }
        #expect(error == .badKey(message))
        let text = error.map { "\($0) \(String(reflecting: $0))" } ?? ""
        for key in [localKey, remoteKey] where key.count >= 4 {
            #expect(key.traces.allSatisfy { !text.contains($0) })
        }
    }

    @Test func descriptionsNeverShowKeys() throws {
        let profile = SRTPProfile.aesCM128HMACSHA1_80
        let keys = [testKey(30, seed: 5), testKey(30, seed: 6)]
        let context = try SRTPContext(profile: profile, localKeyMaterial: keys[0], remoteKeyMaterial: keys[1])
        var dumped = ""
        dump(context, to: &dumped)
        let texts = [context.description, context.debugDescription, String(reflecting: context), dumped]
        #expect(context.description == "SRTPContext(AES_CM_128_HMAC_SHA1_80, rejected: 0 authentication, 0 replayed, 0 other)")
        for text in texts {
            for key in keys {
                #expect(key.traces.allSatisfy { !text.contains($0) })
            }
        }
    }

    @Test func protectingWithoutRoomForTheTrailerThrowsAndLeavesTheBufferAlone() throws {
        let (doorStation, _) = try callPair(.aesCM128HMACSHA1_80)
        let plain = rtpPacket(sequenceNumber: 9)
        var packet = PacketBuffer(plain, spare: 143)
        #expect(throws: SRTPError.bufferTooSmall(needed: plain.count + 144, capacity: plain.count + 143)) {
            try doorStation.protectRTP(&packet)
        }
        #expect(packet.bytes == plain)
        var report = PacketBuffer(rtcpPacket(), spare: 147)
        #expect(throws: SRTPError.bufferTooSmall(needed: 32 + 148, capacity: 32 + 147)) {
            try doorStation.protectRTCP(&report)
        }
        #expect(SRTPContext.maximumTrailerLength == 148)
    }

    @Test func unsupportedOrMalformedInputIsDescribedPrecisely() {
        #expect(
            SRTPError.library(status: 21, operation: "srtp_unprotect").description
                == "srtp_unprotect failed: srtp_err_status_parse_err (21)")
        #expect(SRTPError.packetTooShort(length: 5, minimum: 22).description == "SRTP packet too short: 5 bytes, at least 22 expected")
    }
}
