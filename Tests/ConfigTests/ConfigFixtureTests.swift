@testable import Config
import Foundation
import Testing

/// Each fixture file is loaded alone; every diagnostic it produces, word for word, is in the
/// `.expected` file beside it, so a changed or lost message fails the test.
@Suite struct ConfigFixtureTests {
    @Test(arguments: ["good-full.conf", "bad-values.conf", "bad-syntax.conf", "unknown-keys.conf", "bad-accounts.conf", "bad-wiring.conf"])
    func diagnosticsMatchExpectedFile(_ name: String) throws {
        let result = Fixtures.load(name)
        let actual = result.diagnostics.map(\.description).joined(separator: "\n")
        let expectedURL = Fixtures.expectedURL(name)
        if ProcessInfo.processInfo.environment["RECORD_FIXTURES"] == "1" {
            try (actual.isEmpty ? "" : actual + "\n").write(to: expectedURL, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        #expect(actual.split(separator: "\n") == expected.split(separator: "\n"))
        #expect((result.settings == nil) == !result.errors.isEmpty, "settings are withheld exactly when there are errors")
    }

    @Test func goodFileHasTypedValues() throws {
        let settings = try #require(Fixtures.load("good-full.conf").settings)
        #expect(settings.sip.udpPort == 5062)
        #expect(settings.sip.tlsPort == 0)
        #expect(settings.sip.mediaEncryption == .srtp)
        #expect(settings.accounts.count == 1)
        #expect(settings.accounts[0].identity == "\"Front door\" <sip:door@pbx.example.org>")
        #expect(settings.accounts[0].routes == ["sip:edge1.example.org;lr", "sip:edge2.example.org;lr"])
        #expect(settings.authInfos[0].password == "s3cret word")
        #expect(settings.sound.echoLimiterType == .full)
        #expect(settings.sound.echoLimiterThreshold == 0.05)
        #expect(settings.sound.micGainDB == -3.5)
        #expect(settings.sound.noiseGateFloorGain == 0.001)
        #expect(settings.sound.effectiveNoiseGateFloorGain == 0.005, "linphone raises the floor to 0.005")
        #expect(settings.rtp.audioPorts == .single(7078))
        #expect(settings.rtp.videoPorts == .range(9078...9178))
        #expect(settings.rtp.audioDSCP == 46)
        #expect(settings.video.size == VideoSize(width: 1280, height: 720, name: "720p"))
        #expect(settings.video.framerate == 12.5)
        #expect(settings.video.effectiveBitrate == 1200)
        #expect(settings.video.x264Preset == .veryfast && settings.video.profile == .main)
        #expect(settings.video.keyframeInterval == 4 && !settings.video.earlyVideo && settings.video.display)
        #expect(settings.net.mtu == 1200 && settings.net.uploadBandwidth == 2000)
        #expect(settings.net.maxRTPPayload == 1108)
        #expect(settings.board.simulatedAudioSource == .tone(frequency: 440))
        #expect(settings.board.simulatedPresses == [.init(button: 1, at: 0.5), .init(button: 2, at: 3)])
        #expect(settings.buttons.map(\.index) == [1, 2])
        #expect(settings.button(1)?.callMode == .sequential)
        #expect(settings.button(1)?.targets.count == 2)
        #expect(settings.button(1)?.wiring.activeLow == true, "buttons are active low unless told otherwise")
        #expect(settings.relay(1)?.dtmfCode == "1234#")
        #expect(settings.leds.first?.role == .call)
        #expect(settings.door.logLevel == .debug)
    }

    @Test func defaultsAreLinphones() throws {
        let settings = try #require(Fixtures.text("[board]\nbackend=sim\n").settings)
        #expect(settings.sip.udpPort == 5060 && settings.sip.tcpPort == 5060 && settings.sip.tlsPort == -1)
        #expect(settings.sip.keepAlivePeriod == 30000)
        #expect(settings.sound.echoCancellation == true)
        #expect(settings.sound.echoTailLength == 0, "0 means speex's own 250 ms, as in linphone")
        #expect(settings.sound.echoLimiter == false)
        #expect(settings.sound.echoLimiterThreshold == 0.1)
        #expect(settings.sound.echoLimiterForce == 25)
        #expect(settings.sound.echoLimiterSustain == 200)
        #expect(settings.sound.echoLimiterTransmitThreshold == 4)
        #expect(settings.sound.echoLimiterSpeed == 0.03)
        #expect(settings.sound.noiseGateThreshold == 0.05)
        #expect(settings.rtp.audioJitterCompensation == 60)
        #expect(settings.rtp.noRTPTimeout == 30)
        #expect(settings.rtp.audioPorts == .any)
        #expect(settings.video.size == .vga)
        #expect(settings.video.effectiveBitrate == 768, "by size: VGA")
        #expect(settings.video.x264Preset == .ultrafast && settings.video.profile == .baseline && settings.video.keyframeInterval == 10)
        #expect(settings.video.earlyVideo && !settings.video.display)
        #expect(settings.net.mtu == 1300 && settings.net.uploadBandwidth == 0)
        #expect(settings.accounts.isEmpty && settings.buttons.isEmpty)
    }
}
