import AudioDSP
import Devices
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// baresip 1.0 (Debian `baresip-core`, `baresip-ffmpeg`) as a scriptable SIP phone on 127.0.0.1 — the
/// "apartment" that answers or places calls with the door station. Each instance has its own folder
/// (generated `config`, `accounts`, empty `contacts`, the tone it sends, the recordings it makes, its log).
///
/// It sends a sine tone (an 8 kHz WAV through the `aufile` source), records what it receives (the
/// `sndfile` filter: one WAV per call), offers only G.711 (PCMU, PCMA), optionally SDES-SRTP and H.264
/// video, and is driven over its `ctrl_tcp` socket (netstring JSON): commands, and events that the
/// `waitFor…` functions wait for, always with a bound.
///
///     let apartment = try Baresip(user: "apartment", toneFrequency: 440)             // auto-answers
///     let door = try Baresip(user: "door", toneFrequency: 1000)
///     defer { door.stop(); apartment.stop() }
///     try door.dial(apartment.uri)                                  // sip:apartment@127.0.0.1:<port>
///     #expect(apartment.waitFor(event: .callEstablished, timeout: 10), "\(apartment.report)")
///     #expect(door.waitFor(event: .callEstablished, timeout: 10), "\(door.report)")
///     Thread.sleep(forTimeInterval: 2)                              // let audio flow
///     try door.hangup()
///     let closed = apartment.nextEvent(.callClosed, timeout: 10)    // closed?.reason == "Connection reset by peer"
///     let heard = try apartment.receivedAudio()                      // 8 kHz mono; contains the 1 kHz tone
///
/// Through a registrar: `Baresip(user: "apartment", registrar: .init(port: kamailioPort, password: "aptpass"))`,
/// then `waitForRegistration(timeout:)`, and dial `sip:apartment@127.0.0.1:<kamailioPort>`.
///
/// Every wait consumes the event it returns, so waiting twice for `.callEstablished` waits for two calls.
/// ctrl_tcp sends events only to its newest connection: do not connect another client to `controlPort`.
/// Outcomes are events, not command replies (`dial` answers ok even for an unreachable URI).
/// Only SIP/RTP on 127.0.0.1 (`net_interface 127.0.0.1`, `-4`); the libre DNS client additionally holds two
/// unconnected wildcard UDP sockets that send nothing unless a host name has to be resolved (all URIs
/// here are IP literals, and `dns_server` points at 127.0.0.1:53).
public final class Baresip: @unchecked Sendable {
    /// baresip's `mediaenc` account parameter (SDES-SRTP, module `srtp.so`).
    public enum MediaEncryption: String, Sendable {
        /// Plain RTP/AVP; an RTP/SAVP offer is rejected with 488.
        case none = ""
        /// Offers RTP/AVP with a=crypto (best effort); accepts plain RTP/AVP or RTP/SAVP.
        case srtp = "srtp"
        /// Offers and accepts only RTP/SAVP with a=crypto; anything else gets 488 Not Acceptable Here.
        case srtpMandatory = "srtp-mand"
    }

    public enum AnswerMode: String, Sendable {
        /// Answers every INVITE at once: 180 Ringing, then 200 (no CALL_INCOMING event).
        case auto
        /// Rings (180) and emits CALL_INCOMING; `answer()` accepts.
        case manual
    }

    /// The G.711 codecs of `g711.so` (the only audio codec module loaded), as `audio_codecs` names them.
    public enum AudioCodec: String, Sendable {
        case pcmu = "PCMU/8000/1"
        case pcma = "PCMA/8000/1"
    }

    /// A registrar to REGISTER with (digest auth; the account's user is the auth user).
    public struct Registrar: Sendable {
        public var host: String
        public var port: UInt16
        public var password: String
        /// "udp" or "tcp".
        public var transport: String
        /// `regint`: the requested registration interval in seconds.
        public var interval: Int

        public init(host: String = "127.0.0.1", port: UInt16, password: String, transport: String = "udp", interval: Int = 300) {
            self.host = host
            self.port = port
            self.password = password
            self.transport = transport
            self.interval = interval
        }
    }

    /// The sample rate of the tone file and of the recordings (G.711 only).
    public static let sampleRate = 8000

