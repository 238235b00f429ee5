import SRTP
import Testing

/// libsrtp's reference packets, through `SRTPContext`: the wrapper keys, orders and sizes the policies as libsrtp's own checks do.
@Suite struct SRTPKnownAnswerTests {
    /// A context that protects and unprotects with the vector's key in both directions.
    private func context(_ vector: KnownAnswerVector) throws -> SRTPContext {
        try SRTPContext(profile: vector.profile, localKeyMaterial: vector.keyMaterial, remoteKeyMaterial: vector.keyMaterial)
    }

    @Test(arguments: KnownAnswerVector.all)
    func protectingRTPGivesTheReferencePacket(vector: KnownAnswerVector) throws {
        #expect(try context(vector).protectedRTP(vector.rtp).hex == vector.srtp.hex)
    }

    @Test(arguments: KnownAnswerVector.all)
    func unprotectingTheReferencePacketGivesRTP(vector: KnownAnswerVector) throws {
        var packet = PacketBuffer(vector.srtp)
        try context(vector).unprotectRTP(&packet)
        #expect(packet.bytes == vector.rtp)
    }

    @Test(arguments: KnownAnswerVector.all.filter { $0.rtcp != nil })
    func protectingRTCPGivesTheReferencePacket(vector: KnownAnswerVector) throws {
        let rtcp = try #require(vector.rtcp)
        #expect(try context(vector).protectedRTCP(rtcp).hex == vector.srtcp?.hex)
    }

    @Test(arguments: KnownAnswerVector.all.filter { $0.srtcp != nil })
    func unprotectingTheReferencePacketGivesRTCP(vector: KnownAnswerVector) throws {
        var packet = PacketBuffer(try #require(vector.srtcp))
        try context(vector).unprotectRTCP(&packet)
        #expect(packet.bytes == vector.rtcp)
    }
}
