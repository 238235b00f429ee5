import SRTP
import Testing

@Suite struct SRTPProfileTests {
    @Test(arguments: [
        (SRTPProfile.aesCM128HMACSHA1_80, 30), (.aesCM128HMACSHA1_32, 30), (.aeadAES128GCM, 28),
        (.aes256CMHMACSHA1_80, 46), (.aes256CMHMACSHA1_32, 46), (.aeadAES256GCM, 44),
    ])
    func keyMaterialLengthsFollowTheRFCs(profile: SRTPProfile, length: Int) {
        #expect(profile.keyMaterialLength == length)
        #expect(SRTPProfile(rawValue: profile.description) == profile)
    }

    @Test(arguments: [
        (SRTPProfile.aesCM128HMACSHA1_80, 10, 10), (.aesCM128HMACSHA1_32, 4, 10), (.aeadAES128GCM, 16, 16),
        (.aes256CMHMACSHA1_80, 10, 10), (.aes256CMHMACSHA1_32, 4, 10), (.aeadAES256GCM, 16, 16),
    ])
    func tagLengthsFollowTheRFCs(profile: SRTPProfile, rtpTag: Int, rtcpTag: Int) {
        #expect(profile.rtpTagLength == rtpTag)
        #expect(profile.rtcpTagLength == rtcpTag)
        #expect(profile.rtcpTrailerLength == rtcpTag + 4)
    }

    /// Debian 12's libsrtp2 2.5.0 links NSS, so the AEAD suites run too; a libsrtp built without
    /// OpenSSL or NSS would offer only the four counter-mode suites.
    @Test func debiansLibsrtpRunsEveryProfile() {
        #expect(SRTPProfile.supportedProfiles == SRTPProfile.allCases)
        #expect(SRTPProfile.allCases.allSatisfy { $0.isSupported })
    }
}
