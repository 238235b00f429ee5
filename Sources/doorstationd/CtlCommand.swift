import ArgumentParser
import Config
import Foundation
import Network

/// `doorstationd ctl …`: talk to the running daemon over its control socket.
struct CtlCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ctl",
        abstract: "Control the running daemon: status, press N [HOLD_MS], open N, call URI, hangup [CALL-ID], answer, reject, dtmf, hold, resume, reload, set SECTION.KEY VALUE, ping.",
        discussion: "Prints the daemon's JSON answer; exit status 1 when the daemon refuses the request or cannot be reached.")

    @Option(name: .long, help: "The control socket (default: [door] control_socket of --config, else /run/doorstation/ctl.sock).")
    var socket: String?

    @Option(name: .long, help: "Read the control socket's path from this configuration file.")
    var config: String?

    @Option(name: .long, help: "Seconds to wait for the daemon.")
    var timeout: Int = 5

    @Argument(help: "The request, e.g. status, press 1, open 1.")
    var request: [String]

    func run() throws {
        let path = try socketPath()
        let answer: String
        do {
            answer = try ControlClient.send(request.joined(separator: " "), to: path, timeout: timeout)
        } catch {
            printError("doorstationd ctl: \(error)")
            throw ExitCode(1)
        }
        let object = (try? JSONSerialization.jsonObject(with: Data(answer.utf8))) as? [String: Any]
        if let object, let pretty = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]) {
            print(String(decoding: pretty, as: UTF8.self))
        } else {
            print(answer)
        }
        if object?["ok"] as? Bool != true {
            if let error = object?["error"] as? String { printError("doorstationd ctl: \(error)") }
            throw ExitCode(1)
        }
    }

    private func socketPath() throws -> String {
        if let socket { return socket }
        guard let config else { return "/run/doorstation/ctl.sock" }
        guard let text = try? String(contentsOfFile: config, encoding: .utf8) else {
            printError("doorstationd ctl: cannot read \(config)")
            throw ExitCode(1)
        }
        let (file, _) = ConfigFileParser().parse(text, path: config)
        return file["door"]?["control_socket"]?.raw ?? "/run/doorstation/ctl.sock"
    }
}
