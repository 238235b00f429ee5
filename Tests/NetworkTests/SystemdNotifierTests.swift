import Network
import TestSupport
import Testing

@Suite struct SystemdNotifierTests {
    @Test func sendsStatesToTheNotifySocket() throws {
        let sink = try DatagramSink()
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": sink.path]))
        #expect(notifier.notify("READY=1"))
        #expect(notifier.notify("WATCHDOG=1"))
        #expect(sink.receive(timeout: 2) == "READY=1")
        #expect(sink.receive(timeout: 2) == "WATCHDOG=1")
    }

    @Test func noSocketNoNotifier() {
        #expect(SystemdNotifier(environment: [:]) == nil)
        #expect(SystemdNotifier(environment: ["NOTIFY_SOCKET": ""]) == nil)
    }

    @Test func sendingToAMissingSocketFailsQuietly() throws {
        let notifier = try #require(SystemdNotifier(environment: ["NOTIFY_SOCKET": "/nonexistent/notify"]))
        #expect(!notifier.notify("READY=1"))
    }

    @Test(arguments: [
        (["WATCHDOG_USEC": "30000000"], Duration?.some(.seconds(15))),
        (["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "42"], .seconds(15)),
        (["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "43"], nil),
        (["WATCHDOG_USEC": "0"], nil),
        (["WATCHDOG_USEC": "abc"], nil),
        ([:], nil),
    ])
    func watchdogIntervalIsHalfTheTimeout(_ environment: [String: String], _ expected: Duration?) {
        #expect(SystemdNotifier.watchdogInterval(environment: environment, pid: 42) == expected)
    }
}
