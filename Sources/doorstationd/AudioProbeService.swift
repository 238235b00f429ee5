import Logging
import ServiceLifecycle

/// Whether calls will have sound, said at start-up rather than when the first visitor rings: the
/// ALSA devices are opened and closed once. A device that does not open (in use by another
/// program, a USB card not there yet) is reported, then tried again every `interval` until both
/// open, and the log says when sound is back. Each call also retries its own opening.
struct AudioProbeService: Service {
    let audio: BoardAudio
    let logger: Logger
    var interval: Duration = .seconds(2)

    /// Probes once and logs the outcome; true when both devices opened. Opening and closing an
    /// ALSA device takes milliseconds, so it runs on the caller's thread.
    static func probe(_ audio: BoardAudio, logger: Logger, waited: Duration? = nil) -> Bool {
        let probe = audio.probe()
        guard probe.errors.isEmpty else {
            if waited == nil {
                for error in probe.errors {
                    logger.warning("audio.device_unavailable", metadata: [
                        "device": "\(error.device)", "reason": "\(error.reason)", "effect": "retrying every few seconds; calls retry too",
                    ])
                }
            }
            return false
        }
        var metadata: Logger.Metadata = .init(uniqueKeysWithValues: probe.devices.map { ($0.direction.rawValue, "\($0)") })
        if let waited { metadata["after_s"] = "\(waited.components.seconds)" }
        logger.info("audio.devices", metadata: metadata)
        return true
    }

    /// Runs only after a failed first probe; ends once both devices open, or at shutdown.
    func run() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        try? await cancelWhenGracefulShutdown {
            while true {
                try await Task.sleep(for: interval)
                if Self.probe(audio, logger: logger, waited: clock.now - start) { return }
            }
        }
    }
}
