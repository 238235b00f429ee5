import DoorStation
import Foundation
import Logging
import Synchronization

/// Runs `[door] event_hook` for station events: at most four at once (more are dropped and
/// counted), each stopped after 10 seconds, output discarded, failures logged. The station never
/// waits for a hook.
final class EventHookRunner: Sendable {
    static let maxRunning = 4
    static let timeLimit: Duration = .seconds(10)
    private let logger: Logger
    private let state = Mutex((running: 0, dropped: 0))

    init(logger: Logger) {
        self.logger = logger
    }

    func run(_ program: String, _ invocation: EventHookInvocation) {
        let admitted = state.withLock { state in
            guard state.running < Self.maxRunning else {
                state.dropped += 1
                return false
            }
            state.running += 1
            return true
        }
        guard admitted else {
            logger.warning("event_hook.dropped", metadata: ["event": "\(invocation.arguments[0])", "reason": "\(Self.maxRunning) hooks still running"])
            return
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = invocation.arguments
        process.environment = ProcessInfo.processInfo.environment.merging(invocation.environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        let logger = logger
        process.terminationHandler = { [self] finished in
            self.state.withLock { $0.running -= 1 }
            if finished.terminationReason == .uncaughtSignal {
                logger.warning("event_hook.killed", metadata: ["event": "\(invocation.arguments[0])", "signal": "\(finished.terminationStatus)"])
            } else if finished.terminationStatus != 0 {
                logger.notice("event_hook.failed", metadata: ["event": "\(invocation.arguments[0])", "status": "\(finished.terminationStatus)"])
            }
        }
        do {
            try process.run()
        } catch {
            state.withLock { $0.running -= 1 }
            logger.error("event_hook.not_started", metadata: ["program": "\(program)", "error": "\(error)"])
            return
        }
        let pid = process.processIdentifier
        Task.detached {
            try? await Task.sleep(for: Self.timeLimit)
            if process.isRunning { kill(pid, SIGKILL) }
        }
    }
}
