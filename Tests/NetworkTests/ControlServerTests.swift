import Logging
import NIOPosix
import Network
import TestSupport
import Testing

@Suite struct ControlServerTests {
    @Test func answersEachRequestLine() async throws {
        let folder = try temporaryFolder()
        let path = folder.appendingPathComponent("ctl.sock").path
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await ControlServer.bind(path: path, group: group, logger: Logger(label: "test")) { line in
            #"{"ok":true,"echo":"\#(line)"}"#
        }
        let answer = try await send("press 1", to: path)
        #expect(answer == #"{"ok":true,"echo":"press 1"}"#)
        let second = try await send("status", to: path)
        #expect(second == #"{"ok":true,"echo":"status"}"#)
        await server.close()
        try await group.shutdownGracefully()
    }

    @Test func overlongRequestIsRefused() async throws {
        let folder = try temporaryFolder()
        let path = folder.appendingPathComponent("ctl.sock").path
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await ControlServer.bind(path: path, group: group, logger: Logger(label: "test")) { _ in "{}" }
        let answer = try await send(String(repeating: "x", count: 10_000), to: path)
        #expect(answer == #"{"ok":false,"error":"request longer than 4096 bytes"}"#)
        await server.close()
        try await group.shutdownGracefully()
    }

    @Test func clientNamesAnUnreachableSocket() {
        #expect(throws: ControlClient.Failure.self) { try ControlClient.send("status", to: "/nonexistent/ctl.sock", timeout: 1) }
        do {
            _ = try ControlClient.send("status", to: "/nonexistent/ctl.sock", timeout: 1)
        } catch {
            #expect(error.description.hasPrefix("cannot reach the daemon at /nonexistent/ctl.sock: No such file or directory"))
        }
    }

    @Test func staleSocketFileIsReplaced() async throws {
        let folder = try temporaryFolder()
        let path = folder.appendingPathComponent("ctl.sock").path
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let first = try await ControlServer.bind(path: path, group: group, logger: Logger(label: "test")) { _ in "1" }
        try await first.run0()
        let second = try await ControlServer.bind(path: path, group: group, logger: Logger(label: "test")) { _ in "2" }
        #expect(try await send("x", to: path) == "2")
        await second.close()
        try await group.shutdownGracefully()
    }
}

/// The client blocks its thread, so it runs on a dispatch queue: on Swift's cooperative pool it
/// could take the thread the server's handler needs to answer.
func send(_ request: String, to path: String) async throws -> String {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try ControlClient.send(request, to: path, timeout: 5) })
        }
    }
}

extension ControlServer {
    /// Closes the channel but leaves the socket file behind, like a crashed daemon.
    func run0() async throws {
        let path = self.path
        let copy = path + ".keep"
        _ = link(path, copy)
        await close()
        _ = rename(copy, path)
    }
}

import Dispatch
import Glibc