    public let user: String
    /// The SIP port on 127.0.0.1 (UDP and TCP; baresip also listens for TLS on TCP `sipPort + 1`).
    public let sipPort: UInt16
    /// The `ctrl_tcp` port on 127.0.0.1.
    public let controlPort: UInt16
    /// Where to dial this instance directly: `sip:<user>@127.0.0.1:<sipPort>`.
    public var uri: String { "sip:\(user)@127.0.0.1:\(sipPort)" }
    /// The account's address of record as baresip reports it (`accountaor` of its events).
    public let aor: String
    public let registrar: Registrar?
    public let mediaEncryption: MediaEncryption
    public let video: Bool
    /// The frequency of the tone this instance sends (nil when `audioSource` was given).
    public let toneFrequency: Double?
    /// The instance folder (removed when this object goes away, unless `keepFolder`).
    public let folder: URL
    public var configPath: String { folder.appendingPathComponent("config").path }
    public var accountsPath: String { folder.appendingPathComponent("accounts").path }
    /// baresip's stdout/stderr (`-v`; with `sipTrace` every SIP message, SDP included).
    public let logPath: String
    /// The sndfile module's folder: `dump-<yyyy-mm-dd-hh-mm-ss>-dec.wav` (received) and `…-enc.wav` (sent), per call.
    public let recordingFolder: URL
    /// The WAV file sent as audio.
    public let audioSourcePath: String
    /// The command line arguments baresip was started with.
    public let arguments: [String]

    private let process: PeerProcess
    private let keepFolder: Bool
    private let lock = NSLock()
    private var connection: NetstringConnection?
    private var received: [Event] = []
    private var consumed = Set<Int>()
    private var responses: [String: (ok: Bool, data: String)] = [:]
    private var nextToken = 1

