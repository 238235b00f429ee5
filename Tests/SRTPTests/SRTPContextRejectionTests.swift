import SRTP
import Testing

/// Inbound packets that must be rejected, and counted, without crashing.
@Suite struct SRTPContextRejectionTests {
    /// Byte offsets to flip in a protected 172-byte RTP packet: header (marker/payload type, timestamp, SSRC),
    /// payload (first, last) and tag (last byte of the packet).
    @Test(arguments: SRTPProfile.supportedProfiles, [1, 5, 11, 12, 171, -1])
    func aTamperedRTPPacketFailsAuthentication(profile: SRTPProfile, offset: Int) throws {
        let (doorStation, peer) = try callPair(profile)
        var packet = PacketBuffer(try doorStation.protectedRTP(rtpPacket(sequenceNumber: 3)))
        packet.storage[offset >= 0 ? offset : packet.length + offset] ^= 0x01
        #expect(throws: SRTPError.authenticationFailed) { try peer.unprotectRTP(&packet) }
        #expect(peer.statistics == SRTPStatistics(authenticationFailures: 1))
    }

    /// Offsets in a protected 32-byte receiver report: header, sender SSRC, report, E flag ‖ index or tag, last byte.
    @Test(arguments: SRTPProfile.supportedProfiles, [1, 4, 8, 31, 32, -1])
    func aTamperedRTCPPacketFailsAuthentication(profile: SRTPProfile, offset: Int) throws {
        let (doorStation, peer) = try callPair(profile)
        var packet = PacketBuffer(try doorStation.protectedRTCP(rtcpPacket()))
        packet.storage[offset >= 0 ? offset : packet.length + offset] ^= 0x01
        #expect(throws: SRTPError.authenticationFailed) { try peer.unprotectRTCP(&packet) }
    }

    @Test(arguments: SRTPProfile.supportedProfiles)
    func aPacketUnderAnotherKeyFailsAuthentication(profile: SRTPProfile) throws {
        let (doorStation, _) = try callPair(profile)
        let stranger = try SRTPContext(
            profile: profile, localKeyMaterial: testKey(profile.keyMaterialLength, seed: 9),
            remoteKeyMaterial: testKey(profile.keyMaterialLength, seed: 10))
        var packet = PacketBuffer(try doorStation.protectedRTP(rtpPacket(sequenceNumber: 1)))
        #expect(throws: SRTPError.authenticationFailed) { try stranger.unprotectRTP(&packet) }
        packet = PacketBuffer(try doorStation.protectedRTCP(rtcpPacket()))
        #expect(throws: SRTPError.authenticationFailed) { try stranger.unprotectRTCP(&packet) }
        #expect(stranger.statistics == SRTPStatistics(authenticationFailures: 2))
    }

    /// Cut before the end of header plus trailer: refused before libsrtp sees it.
    @Test(arguments: SRTPProfile.supportedProfiles)
    func packetsShorterThanHeaderAndTrailerAreTooShort(profile: SRTPProfile) throws {
        let (doorStation, peer) = try callPair(profile)
        let srtp = try doorStation.protectedRTP(rtpPacket(sequenceNumber: 1))
        let srtcp = try doorStation.protectedRTCP(rtcpPacket())
        let rtpMinimum = 12 + profile.rtpTagLength
        let rtcpMinimum = 8 + profile.rtcpTrailerLength
        for length in [0, 1, 11, 12, rtpMinimum - 1] {
            var packet = PacketBuffer(Array(srtp[..<length]))
            #expect(throws: SRTPError.packetTooShort(length: length, minimum: rtpMinimum)) { try peer.unprotectRTP(&packet) }
        }
        for length in [0, 4, 8, rtcpMinimum - 1] {
            var packet = PacketBuffer(Array(srtcp[..<length]))
            #expect(throws: SRTPError.packetTooShort(length: length, minimum: rtcpMinimum)) { try peer.unprotectRTCP(&packet) }
        }
        #expect(peer.statistics == SRTPStatistics(otherFailures: 9))
        var plain = PacketBuffer(Array(repeating: 0x80, count: 11))
        #expect(throws: SRTPError.packetTooShort(length: 11, minimum: 12)) { try doorStation.protectRTP(&plain) }
    }

    /// Long enough to pass the length check but cut: the tag is taken from the wrong bytes.
    @Test(arguments: SRTPProfile.supportedProfiles)
    func aTruncatedPacketFailsAuthentication(profile: SRTPProfile) throws {
        let (doorStation, peer) = try callPair(profile)
        let srtp = try doorStation.protectedRTP(rtpPacket(sequenceNumber: 1))
        var packet = PacketBuffer(Array(srtp.dropLast()))
        #expect(throws: SRTPError.authenticationFailed) { try peer.unprotectRTP(&packet) }
        packet = PacketBuffer(Array(srtp[..<(12 + profile.rtpTagLength)]))
        #expect(throws: SRTPError.authenticationFailed) { try peer.unprotectRTP(&packet) }
    }

    /// Random bytes, and random bytes behind plausible headers (CSRC counts, extension lengths that overrun):
    /// every one is rejected, and counted once; genuine packets still pass afterwards.
    @Test(arguments: SRTPProfile.supportedProfiles)
    func garbageIsRejectedWithoutCrashing(profile: SRTPProfile) throws {
        let (doorStation, peer) = try callPair(profile)
        var random = TestRandom(state: 0x5EED_0000_0000_0001 &+ UInt64(profile.keyMaterialLength))
        let rounds = 500
        for round in 0..<rounds {
            var bytes = (0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            if round % 2 == 0, bytes.count >= 2 {
                bytes[0] = 0x80 | (bytes[0] & 0x1F)  // version 2, random X bit and CSRC count
                bytes[1] = round % 4 == 0 ? 200 : bytes[1]
            }
            var packet = PacketBuffer(bytes)
            #expect(throws: SRTPError.self) { try peer.unprotectRTP(&packet) }
            packet = PacketBuffer(bytes)
            #expect(throws: SRTPError.self) { try peer.unprotectRTCP(&packet) }
        }
        let statistics = peer.statistics
        #expect(statistics.authenticationFailures + statistics.replays + statistics.otherFailures == 2 * rounds)
        #expect(statistics.authenticationFailures > 0 && statistics.otherFailures > 0)
        var packet = PacketBuffer(try doorStation.protectedRTP(rtpPacket(sequenceNumber: 2)))
        try peer.unprotectRTP(&packet)
        #expect(packet.bytes == rtpPacket(sequenceNumber: 2))
    }
}
