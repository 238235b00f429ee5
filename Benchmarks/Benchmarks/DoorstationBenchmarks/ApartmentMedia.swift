import Foundation
import Glibc
import Synchronization

/// The apartment's media in a call: an RTP/RTCP socket pair (consecutive ports, RTP even, RFC
/// 3550 §11) for audio and one for video, served by one thread that drains and counts what the
/// door sends (so its packets do not bounce off closed ports) and talks back with 20 ms PCMU
/// packets of silence from the audio RTP socket, so the door's receive path (jitter buffer,
/// decoder, echo canceller's far end) runs as in a real call.
final class ApartmentMedia: @unchecked Sendable {
    struct Counts: Sendable {
        var datagrams = 0
        var bytes = 0
    }

    let audio: (rtp: LoopbackUDPSocket, rtcp: LoopbackUDPSocket)
    let video: (rtp: LoopbackUDPSocket, rtcp: LoopbackUDPSocket)
    private let stopping = Mutex(false)
    private let counts = Mutex([Counts](repeating: Counts(), count: 4))
    private let sent = Mutex(0)
    private var thread: Thread?

    init() throws(LoopbackUDPSocket.Failure) {
        audio = try Self.pair()
        video = try Self.pair()
    }

    /// An even port and the next one, both free.
    private static func pair() throws(LoopbackUDPSocket.Failure) -> (LoopbackUDPSocket, LoopbackUDPSocket) {
        for _ in 0..<50 {
            let probe = try LoopbackUDPSocket()
            let even = probe.port & ~1
            guard let rtp = even == probe.port ? probe : try? LoopbackUDPSocket(port: even),
                  let rtcp = try? LoopbackUDPSocket(port: even + 1) else { continue }
            return (rtp, rtcp)
        }
        throw LoopbackUDPSocket.Failure(description: "no free pair of consecutive UDP ports on 127.0.0.1")
    }

    /// Datagrams and bytes received so far: audio RTP, audio RTCP, video RTP, video RTCP.
    var received: [Counts] { counts.withLock { $0 } }

    /// Audio packets sent to the door so far.
    var audioPacketsSent: Int { sent.withLock { $0 } }

    /// Starts the thread; with `doorAudio` (the door's audio RTP address from its offer), it also sends audio there.
    func start(sendingAudioTo doorAudio: sockaddr_in?) {
        let sockets = [audio.rtp, audio.rtcp, video.rtp, video.rtcp]
        let thread = Thread { [self] in
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 8)
            defer { buffer.deallocate() }
            var entries = sockets.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            var packet = PCMUSilence()
            var nextSend = monotonicNanoseconds()
            while !stopping.withLock({ $0 }) {
                if let doorAudio, monotonicNanoseconds() >= nextSend {
                    audio.rtp.send(packet.next(), to: doorAudio)
                    sent.withLock { $0 += 1 }
                    nextSend += 20_000_000
                }
                let now = monotonicNanoseconds()
                let wait = doorAudio == nil ? 100 : Int32(nextSend > now ? (nextSend - now) / 1_000_000 : 0)
                guard poll(&entries, nfds_t(entries.count), wait) > 0 else { continue }
                for (index, socket) in sockets.enumerated() where entries[index].revents != 0 {
                    let (datagrams, bytes) = socket.drain(into: buffer)
                    counts.withLock {
                        $0[index].datagrams += datagrams
                        $0[index].bytes += bytes
                    }
                }
            }
        }
        thread.name = "apartment media"
        self.thread = thread
        thread.start()
    }

    /// Stops the thread and waits for it (at most a poll interval and a drain). Idempotent.
    func stop() {
        stopping.withLock { $0 = true }
        guard let thread else { return }
        while !thread.isFinished { Thread.sleep(forTimeInterval: 0.01) }
        self.thread = nil
    }
}

/// Consecutive RTP packets (RFC 3550 §5.1) of 20 ms PCMU silence (payload type 0, RFC 3551:
/// 160 samples of µ-law 0xFF).
struct PCMUSilence {
    private var sequence: UInt16 = 0x1234
    private var timestamp: UInt32 = 0x0BAD_F00D
    private let ssrc: UInt32 = 0xA9A2_7E17

    mutating func next() -> [UInt8] {
        var packet: [UInt8] = [0x80, 0x00, UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
        packet += withUnsafeBytes(of: timestamp.bigEndian, Array.init)
        packet += withUnsafeBytes(of: ssrc.bigEndian, Array.init)
        packet += [UInt8](repeating: 0xFF, count: 160)
        sequence &+= 1
        timestamp &+= 160
        return packet
    }
}