    /// Writes the instance folder, starts `baresip -f <folder> -4 -v [-s]` and connects to its control
    /// socket (waiting at most `startTimeout` seconds for "baresip is ready.").
    ///
    /// - Parameters:
    ///   - user: the account's user part (with a registrar also the digest user, e.g. "apartment", "1001").
    ///   - registrar: REGISTER there (AOR `sip:<user>@<host>:<port>`); nil = local account, `regint=0`.
    ///   - answerMode: `.auto` answers at once; `.manual` rings until `answer()`.
    ///   - mediaEncryption: SDES-SRTP policy (`mediaenc`).
    ///   - audioCodecs: the offer's order.
    ///   - toneFrequency: the sine (Hz, below 4000, amplitude 0.5) sent; the file lasts `toneSeconds`
    ///     seconds (aufile does not loop: keep calls shorter or raise it).
    ///   - audioSource: an 8 kHz mono 16-bit WAV to send instead of the tone.
    ///   - video: load avcodec + fakevideo: H.264 (libx264, packetization-mode 0) colour bars 640x480
    ///     at 15 fps out, decoded and dropped in; without it the SDP has no m=video.
    ///   - rtpPorts: `rtp_ports` (libre picks random even ports in it and retries when one is taken).
    ///   - sipTrace: `-s`: every SIP message into the log.
    ///   - extraConfig: more `config` lines (e.g. "call_local_timeout 10").
    ///   - extraAccountParameters: appended to the account line (e.g. ";ptime=40").
    public init(
        user: String = "apartment", registrar: Registrar? = nil, answerMode: AnswerMode = .auto,
        mediaEncryption: MediaEncryption = .none, audioCodecs: [AudioCodec] = [.pcmu, .pcma],
        toneFrequency: Double = 440, toneSeconds: Double = 30, audioSource: URL? = nil, video: Bool = false,
        rtpPorts: ClosedRange<UInt16> = 20000...29999, sipTrace: Bool = true,
        extraConfig: [String] = [], extraAccountParameters: String = "",
        startTimeout: Double = 10, keepFolder: Bool = false
    ) throws {
        precondition(!audioCodecs.isEmpty, "baresip needs at least one audio codec")
        self.user = user
        self.registrar = registrar
        self.mediaEncryption = mediaEncryption
        self.video = video
        self.keepFolder = keepFolder
        sipPort = try freeConsecutiveLoopbackPorts(2)
        controlPort = try freeLoopbackPort()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("baresip-\(user)-\(UUID().uuidString.prefix(8))")
        recordingFolder = folder.appendingPathComponent("recordings")
        logPath = folder.appendingPathComponent("baresip.log").path
        try FileManager.default.createDirectory(at: recordingFolder, withIntermediateDirectories: true)

        if let audioSource {
            audioSourcePath = audioSource.path
            self.toneFrequency = nil
        } else {
            audioSourcePath = folder.appendingPathComponent("tone-\(Int(toneFrequency))Hz.wav").path
            self.toneFrequency = toneFrequency
            try Self.writeTone(frequency: toneFrequency, seconds: toneSeconds, to: audioSourcePath)
        }

        var account: String
        if let registrar {
            aor = "sip:\(user)@\(registrar.host):\(registrar.port)"
            account = "<\(aor);transport=\(registrar.transport)>;auth_user=\(user);auth_pass=\(registrar.password);regint=\(registrar.interval)"
        } else {
            aor = "sip:\(user)@127.0.0.1"
            account = "<\(aor)>;regint=0"
        }
        account += ";answermode=\(answerMode.rawValue);audio_codecs=\(audioCodecs.map(\.rawValue).joined(separator: ","))"
        if mediaEncryption != .none { account += ";mediaenc=\(mediaEncryption.rawValue)" }
        if video { account += ";video_codecs=H264" }
        account += extraAccountParameters

        let config = Self.config(
            sipPort: sipPort, controlPort: controlPort, audioSource: audioSourcePath, recordingFolder: recordingFolder.path,
            video: video, rtpPorts: rtpPorts, extra: extraConfig)
        try config.write(to: folder.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        try (account + "\n").write(to: folder.appendingPathComponent("accounts"), atomically: true, encoding: .utf8)
        try "".write(to: folder.appendingPathComponent("contacts"), atomically: true, encoding: .utf8)

        // -4: IPv4 only. No -d: it would daemonize and escape our pid. stdin is /dev/null (no stdio module).
        arguments = ["-f", folder.path, "-4", "-v"] + (sipTrace ? ["-s"] : [])
        process = try PeerProcess("baresip", arguments: arguments, logPath: logPath, workingDirectory: folder.path)
        // On failure deinit stops the process and removes the folder (the error carries the log tail).
        try connect(timeout: startTimeout)
    }

    private func connect(timeout: Double) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            guard process.isRunning else { throw PeerError("baresip exited during start-up:\n\(logTail())") }
            if let connection = try? NetstringConnection(port: controlPort) {
                lock.withLock { self.connection = connection }
                break
            }
            guard Date() < deadline else { throw PeerError("baresip: ctrl_tcp not listening after \(timeout) s:\n\(logTail())") }
            Thread.sleep(forTimeInterval: 0.05)
        }
        guard process.waitForLog("baresip is ready.", timeout: max(0.5, deadline.timeIntervalSinceNow)) else {
            throw PeerError("baresip not ready after \(timeout) s:\n\(logTail())")
        }
    }

    // MARK: - Process

    public var pid: pid_t { process.pid }
    public var isRunning: Bool { process.isRunning }
    public var log: String { process.log }
    public func logTail(_ lines: Int = 40) -> String { process.logTail(lines) }

    /// The events so far and the log tail, for failure messages.
    public var report: String {
        "baresip \(user) (SIP 127.0.0.1:\(sipPort), ctrl \(controlPort), folder \(folder.path))\n--- events:\n"
            + events.filter { $0.kind != .callRTCP }.map(\.description).joined(separator: "\n")
            + "\n--- log (tail):\n\(logTail())"
    }

    /// Stops baresip by its pid: SIGTERM (it hangs up, un-REGISTERs and exits), SIGKILL after `timeout`
    /// seconds (it waits ~30 s for the un-REGISTER answer when the registrar is already gone). Returns the
    /// exit status. Safe to call twice.
    @discardableResult
    public func stop(timeout: Double = 3) -> Int32? {
        lock.withLock { connection = nil }
        return process.stop(timeout: timeout)
    }

    deinit {
        stop()
        if !keepFolder { try? FileManager.default.removeItem(at: folder) }
    }

    // MARK: - Commands

    /// Runs a menu command through ctrl_tcp (`{"command":…,"params":…,"token":…}`) and returns its `data`
    /// text. Throws if baresip answers `ok: false`, no answer comes within `timeout` seconds, or the control
    /// connection is gone. Events that arrive meanwhile are kept for the `waitFor…` functions.
    @discardableResult
    public func command(_ name: String, _ params: String = "", timeout: Double = 5) throws -> String {
        let token = lock.withLock { () -> String in
            defer { nextToken += 1 }
            return "t\(nextToken)"
        }
        try lock.withLock {
            guard let connection, !connection.isClosed else { throw PeerError("baresip \(user): control connection closed\n\(logTail())") }
            try connection.send(["command": name, "params": params, "token": token])
        }
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let answer = lock.withLock { () -> (ok: Bool, data: String)? in
                pump(timeout: 0.05)
                return responses.removeValue(forKey: token)
            }
            if let answer {
                guard answer.ok else { throw PeerError("baresip \(user): \(name) \(params) failed: \(answer.data)") }
                return answer.data
            }
            let closed = lock.withLock { connection?.isClosed ?? true }
            if closed { throw PeerError("baresip \(user): control connection closed during \(name)\n\(logTail())") }
            if Date() >= deadline { throw PeerError("baresip \(user): no answer to \(name) within \(timeout) s\n\(logTail())") }
        }
    }

    /// Places a call (`dial`). baresip answers ok for any text (even an invalid URI); the outcome comes as
    /// events: CALL_RINGING, CALL_ESTABLISHED or CALL_CLOSED (reason e.g. "488 Not Acceptable Here").
    public func dial(_ uri: String) throws { try command("dial", uri) }

    /// Ends the current call (`hangup`: BYE, or CANCEL/486 before it is established). No error without a call.
    public func hangup() throws { try command("hangup") }

    /// Answers the ringing incoming call (`accept`; answer mode manual).
    public func answer() throws { try command("accept") }

    /// Sends DTMF digits (0-9, *, #, A-D) in the current call as RFC 4733 telephone-events (`sndcode`).
    public func sendDTMF(_ digits: String) throws { try command("sndcode", digits) }

    /// `reginfo`: the account's registration line, e.g. "> sip:apartment@127.0.0.1:5060  OK  kamailio Expires 300s"
    /// (colour codes removed).
    public func registrationInfo() throws -> String { Self.stripColours(try command("reginfo")) }

    /// Polls `reginfo` until the account is registered (OK); false after `timeout` seconds.
    /// (REGISTER_OK events are no use here: the first REGISTER goes out before ctrl_tcp accepts connections.)
    public func waitForRegistration(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if let info = try? registrationInfo(),
               info.split(separator: "\n").contains(where: { $0.contains(aor) && $0.contains(" OK ") }) {
                return true
            }
            Thread.sleep(forTimeInterval: 0.1)
        } while Date() < deadline
        return false
    }

    static func stripColours(_ text: String) -> String {
        text.replacingOccurrences(of: "\u{1b}\\[[0-9;]*m", with: "", options: .regularExpression)
    }

    // MARK: - Events

    /// Every event received so far (after reading what is waiting on the socket), oldest first.
    public var events: [Event] {
        lock.withLock {
            pump(timeout: 0)
            return received
        }
    }

    /// Waits (at most `timeout` seconds) for an event of `kind` (and matching `predicate`) that no earlier
    /// wait returned — it may have arrived before this call — and marks it as returned. `predicate` runs
    /// under this object's lock: it must not call back into it.
    public func nextEvent(_ kind: Event.Kind, timeout: Double, where predicate: (Event) -> Bool = { _ in true }) -> Event? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let found = lock.withLock { () -> Event? in
                pump(timeout: 0)
                if let index = received.indices.first(where: { !consumed.contains($0) && received[$0].kind == kind && predicate(received[$0]) }) {
                    consumed.insert(index)
                    return received[index]
                }
                pump(timeout: 0.05)
                return nil
            }
            if let found { return found }
            if Date() >= deadline { return nil }
        }
    }

    /// `nextEvent(_:timeout:where:) != nil`.
    @discardableResult
    public func waitFor(event kind: Event.Kind, timeout: Double, where predicate: (Event) -> Bool = { _ in true }) -> Bool {
        nextEvent(kind, timeout: timeout, where: predicate) != nil
    }

    /// Reads what the control socket has (waiting up to `timeout` seconds for something). Lock held.
    private func pump(timeout: Double) {
        guard let connection, !connection.isClosed else {
            if timeout > 0 { Thread.sleep(forTimeInterval: timeout) }
            return
        }
        for (object, text) in connection.receive(timeout: timeout) {
            if object["event"] as? Bool == true {
                received.append(Event(json: object, text: text))
            } else if object["response"] as? Bool == true, let token = object["token"] as? String {
                responses[token] = (object["ok"] as? Bool ?? false, object["data"] as? String ?? "")
            }
        }
    }

    // MARK: - Recordings

    /// The WAVs of received audio written so far (`…-dec.wav`, one per call), oldest first. Named by the
    /// second the call started, so two calls of one instance within the same second share a file.
    public var receivedRecordings: [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: recordingFolder.path)) ?? []
        return names.filter { $0.hasSuffix("-dec.wav") }.sorted().map { recordingFolder.appendingPathComponent($0) }
    }

    /// The samples (8 kHz mono) of the latest received-audio recording. libsndfile writes the WAV header's
    /// sizes only when the call's audio stream closes, shortly after CALL_CLOSED, so this waits (at most
    /// `timeout` seconds) for a non-empty, finished file.
    public func receivedAudio(timeout: Double = 5) throws -> [Int16] {
        let deadline = Date().addingTimeInterval(timeout)
        var problem = "no …-dec.wav in \(recordingFolder.path)"
        repeat {
            if let latest = receivedRecordings.last {
                do {
                    let samples = try WAVFile.read(path: latest.path, expectedRate: Self.sampleRate)
                    if !samples.isEmpty { return samples }
                    problem = "\(latest.lastPathComponent) is still empty (not closed yet?)"
                } catch {
                    problem = "\(error)"
                }
            }
            Thread.sleep(forTimeInterval: 0.1)
        } while Date() < deadline
        throw PeerError("baresip \(user): no received audio: \(problem)")
    }
}
