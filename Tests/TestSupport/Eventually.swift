import Foundation

/// Waits until `condition` holds, polling every 50 ms, at most `timeout` seconds; for tests that
/// watch another process (a daemon's log, a peer's state) from a thread of their own.
public func eventually(timeout: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: 0.05)
    }
    return try condition()
}
