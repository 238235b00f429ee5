import Foundation
import SIPMessage

/// Button edge → INVITE on the wire, press after press, against the real daemon.
///
/// For each press: t0 = CLOCK_MONOTONIC just before `press 1 HOLD` is written to the control
/// socket; t1 = when the INVITE datagram has been read from the apartment's socket. The sim
/// board's button edge is made while that request is carried out, so t1 − t0 is an upper bound
/// on edge → INVITE: it also holds the request's trip through the Unix socket and the control
/// server's dispatch (and the scheduler waking this thread for the datagram). A `ping` on the
/// same connection before each press measures that trip alone (request and answer), as a
/// baseline in the same conditions. The machine's CPU pressure is read around each press
/// (`CPUPressure`), to tell presses that competed for the CPUs with other work from those that
/// did not.
///
/// Each INVITE is answered 486 Busy Here (so the call ends at once) and its ACK awaited; the next
/// press waits until the station has recorded `call.ended` (only then does the button call again:
/// `on_repeat=ignore` while its call is up), the button has been released for longer than the
/// debounce time (a press inside the window would be taken as bounce and accepted late), and the
/// spacing below has passed.
struct PressLatencyRun {
    /// How long each press holds the button, ms: longer than an INVITE takes, so the release edge
    /// comes after the measurement, as a finger's would.
    static let holdMilliseconds = 40
    /// `[button_N] debounce_ms`'s default, kept: the debouncer takes a press's first edge at once.
    static let debounceMilliseconds = 30

    struct Result {
        /// t1 − t0 of every press, ns, in press order.
        var presses: [UInt64] = []
        /// The ping round trip before each press, ns.
        var pings: [UInt64] = []
        /// CPU pressure stall (`CPUPressure`) from just before t0 to just after t1 of each press,
        /// µs; empty without PSI.
        var stalls: [UInt64] = []
        /// The daemon's memory right after the last call, and `settleSeconds` later.
        var memoryAfter: ResidentMemory?
        var memorySettled: ResidentMemory?
        var exitStatus: Int32?
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let presses: Int
    /// How long to wait after the last call before reading the memory again: past RFC 3261
    /// Timer D (32 s over UDP), which keeps each INVITE client transaction after its 486.
    var settleSeconds = 0.0

    func run() throws -> Result {
        let apartment = try ApartmentPeer()
        let daemon = try DaemonUnderBenchmark(sections: """
            [button_1]
            label=Apartment
            targets=\(apartment.uri)
            """)
        defer { daemon.stop() }
        try daemon.waitForLog("control socket ready", timeout: 30)
        let control = try ControlConnection(path: daemon.socketPath)
        var result = Result()
        result.presses.reserveCapacity(presses)
        result.pings.reserveCapacity(presses)
        // The release edge comes `hold` after the press; the debouncer is quiet for `debounce` after each.
        let spacing = UInt64(Self.holdMilliseconds + 2 * Self.debounceMilliseconds + 10) * 1_000_000
        let pressRequest = "press 1 \(Self.holdMilliseconds)"

        for press in 1...presses {
            let ping = monotonicNanoseconds()
            try control.request("ping")
            result.pings.append(monotonicNanoseconds() - ping)

            let stalledBefore = CPUPressure.stalledMicroseconds()
            let start = monotonicNanoseconds()
            try control.write(pressRequest)
            let received = apartment.nextInvite(timeout: 3)
            if let stalledBefore, let stalledAfter = CPUPressure.stalledMicroseconds() { result.stalls.append(stalledAfter - stalledBefore) }
            guard let invite = received else {
                let ignored = daemon.log.contains("call.press_ignored")
                throw Failure(description: "press \(press): no INVITE within 3 s"
                    + (ignored ? " (the station ignored the press: it still counted an earlier call from the button as up)" : "")
                    + ":\n\(daemon.logTail())")
            }
            result.presses.append(invite.arrival - start)
            let answer = try control.readLine()
            guard answer.contains("\"ok\":true") else { throw Failure(description: "press \(press): ctl answered \(answer)") }

            apartment.respond(to: invite, 486, reason: "Busy Here")
            guard apartment.waitFor(.ack, in: invite.callID, timeout: 5) != nil else {
                throw Failure(description: "press \(press): no ACK for the 486 within 5 s:\n\(daemon.logTail())")
            }
            try waitUntilReady(after: start + spacing, call: invite.callID, control: control, press: press)
        }
        result.memoryAfter = ResidentMemory(pid: daemon.pid)
        if settleSeconds > 0 {
            Thread.sleep(forTimeInterval: settleSeconds)
            result.memorySettled = ResidentMemory(pid: daemon.pid)
        }
        result.exitStatus = daemon.stop()
        if result.exitStatus == 0 { daemon.removeFolder() }
        return result
    }

    /// Sleeps until `earliest`, then polls `ctl status` (bounded) until the station has ended
    /// the call and the button is up.
    private func waitUntilReady(after earliest: UInt64, call callID: String, control: ControlConnection, press: Int) throws {
        let now = monotonicNanoseconds()
        if earliest > now { Thread.sleep(forTimeInterval: Double(earliest - now) / 1e9) }
        let deadline = monotonicNanoseconds() + 5_000_000_000
        while true {
            let status = ControlStatus(try control.request("status"))
            if status.stationEnded(callID), !status.buttonPressed(1), status.call(callID) == nil { return }
            guard monotonicNanoseconds() < deadline else {
                throw Failure(description: "press \(press): call \(callID) not ended or button 1 still down 5 s later")
            }
            Thread.sleep(forTimeInterval: 0.002)
        }
    }
}
