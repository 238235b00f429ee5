import Benchmark
import Foundation
import Network
import RTP
import SRTP

/// The 20 ms audio tick of a call, both halves, exactly as the media thread runs them:
/// send = G.711 encode + RTP header + SRTP protect; receive = SRTP unprotect + RTP checks and
/// statistics + G.711 decode + jitter buffer insert and playout of one period.
/// Baseline: libsrtp2's protect alone on the same 172-byte packet. Steady state must not
/// allocate (mallocCountTotal per iteration: 0).
func mediaBenchmarks() {
    let key = (0..<30).map { UInt8($0) }, peerKey = (0..<30).map { UInt8(100 + $0) }
    let packet = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 8)
    let payload = [UInt8](repeating: 0xFF, count: 160)
    let tone = (0..<160).map { Int16(8000 * sin(Double($0) * 2 * .pi / 8)) }

    // Everything a call sets up before its first tick is made here, once: libsrtp2's session
    // creation alone costs about a thousand allocations and a millisecond.
    let baselineContext = try! SRTPContext(profile: .aesCM128HMACSHA1_80, localKeyMaterial: key, remoteKeyMaterial: peerKey)
    nonisolated(unsafe) var sequence: UInt16 = 0
    Benchmark("Media: libsrtp2 protect one 20 ms PCMU packet (baseline)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        let context = baselineContext
        for _ in benchmark.scaledIterations {
            sequence &+= 1
            RTPHeader(payloadType: 0, sequenceNumber: sequence, timestamp: UInt32(sequence) &* 160, ssrc: 0x1234).write(to: packet)
            payload.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: packet[12..<172]).copyMemory(from: $0) }
            blackHole(try! context.protectRTP(packet, length: 172))
        }
    }

    let sendContext = try! SRTPContext(profile: .aesCM128HMACSHA1_80, localKeyMaterial: key, remoteKeyMaterial: peerKey)
    let sender = AudioSender(ssrc: 0x1234, sequenceNumber: 1, timestamp: 0)
    sender.configure(payloadType: 0, law: .muLaw, ptime: 20, telephoneEvent: 101, srtp: sendContext)
    nonisolated(unsafe) var now: UInt64 = 0
    Benchmark("Media: send one 20 ms frame (G.711 + RTP + SRTP)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        tone.withUnsafeBufferPointer { samples in
            for _ in benchmark.scaledIterations {
                now += 20_000_000
                sender.push(samples, now: now) { blackHole($0.count) }
            }
        }
    }

    // The peer's packets, protected once before the run (a receiver must not see a packet twice).
    let count = 400_000
    let stream = ProtectedStream(count: count, key: peerKey, peerKey: key, tone: tone)
    let receiveContext = try! SRTPContext(profile: .aesCM128HMACSHA1_80, localKeyMaterial: key, remoteKeyMaterial: peerKey)
    let receiver = AudioReceiver(jitter: .init())
    receiver.configure(receiveCodecs: [0: .pcmu, 101: .telephoneEvent], srtp: receiveContext)
    let out = UnsafeMutableBufferPointer<Int16>.allocate(capacity: 160)
    nonisolated(unsafe) var index = 0
    // Each packet once: the receive benchmark stops before the stream runs out (a replay would be refused).
    Benchmark("Media: receive one 20 ms frame (SRTP + RTP + jitter buffer + G.711)",
              configuration: .init(scalingFactor: .kilo, maxIterations: count / 1000 - 10)) { benchmark in
        for _ in benchmark.scaledIterations {
            precondition(index < count, "the receive benchmark ran out of packets")
            let length = stream.lengths[index]
            UnsafeMutableRawBufferPointer(rebasing: packet[0..<length])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: stream.bytes[index * 200..<index * 200 + length]))
            let now = UInt64(index) * 20_000_000
            blackHole(receiver.receive(packet, length: length, arrival: now))
            receiver.play(into: out, now: now)
            blackHole(out[0])
            index += 1
        }
    }
}

/// `count` consecutive SRTP packets of a 20 ms PCMU stream, 200 bytes apart.
final class ProtectedStream: @unchecked Sendable {
    let bytes: UnsafeMutableRawBufferPointer
    var lengths: [Int] = []

    init(count: Int, key: [UInt8], peerKey: [UInt8], tone: [Int16]) {
        bytes = .allocate(byteCount: count * 200, alignment: 8)
        let context = try! SRTPContext(profile: .aesCM128HMACSHA1_80, localKeyMaterial: key, remoteKeyMaterial: peerKey)
        let sender = AudioSender(ssrc: 0x5678, sequenceNumber: 100, timestamp: 0)
        sender.configure(payloadType: 0, law: .muLaw, ptime: 20, telephoneEvent: nil, srtp: context)
        lengths.reserveCapacity(count)
        tone.withUnsafeBufferPointer { samples in
            for index in 0..<count {
                sender.push(samples, now: UInt64(index) * 20_000_000) { datagram in
                    UnsafeMutableRawBufferPointer(rebasing: bytes[index * 200..<index * 200 + datagram.count]).copyMemory(from: datagram)
                    lengths.append(datagram.count)
                }
            }
        }
    }
}
