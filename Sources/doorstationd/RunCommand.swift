import ArgumentParser
import Config
import Foundation
import Logging
import NIOPosix
import Network
import ServiceLifecycle
import UnixSignals

/// `doorstationd run`: the daemon.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run the door station.")

    @Option(name: .long, help: "The configuration file.")
    var config: String = "/etc/doorstation/doorstation.conf"

    @OptionGroup var options: ConfigOptions

    @Option(name: .long, help: "trace, debug, info, notice, warning, error or critical; overrides [door] log_level.")
    var logLevel: Logger.Level?

    func run() async throws {
        // A reload asked for while the daemon is still starting is ignored (it reads the files
        // now anyway) rather than ending it with SIGHUP's default action.
        signal(SIGHUP, SIG_IGN)
        let environment = ProcessInfo.processInfo.environment
        let level = SharedLogLevel(logLevel ?? .info)
        let journal = DaemonLogHandler.stderrIsJournal(environment: environment)
        LoggingSystem.bootstrap { label in DaemonLogHandler(label: label, sharedLevel: level, toJournal: journal) }
        let logger = Logger(label: "doorstationd")

        var files = ConfigFiles(userFile: config, board: options.board, boardDirectory: options.boardDir)
        files.overrides = ConfigOverrides()
        let settings: Settings
        do {
            let result = try files.load()
            for warning in result.warnings { logger.warning("\(warning)") }
            guard let loaded = result.settings else {
                for error in result.errors { logger.error("\(error)") }
                logger.critical("refusing to start: \(result.errors.count) configuration problem(s)")
                throw ExitCode(1)
            }
            settings = loaded
        } catch let failure as ConfigFiles.Failure {
            logger.critical("\(failure)")
            throw ExitCode(1)
        }
        if logLevel == nil { level.level = Logger.Level(settings.door.logLevel) }
        logger.info("starting", metadata: [
            "version": "\(Doorstationd.version)", "files": "\(settings.files.joined(separator: ","))",
            "board": "\(settings.board.profile ?? "-")", "backend": "\(settings.board.backend.rawValue)",
        ])

        let devices: BoardDevices
        switch BoardDevices.open(settings) {
        case .success(let opened): devices = opened
        case .failure(let problems):
            for error in problems.errors { logger.error("\(error)") }
            logger.critical("refusing to start: \(problems.errors.count) device problem(s)")
            throw ExitCode(1)
        }

        let eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let sip: (userAgent: SIPUserAgent, transport: SIPTransportLayer, media: MediaReload)
        do {
            sip = try await Self.startSIP(settings, group: eventLoopGroup, logger: logger)
        } catch {
            logger.critical("cannot start SIP", metadata: ["error": "\(error)"])
            devices.close()
            try? await eventLoopGroup.shutdownGracefully()
            throw ExitCode(1)
        }
        let station = Station(settings: settings, devices: devices, logger: logger)
        let reloader = Reloader(files: files, station: station, media: sip.media, logLevel: level, commandLineLevel: logLevel, logger: logger)
        let requests = ControlRequests(station: station, reloader: reloader, userAgent: sip.userAgent)

        let hangups = await UnixSignalsSequence(trapping: .sighup)
        let socketPath = settings.door.controlSocket
        let server: ControlServer
        do {
            try FileManager.default.createDirectory(
                atPath: (socketPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            server = try await ControlServer.bind(path: socketPath, group: eventLoopGroup, logger: logger) { line in
                await requests.answer(line)
            }
        } catch {
            logger.critical("cannot open the control socket", metadata: ["path": "\(socketPath)", "error": "\(error)"])
            devices.close()
            try? await eventLoopGroup.shutdownGracefully()
            throw ExitCode(1)
        }
        logger.info("control socket ready", metadata: ["path": "\(socketPath)"])

        var services: [any Service] = [
            CallEventsService(station: station, userAgent: sip.userAgent),
            SIPService(userAgent: sip.userAgent, transport: sip.transport, logger: logger),
            StationService(station: station), ControlService(server: server), ReloadService(reloader: reloader, hangups: hangups),
        ]
        if !settings.board.simulatedPresses.isEmpty {
            services.append(ScriptedPressService(presses: settings.board.simulatedPresses, station: station, logger: logger))
        }
        if let notifier = SystemdNotifier(environment: environment) {
            let interval = SystemdNotifier.watchdogInterval(environment: environment, pid: getpid())
            services.append(NotifyService(notifier: notifier, watchdogInterval: interval, eventLoop: eventLoopGroup.next(), logger: logger))
        }
        var configurations = services.map { ServiceGroupConfiguration.ServiceConfiguration(service: $0) }
        if settings.board.backend == .linux && !AudioProbeService.probe(sip.media.audio, logger: logger) {
            // Tries again until the sound card opens, then ends without ending the daemon.
            configurations.append(.init(service: AudioProbeService(audio: sip.media.audio, logger: logger), successTerminationBehavior: .ignore))
        }
        let group = ServiceGroup(configuration: .init(
            services: configurations,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        do {
            try await group.run()
        } catch {
            logger.error("stopped with an error", metadata: ["error": "\(error)"])
        }
        try? await eventLoopGroup.shutdownGracefully()
        logger.info("stopped")
    }
}

extension RunCommand {
    /// Binds the SIP listeners (so READY=1 means they are open) and builds the user agent.
    static func startSIP(_ settings: Settings, group: MultiThreadedEventLoopGroup, logger: Logger) async throws
        -> (userAgent: SIPUserAgent, transport: SIPTransportLayer, media: MediaReload) {
        let video = BoardVideo(settings) { event in logger.warning("video.camera_changed", metadata: ["device": "\(settings.video.device)", "event": "\(event)"]) }
        let camera = probeCamera(video, settings: settings, logger: logger)
        let configuration = try UserAgentSetup.configuration(settings, camera: camera)
        var sipLogger = logger
        sipLogger[metadataKey: "component"] = "sip"
        let transport = SIPTransportLayer(group: group, configuration: UserAgentSetup.transportConfiguration(settings.sip), logger: sipLogger)
        try await transport.start()
        logger.info("sip listening", metadata: ["endpoints": "\(transport.listeningEndpoints.map(\.description).joined(separator: ", "))"])
        let locator = UserAgentSetup.locator(settings.sip, group: group, transports: configuration.transports, logger: logger)
        let audio = BoardAudio(settings)
        let media = MediaEngine(settings: UserAgentSetup.media(settings, camera: camera), devices: audio, cameras: camera ? video : nil)
        let userAgent = SIPUserAgent(eventLoop: group.next(), transport: transport, locator: locator, configuration: configuration,
                                     media: media, logger: sipLogger)
        return (userAgent, transport, MediaReload(engine: media, audio: audio, video: video, camera: camera))
    }

    /// Whether calls send video: `[video] capture=1` and a camera that opens. Without one the
    /// station works audio-only and says so (a camera plugged in later needs a restart).
    static func probeCamera(_ video: BoardVideo, settings: Settings, logger: Logger) -> Bool {
        guard settings.video.capture else {
            logger.info("video.off", metadata: ["reason": "[video] capture=0"])
            return false
        }
        switch video.probe() {
        case .success(let description):
            logger.info("video.camera", metadata: ["camera": "\(description)"])
            return true
        case .failure(let error):
            logger.warning("video.camera_unavailable", metadata: ["device": "\(error.device)", "reason": "\(error.reason)", "effect": "calls are audio-only"])
            return false
        }
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
