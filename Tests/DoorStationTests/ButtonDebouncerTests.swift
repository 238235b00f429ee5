import DoorStation
import Testing

/// Raw edges in (time in ms, pressed?), presses and releases out. Time is an input, so bounce
/// bursts and long presses are checked exactly.
@Suite struct ButtonDebouncerTests {
    enum Step {
        case edge(ms: UInt64, pressed: Bool)
        case wake(ms: UInt64)
    }

    /// Feeds the steps and returns the presses, releases and long presses, ignoring wake requests.
    func run(_ steps: [Step], debounce: Int = 30, longPress: Int = 0) -> [String] {
        var debouncer = ButtonDebouncer(debounceMilliseconds: debounce, longPressMilliseconds: longPress)
        var output: [String] = []
        for step in steps {
            let actions: [ButtonDebouncer.Action]
            switch step {
            case .edge(let ms, let pressed): actions = debouncer.edge(pressed: pressed, at: ms * 1_000_000)
            case .wake(let ms): actions = debouncer.wake(at: ms * 1_000_000)
            }
            for action in actions {
                switch action {
                case .pressed: output.append("pressed")
                case .released(let held): output.append("released after \(held / 1_000_000)")
                case .longPress: output.append("long press")
                case .wake: break
                }
            }
        }
        return output
    }

    @Test func cleanPressAndRelease() {
        #expect(run([.edge(ms: 0, pressed: true), .edge(ms: 200, pressed: false)]) == ["pressed", "released after 200"])
    }

    @Test func bounceBurstIsOnePress() {
        let burst: [Step] = [
            .edge(ms: 0, pressed: true), .edge(ms: 2, pressed: false), .edge(ms: 3, pressed: true),
            .edge(ms: 5, pressed: false), .edge(ms: 8, pressed: true), .wake(ms: 30), .edge(ms: 300, pressed: false),
        ]
        #expect(run(burst) == ["pressed", "released after 300"])
    }

    @Test func releaseHiddenInsideTheBounceWindowIsNotLost() {
        // A very short tap: the release falls inside the debounce window and is settled at the wake-up.
        #expect(run([.edge(ms: 0, pressed: true), .edge(ms: 10, pressed: false), .wake(ms: 30)]) == ["pressed", "released after 30"])
    }

    @Test func firstEdgeIsAcceptedWithoutDelay() {
        var debouncer = ButtonDebouncer(debounceMilliseconds: 30, longPressMilliseconds: 0)
        #expect(debouncer.edge(pressed: true, at: 5_000_000).first == .pressed)
    }

    @Test func twoPressesFurtherApartThanTheWindowAreTwo() {
        let steps: [Step] = [
            .edge(ms: 0, pressed: true), .edge(ms: 100, pressed: false), .edge(ms: 200, pressed: true), .edge(ms: 300, pressed: false),
        ]
        #expect(run(steps) == ["pressed", "released after 100", "pressed", "released after 100"])
    }

    @Test func longPressFiresOnceWhileHeld() {
        let steps: [Step] = [.edge(ms: 0, pressed: true), .wake(ms: 30), .wake(ms: 1999), .wake(ms: 2000), .wake(ms: 2500), .edge(ms: 3000, pressed: false)]
        #expect(run(steps, longPress: 2000) == ["pressed", "long press", "released after 3000"])
    }

    @Test func pressAsksForWakeUps() {
        var debouncer = ButtonDebouncer(debounceMilliseconds: 30, longPressMilliseconds: 2000)
        #expect(debouncer.edge(pressed: true, at: 0) == [.pressed, .wake(at: 2_000_000_000), .wake(at: 30_000_000)])
    }

    @Test func zeroDebounceAcceptsEveryChange() {
        let steps: [Step] = [.edge(ms: 0, pressed: true), .edge(ms: 1, pressed: false), .edge(ms: 2, pressed: true)]
        #expect(run(steps, debounce: 0) == ["pressed", "released after 1", "pressed"])
    }
}
