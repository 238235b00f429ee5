import SRTP
import Testing

/// Replay protection and the rollover counter (RFC 3711 §3.3.1, §3.3.2), against libsrtp.
@Suite struct SRTPContextReplayTests {
    @Test(arguments: SRTPProfile.supportedProfiles)
    func theSamePacketTwiceIsAReplay(profile: SRTPProfile) throws {
        let (doorStation, peer) = try callPair(profile)
        let srtp = try doorStation.protectedRTP(rtpPacket(sequenceNumber: 100))
        let srtcp = try doorStation.protectedRTCP(rtcpPacket())
        var packet = PacketBuffer(srtp)
        try peer.unprotectRTP(&packet)
        packet = PacketBuffer(srtp)
        #expect(throws: SRTPError.replayed) { try peer.unprotectRTP(&packet) }
        packet = PacketBuffer(srtcp)
        try peer.unprotectRTCP(&packet)
        packet = PacketBuffer(srtcp)
        #expect(throws: SRTPError.replayed) { try peer.unprotectRTCP(&packet) }
        #expect(peer.statistics.replays == 2 && peer.statistics.authenticationFailures == 0)
    }

    @Test func packetsOlderThanTheWindowAreReplaysAndLateOnesWithinItAreNot() throws {
        #expect(SRTPContext.replayWindowSize == 1024)
        let (doorStation, peer) = try callPair(.aesCM128HMACSHA1_80)
        let sent = try [1, 500, 1100, 1600].map { try doorStation.protectedRTP(rtpPacket(sequenceNumber: $0)) }
        var packet = PacketBuffer(sent[3])
        try peer.unprotectRTP(&packet)
        packet = PacketBuffer(sent[2])  // 500 behind the newest: reordered, still wanted
        try peer.unprotectRTP(&packet)
        #expect(packet.bytes == rtpPacket(sequenceNumber: 1100))
        packet = PacketBuffer(sent[1])  // 1100 behind
        #expect(throws: SRTPError.replayed) { try peer.unprotectRTP(&packet) }
        packet = PacketBuffer(sent[0])
        #expect(throws: SRTPError.replayed) { try peer.unprotectRTP(&packet) }
        #expect(peer.statistics == SRTPStatistics(replays: 2))
    }

    @Test func sendingASequenceNumberTwiceIsRefused() throws {
        // allow_repeat_tx is off: the same index under the same key would reuse keystream.
        let (doorStation, _) = try callPair(.aesCM128HMACSHA1_80)
        _ = try doorStation.protectedRTP(rtpPacket(sequenceNumber: 7))
        #expect(throws: SRTPError.replayed) { try doorStation.protectedRTP(rtpPacket(sequenceNumber: 7)) }
        #expect(doorStation.statistics == SRTPStatistics(), "outbound failures are thrown, not counted")
    }

    @Test(arguments: [SRTPProfile.aesCM128HMACSHA1_80, .aeadAES128GCM])
    func theRolloverCounterFollowsTheSequenceNumberThroughTheWrap(profile: SRTPProfile) throws {
        let (doorStation, peer) = try callPair(profile)
        let count = 70_000
        var failures = 0
        for index in 0..<count {
            let sequenceNumber = UInt16(truncatingIfNeeded: 65_000 + index)
            let plain = rtpPacket(sequenceNumber: sequenceNumber, timestamp: UInt32(index) * 160, payload: bigEndian(UInt32(index)))
            var packet = PacketBuffer(plain)
            do {
                try doorStation.protectRTP(&packet)
                try peer.unprotectRTP(&packet)
                if packet.bytes != plain { failures += 1 }
            } catch {
                failures += 1
            }
        }
        #expect(failures == 0)
        #expect(peer.statistics == SRTPStatistics())
    }

    @Test func aReceiverJoiningMidStreamFollowsItButNotOnceItHasWrapped() throws {
        let profile = SRTPProfile.aesCM128HMACSHA1_80
        let key = testKey(profile.keyMaterialLength, seed: 7)
        let other = testKey(profile.keyMaterialLength, seed: 8)
        let sender = try SRTPContext(profile: profile, localKeyMaterial: key, remoteKeyMaterial: other)
        let early = try SRTPContext(profile: profile, localKeyMaterial: other, remoteKeyMaterial: key)
        let late = try SRTPContext(profile: profile, localKeyMaterial: other, remoteKeyMaterial: key)
        // The stream starts at 60 000 and wraps to ROC 1 after 5 536 packets.
        for index in 0..<8_000 {
            let plain = rtpPacket(sequenceNumber: UInt16(truncatingIfNeeded: 60_000 + index))
            let srtp = try sender.protectedRTP(plain)
            if index >= 3_000 {  // joins at 63 000, ROC 0, and follows through the wrap
                var packet = PacketBuffer(srtp)
                try early.unprotectRTP(&packet)
                #expect(packet.bytes == plain)
            }
            if index == 7_000 {
                // Joins at sequence 1 464 with ROC 1, which it cannot know: RFC 3711 §3.3.1 leaves the ROC
                // to the receiver's own tracking, and SDES does not signal it.
                var packet = PacketBuffer(srtp)
                #expect(throws: SRTPError.authenticationFailed) { try late.unprotectRTP(&packet) }
            }
        }
        #expect(early.statistics == SRTPStatistics())
        #expect(late.statistics.authenticationFailures == 1)
    }
}

extension SRTPStatistics {
    init(authenticationFailures: Int = 0, replays: Int = 0, otherFailures: Int = 0) {
        self.init()
        self.authenticationFailures = authenticationFailures
        self.replays = replays
        self.otherFailures = otherFailures
    }
}
