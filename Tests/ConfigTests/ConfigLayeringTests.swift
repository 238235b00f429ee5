@testable import Config
import Testing

/// The board profile is read first and the user's file overrides it, key by key.
@Suite struct ConfigLayeringTests {
    let board = ConfigSource(path: "board/sim.conf", text: """
        [board]
        profile=sim
        backend=sim
        [button_1]
        label=Call button
        debounce_ms=30
        [sound]
        el_thres=0.1
        """)
    let user = ConfigSource(path: "user.conf", text: """
        [button_1]
        label=Apartment 1
        targets=sip:apt1@pbx
        [sound]
        el_thres=0.05
        """)

    @Test func userOverridesBoardKeyByKey() throws {
        let settings = try #require(ConfigLoader.load([board, user]).settings)
        #expect(settings.board.backend == .sim, "kept from the board")
        #expect(settings.button(1)?.label == "Apartment 1", "overridden by the user")
        #expect(settings.button(1)?.debounce == 30, "kept from the board")
        #expect(settings.sound.echoLimiterThreshold == 0.05)
        #expect(settings.files == ["board/sim.conf", "user.conf"])
    }

    @Test func originsNameTheFileAndLine() throws {
        let settings = try #require(ConfigLoader.load([board, user]).settings)
        #expect(settings.effectiveValue(section: "sound", key: "el_thres")?.origin == .file("user.conf", line: 5))
        #expect(settings.effectiveValue(section: "button_1", key: "debounce_ms")?.origin == .file("board/sim.conf", line: 6))
        #expect(settings.effectiveValue(section: "sound", key: "el_force")?.origin == .defaultValue)
    }

    @Test func describeEffectiveIsAValidFileWithOrigins() throws {
        let settings = try #require(ConfigLoader.load([board, user]).settings)
        let text = settings.describeEffective()
        #expect(text.contains("# user.conf:5\nel_thres=0.05\n"))
        #expect(text.contains("# default\nel_force=25\n"))
        let reread = ConfigLoader.load([ConfigSource(path: "effective.conf", text: text)])
        #expect(reread.errors.isEmpty, "check-config output reads back: \(reread.errors)")
        #expect(reread.settings?.sound == settings.sound)
        #expect(reread.settings?.buttons == settings.buttons)
    }

    @Test func errorsInBothFilesAreAllReported() {
        let badBoard = ConfigSource(path: "b.conf", text: "[board]\nbackend=sim\n[sound]\nagc=yes\n")
        let badUser = ConfigSource(path: "u.conf", text: "[sound]\nng_thres=2\n")
        let result = ConfigLoader.load([badBoard, badUser])
        #expect(result.errors.map(\.description) == [
            "b.conf:4: [sound] agc: expected 0 or 1, got \"yes\" (linphone reads \"yes\" as 0)",
            "u.conf:2: [sound] ng_thres: expected a number in 0.0…1.0, got 2",
        ])
        #expect(result.settings == nil)
    }
}
