import Config
import Logging
import Network

/// Re-reads the configuration (SIGHUP or `ctl reload`) and applies what can change while running.
struct Reloader: Sendable {
    let files: ConfigFiles
    let station: Station
    let media: MediaReload
    let logLevel: SharedLogLevel
    /// `--log-level` wins over the file, also after a reload.
    let commandLineLevel: Logger.Level?
    let logger: Logger

    struct Outcome: Sendable {
        var errors: [String]
        var applied: [String]
        var needRestart: [String]
    }

    /// `ctl set SECTION.KEY VALUE`: checks the value like the file's, then reloads with it.
    /// A value the configuration refuses (or an unknown key) changes nothing.
    func set(section: String, key: String, value: String) async -> Outcome {
        guard let overrides = files.overrides else { return Outcome(errors: ["ctl set is not available"], applied: [], needRestart: []) }
        let previous = overrides.set(section: section, key: key, value: value)
        let check: ConfigLoadResult
        do {
            check = try files.load()
        } catch {
            overrides.set(section: section, key: key, value: previous)
            return Outcome(errors: [error.description], applied: [], needRestart: [])
        }
        let problems = (check.errors + check.warnings).filter { $0.file == ConfigOverrides.origin }
        guard problems.isEmpty, check.settings != nil else {
            // A refused value leaves the one set before it (or the file's) in force.
            overrides.set(section: section, key: key, value: previous)
            let errors = problems.isEmpty ? check.errors.map(\.description) : problems.map { $0.description.replacing("warning: ", with: "") }
            return Outcome(errors: errors, applied: [], needRestart: [])
        }
        return await reload()
    }

    func reload() async -> Outcome {
        logger.info("reloading configuration", metadata: ["file": "\(files.userFile)"])
        let result: ConfigLoadResult
        do {
            result = try files.load()
        } catch {
            logger.error("reload failed; keeping the running configuration", metadata: ["error": "\(error)"])
            return Outcome(errors: [error.description], applied: [], needRestart: [])
        }
        for warning in result.warnings { logger.warning("\(warning)") }
        guard let fresh = result.settings else {
            for error in result.errors { logger.error("\(error)") }
            logger.error("reload refused: \(result.errors.count) problem(s); keeping the running configuration")
            return Outcome(errors: result.errors.map(\.description), applied: [], needRestart: [])
        }
        let changes = await station.reload(fresh)
        media.apply(await station.settings)
        let waiting = changes.filter { $0.reload == .restart }
        if commandLineLevel == nil { logLevel.level = Logger.Level(fresh.door.logLevel) }
        var applied: [String] = []
        for change in changes where change.reload != .restart {
            let when = change.reload == .live ? "applied" : "applies from the next call"
            logger.info("\(when): \(change)")
            applied.append(change.description)
        }
        for change in waiting {
            logger.warning("needs a restart: \(change)")
        }
        if changes.isEmpty { logger.info("configuration unchanged") }
        return Outcome(errors: [], applied: applied, needRestart: waiting.map(\.description))
    }
}

/// What a reload changes in the media plane: `[rtp]` and the audio devices, from the next call.
struct MediaReload: Sendable {
    let engine: MediaEngine
    let audio: BoardAudio
    let video: BoardVideo
    /// Whether a camera was found at start-up (a reload does not probe again).
    let camera: Bool

    func apply(_ settings: Settings) {
        engine.update(UserAgentSetup.media(settings, camera: camera))
        audio.update(settings)
        video.update(settings)
    }
}
