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
}
