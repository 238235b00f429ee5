@testable import Devices
import Synchronization
import Testing

@Suite struct SimulatedLineTests {
    @Test func pressesBecomeEdgesOnlyOnChange() async {
        let line = SimulatedInputLine(name: "button_1", clock: ManualClock())
        line.press()
        line.press()  // already pressed: no edge
        line.release()
        line.close()
        var kinds: [LineEdge.Kind] = []
        for await edge in line.edges { kinds.append(edge.kind) }
        #expect(kinds == [.pressed, .released])
    }

    @Test func outputsReportChanges() throws {
        let seen = Mutex<[String]>([])
        let relay = SimulatedOutputLine(name: "relay_1") { name, active in seen.withLock { $0.append("\(name)=\(active)") } }
        try relay.set(true)
        try relay.set(true)
        try relay.set(false)
        #expect(seen.withLock { $0 } == ["relay_1=true", "relay_1=false"])
        #expect(!relay.isActive)
    }
}
