import DoorStation
import Testing

@Suite struct EventHistoryTests {
    @Test func keepsTheNewestEventsAndCountsAll() {
        var history = EventHistory(capacity: 3)
        for index in 0..<5 { history.append(StationEvent(.buttonPressed, time: Int64(index), details: [("button", "\(index)")])) }
        #expect(history.events.map { $0.detail("button") } == ["2", "3", "4"])
        #expect(history.total == 5)
        #expect(history.count(of: .buttonPressed) == 3)
    }
}
