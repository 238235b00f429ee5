import Config
import Logging
import NIOCore
import Network
import ServiceLifecycle
import UnixSignals

/// Runs the station until shutdown, then switches its outputs off.
struct StationService: Service {
    let station: Station

    func run() async throws {
        async let running: Void = station.run()
        try? await gracefulShutdown()
        await station.shutdown()
        await running
    }
}

/// Hands the user agent's call updates and registration changes to the station until the user agent stops (it is listed
/// before `SIPService`, so it is stopped after it and sees every call's end).
struct CallEventsService: Service {
    let station: Station
    let userAgent: SIPUserAgent

    func run() async throws {
        await station.attach(userAgent)
        async let registrations: Void = station.followRegistrations(userAgent.registrationChanges)
        await station.followCalls(userAgent.callEvents)
        await registrations
        // The stream ends when the user agent stops; this service ends with the group.
        try? await gracefulShutdown()
    }
}

/// Serves `doorstationd ctl` until shutdown.
struct ControlService: Service {
    let server: ControlServer

    func run() async throws {
        try? await gracefulShutdown()
        await server.close()
    }
}

/// Tells systemd the daemon is ready, keeps its watchdog fed while the signalling event loop
/// answers, and says when the daemon stops.
struct NotifyService: Service {
    let notifier: SystemdNotifier
    let watchdogInterval: Duration?
    let eventLoop: any EventLoop
    let logger: Logger

    func run() async throws {
        notifier.notify("READY=1\nSTATUS=Waiting for button presses")
        logger.debug("notified systemd: READY=1")
        if let interval = watchdogInterval {
            await withGracefulShutdownHandler {
                while !Task.isCancelled && !Task.isShuttingDownGracefully {
                    if await eventLoopAnswers(within: interval) {
                        notifier.notify("WATCHDOG=1")
                    } else {
                        logger.error("signalling event loop did not answer; not feeding the watchdog")
                    }
                    try? await Task.sleep(for: interval)
                }
            } onGracefulShutdown: {}
        } else {
            try? await gracefulShutdown()
        }
        notifier.notify("STOPPING=1")
    }

    /// Whether a task scheduled on the event loop runs within `limit`.
    private func eventLoopAnswers(within limit: Duration) async -> Bool {
        let answered = eventLoop.submit { true }
        let timeout = eventLoop.scheduleTask(in: TimeAmount(limit)) { false }
        let first = eventLoop.makePromise(of: Bool.self)
        answered.cascade(to: first)
        timeout.futureResult.cascade(to: first)
        let result = (try? await first.futureResult.get()) ?? false
        timeout.cancel()
        return result
    }
}

/// Reloads the configuration on SIGHUP. The signal is trapped before the control socket opens
/// (`hangups`), so a reload asked for as soon as the daemon looks ready is queued, not lost,
/// and cannot kill it.
struct ReloadService: Service {
    let reloader: Reloader
    let hangups: UnixSignalsSequence

    func run() async throws {
        for await _ in hangups.cancelOnGracefulShutdown() {
            _ = await reloader.reload()
        }
    }
}

/// Presses simulated buttons at the times `[board] sim_presses` gives, counted from start-up.
struct ScriptedPressService: Service {
    let presses: [BoardSettings.ScriptedPress]
    let station: Station
    let logger: Logger

    func run() async throws {
        let start = ContinuousClock.now
        await withGracefulShutdownHandler {
            for press in presses.sorted(by: { $0.at < $1.at }) {
                do {
                    try await Task.sleep(until: start + .milliseconds(Int(press.at * 1000)), clock: .continuous)
                } catch {
                    return
                }
                logger.info("scripted press", metadata: ["button": "\(press.button)", "at_s": "\(press.at)"])
                do throws(ControlError) {
                    try await station.press(button: press.button, holdMilliseconds: 150)
                } catch {
                    logger.error("scripted press failed: \(error)")
                }
            }
        } onGracefulShutdown: {}
        try? await gracefulShutdown()
    }
}

/// Runs the SIP user agent: registers every account, answers OPTIONS, and on shutdown
/// un-REGISTERs (bounded) before the transports close.
struct SIPService: Service {
    let userAgent: SIPUserAgent
    let transport: SIPTransportLayer
    let logger: Logger

    func run() async throws {
        async let running: Void = userAgent.run()
        try? await gracefulShutdown()
        await userAgent.stop()
        // Closing the transports ends the user agent's receive loop, and with it `run()`.
        await transport.shutdown()
        await running
    }
}
