@testable import Config
import Testing

@Suite struct ConfigReloadTests {
    static let base = """
        [board]
        backend=sim
        [sip]
        sip_port=5060
        [sound]
        el_thres=0.1
        ec_tail_len=250
        capture_dev_id=default
        [button_1]
        label=Old label
        debounce_ms=30
        [relay_1]
        pulse_ms=3000
        dtmf_code=1234
        [door]
        control_socket=/run/a.sock
        """

    func load(_ text: String) throws -> Settings {
        try #require(Fixtures.text(text).settings)
    }

    @Test func changesCarryTheirReloadPolicy() throws {
        let old = try load(Self.base)
        let new = try load(Self.base
            .replacingOccurrences(of: "el_thres=0.1", with: "el_thres=0.05")
            .replacingOccurrences(of: "ec_tail_len=250", with: "ec_tail_len=200")
            .replacingOccurrences(of: "sip_port=5060", with: "sip_port=5070")
            .replacingOccurrences(of: "Old label", with: "New label"))
        let changes = Dictionary(uniqueKeysWithValues: old.changes(to: new).map { ("\($0.section) \($0.key)", $0) })
        #expect(changes.count == 4)
        #expect(changes["sound el_thres"]?.reload == .live)
        #expect(changes["sound el_thres"]?.description == "[sound] el_thres: 0.1 → 0.05")
        #expect(changes["sound ec_tail_len"]?.reload == .nextCall)
        #expect(changes["sip sip_port"]?.reload == .restart)
        #expect(changes["button_1 label"]?.reload == .live)
    }

    @Test func applyingKeepsRestartValuesAndTakesTheRest() throws {
        let old = try load(Self.base)
        let new = try load(Self.base
            .replacingOccurrences(of: "el_thres=0.1", with: "el_thres=0.05")
            .replacingOccurrences(of: "sip_port=5060", with: "sip_port=5070")
            .replacingOccurrences(of: "capture_dev_id=default", with: "capture_dev_id=hw:1")
            .replacingOccurrences(of: "control_socket=/run/a.sock", with: "control_socket=/run/b.sock")
            .replacingOccurrences(of: "pulse_ms=3000", with: "pulse_ms=1000"))
        let running = old.applyingReloadable(from: new)
        #expect(running.sound.echoLimiterThreshold == 0.05)
        #expect(running.relay(1)?.pulse == 1000)
        #expect(running.sip.udpPort == 5060, "a port change waits for a restart")
        #expect(running.sound.captureDevice == "default", "a device change waits for a restart")
        #expect(running.door.controlSocket == "/run/a.sock")
        #expect(running.effectiveValue(section: "sip", key: "sip_port")?.value == "5060")
        #expect(running.effectiveValue(section: "sound", key: "el_thres")?.value == "0.05")
    }

    @Test func newSectionsNeedARestart() throws {
        let old = try load(Self.base)
        let new = try load(Self.base + "\n[button_2]\ntargets=sip:b@c\n")
        let changes = old.changes(to: new)
        #expect(!changes.isEmpty && changes.allSatisfy { $0.section == "button_2" && $0.reload == .restart })
        #expect(old.applyingReloadable(from: new).buttons.count == 1)
    }

    @Test func secretChangesAreSeenButNeverShown() throws {
        let old = try load(Self.base)
        let new = try load(Self.base.replacingOccurrences(of: "dtmf_code=1234", with: "dtmf_code=9876"))
        let changes = old.changes(to: new)
        #expect(changes.map(\.description) == ["[relay_1] dtmf_code: ******** → ********"])
        #expect(!changes.description.contains("9876") && !changes.description.contains("1234"))
    }
}
