@testable import Config
import Testing

/// Passwords, HA1 hashes and door codes never appear in effective settings or messages.
@Suite struct ConfigSecretTests {
    @Test func secretsAreMaskedInEffectiveSettings() throws {
        let text = """
            [board]
            backend=sim
            [auth_info_0]
            username=door
            passwd=TopSecretPassword
            [relay_1]
            dtmf_code=4711#
            """
        let settings = try #require(Fixtures.text(text).settings)
        let described = settings.describeEffective()
        #expect(!described.contains("TopSecretPassword") && !described.contains("4711"))
        #expect(described.contains("passwd=********"))
        #expect(settings.effective.allSatisfy { !$0.value.contains("TopSecret") })
        #expect(settings.authInfos[0].password == "TopSecretPassword", "the typed value is still there for digest auth")
    }

    @Test func badSecretsAreReportedWithoutTheirValue() {
        let result = Fixtures.text("[board]\nbackend=sim\n[relay_1]\ndtmf_code=12x4\n[auth_info_0]\nusername=a\nha1=zz-not-hex\n")
        let text = result.diagnostics.map(\.description).joined(separator: "\n")
        #expect(!text.contains("12x4") && !text.contains("zz-not-hex"))
        #expect(result.errors.count == 2)
    }
}
