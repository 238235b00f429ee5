import Foundation
import SIPMessage

/// The daemon's resident memory idle and in a video call, on the sim board (tone microphone,
/// test-pattern camera at `[video] size=vga`, the defaults otherwise, plain RTP).
///
/// Idle: 3 s after `control socket ready`. In a call: a press of button 1 calls the apartment,
/// which answers 200 OK with an SDP answer (PCMU + telephone-event, H.264 packetization-mode 1,
/// `VideoCallAnswer`), drains the door's RTP and sends 20 ms PCMU back (`ApartmentMedia`); after `callSeconds` the memory is read, `ctl
/// status` must show the call established with video frames sent, and `ctl hangup` ends it
/// (BYE, answered 200). After: 2 s after the hangup.
struct VideoCallMemoryRun {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    struct Result {
        var idle: ResidentMemory
        var idleBreakdown: MemoryBreakdown?
        var inCall: ResidentMemory
        var inCallBreakdown: MemoryBreakdown?
        var afterCall: ResidentMemory?
        /// From `ctl status` at the in-call reading.
        var videoFramesSent = 0
        var videoSize = ""
        var audioPacketsSent = 0
        var audioPacketsReceived = 0
        /// Audio packets the apartment sent to the door.
        var apartmentAudioPackets = 0
        /// What the apartment's media ports received: audio RTP, audio RTCP, video RTP, video RTCP.
        var received: [ApartmentMedia.Counts] = []
        var exitStatus: Int32?
    }

    let idleSeconds = 3.0
    let callSeconds = 5.0

    func run() throws -> Result {
        let apartment = try ApartmentPeer()
        let media = try ApartmentMedia()
        let daemon = try DaemonUnderBenchmark(sections: """
            [video]
            size=vga
            [button_1]
            label=Apartment
            targets=\(apartment.uri)
            """)
        defer {
            media.stop()
            daemon.stop()
        }
        try daemon.waitForLog("control socket ready", timeout: 30)
        Thread.sleep(forTimeInterval: idleSeconds)
        guard let idle = ResidentMemory(pid: daemon.pid) else { throw Failure(description: "cannot read /proc/\(daemon.pid)/status") }
        let idleBreakdown = MemoryBreakdown(pid: daemon.pid)

        let control = try ControlConnection(path: daemon.socketPath)
        try control.request("press 1 \(PressLatencyRun.holdMilliseconds)")
        guard let invite = apartment.nextInvite(timeout: 5) else {
            throw Failure(description: "no INVITE within 5 s of the press:\n\(daemon.logTail())")
        }
        let answer = try VideoCallAnswer(offer: invite.request.body, audioPort: media.audio.rtp.port, videoPort: media.video.rtp.port)
        media.start(sendingAudioTo: answer.doorAudio.flatMap { LoopbackUDPSocket.address($0.address, port: $0.port) })
        let ok = apartment.respond(to: invite, 200, sdp: answer.text)
        guard apartment.waitFor(.ack, in: invite.callID, timeout: 10, retransmitting: (ok, invite.source)) != nil else {
            throw Failure(description: "no ACK for the 200 OK within 10 s:\n\(daemon.logTail())")
        }
        apartment.serve(for: callSeconds)

        guard let inCall = ResidentMemory(pid: daemon.pid) else { throw Failure(description: "cannot read /proc/\(daemon.pid)/status") }
        let inCallBreakdown = MemoryBreakdown(pid: daemon.pid)
        let status = ControlStatus(try control.request("status"))
        guard let call = status.call(invite.callID), call["state"] as? String == "established" else {
            throw Failure(description: "ctl status does not show call \(invite.callID) established: \(status.calls)")
        }
        let videoStream = ControlStatus.stream("video", of: call)
        let video = videoStream?["video"] as? [String: Any]
        let framesSent = video?["frames_sent"] as? Int ?? 0
        guard framesSent > 0 else {
            throw Failure(description: "the call sent no video frames in \(callSeconds) s: \(call["streams"] ?? "no streams")\n\(daemon.logTail())")
        }
        var result = Result(idle: idle, idleBreakdown: idleBreakdown, inCall: inCall, inCallBreakdown: inCallBreakdown)
        result.videoFramesSent = framesSent
        result.videoSize = "\(video?["width"] as? Int ?? 0)x\(video?["height"] as? Int ?? 0)"
        let audioStream = ControlStatus.stream("audio", of: call)
        result.audioPacketsSent = audioStream?["packets_sent"] as? Int ?? 0
        result.audioPacketsReceived = audioStream?["packets_received"] as? Int ?? 0
        result.apartmentAudioPackets = media.audioPacketsSent
        result.received = media.received

        try control.request("hangup \(invite.callID)")
        guard let bye = apartment.waitFor(.bye, in: invite.callID, timeout: 5) else {
            throw Failure(description: "no BYE within 5 s of ctl hangup:\n\(daemon.logTail())")
        }
        apartment.respond(to: bye, 200)
        apartment.serve(for: 2)
        result.afterCall = ResidentMemory(pid: daemon.pid)
        media.stop()
        result.exitStatus = daemon.stop()
        if result.exitStatus == 0 { daemon.removeFolder() }
        return result
    }
}
