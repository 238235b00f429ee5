import RTP
import SRTP

/// The send side of a video stream: an encoded access unit → RFC 6184 payloads → RTP → SRTP.
/// The RTP timestamp runs on the 90 kHz clock from each frame's capture time (RFC 6184 §5.1),
/// so the receiver sees the camera's timing, not the encoder's. `send` allocates nothing.
final class VideoSender: RTCPSendingSide {
    let ssrc: UInt32
    let clockRate: UInt64 = 90_000
    private(set) var sequenceNumber: UInt16
    private let timestampBase: UInt32
    private var firstCapture: UInt64?
    private(set) var statistics = SenderStatistics()
    private(set) var lastPacket: (timestamp: UInt32, time: UInt64)?
    private(set) var protectFailures = 0
    /// NAL units too large for a single-NAL packet (packetization-mode 0) that were dropped.
    private(set) var oversizedNALUnits = 0
    private(set) var framesSent = 0
    private(set) var keyFramesSent = 0

    private var payloadType: UInt8 = 96
    private var packetizer: H264Packetizer
    private var srtp: SRTPContext?
    private let packet: UnsafeMutableRawBufferPointer

    init(ssrc: UInt32, sequenceNumber: UInt16, timestamp: UInt32, maxPayloadSize: Int) {
        self.ssrc = ssrc
        self.sequenceNumber = sequenceNumber
        timestampBase = timestamp
        packetizer = H264Packetizer(packetizationMode: 1, maxPayloadSize: maxPayloadSize)
        // Room for the RTP header, the payload and the largest SRTP trailer libsrtp may write
        // (it refuses to protect without that room, whatever the suite's real tag).
        packet = .allocate(byteCount: RTPHeader.length + maxPayloadSize + SRTPContext.maximumTrailerLength, alignment: 8)
    }

    deinit { packet.deallocate() }

    var packetizationMode: Int { packetizer.packetizationMode }

    /// Applies the negotiated payload type, packetization mode and SRTP keys.
    func configure(payloadType: UInt8, packetizationMode: Int, srtp: SRTPContext?) {
        self.payloadType = payloadType
        self.srtp = srtp
        if packetizationMode != packetizer.packetizationMode {
            packetizer = H264Packetizer(packetizationMode: packetizationMode, maxPayloadSize: packetizer.maxPayloadSize)
        }
    }

    /// The RTP timestamp of a frame captured at `capture` (monotonic ns).
    func timestamp(forCapture capture: UInt64) -> UInt32 {
        let first = firstCapture ?? capture
        firstCapture = first
        let ticks = (capture &- first) / 1000 * clockRate / 1_000_000
        return timestampBase &+ UInt32(truncatingIfNeeded: ticks)
    }

    /// Sends one access unit; `emit` gets each finished (protected) datagram.
    func send(annexB: UnsafeRawBufferPointer, captureTime: UInt64, isKeyFrame: Bool, now: UInt64, emit: (UnsafeRawBufferPointer) -> Void) {
        let timestamp = timestamp(forCapture: captureTime)
        oversizedNALUnits += packetizer.packetize(annexB: annexB) { payload, marker in
            let header = RTPHeader(marker: marker, payloadType: payloadType, sequenceNumber: sequenceNumber, timestamp: timestamp, ssrc: ssrc)
            header.write(to: packet)
            UnsafeMutableRawBufferPointer(rebasing: packet[RTPHeader.length..<RTPHeader.length + payload.count]).copyMemory(from: payload)
            var length = RTPHeader.length + payload.count
            sequenceNumber &+= 1
            if let srtp {
                do {
                    length = try srtp.protectRTP(packet, length: length)
                } catch {
                    // Counted; the receiver sees a gap and asks for a key frame.
                    protectFailures += 1
                    return
                }
            }
            statistics.sent(payloadBytes: payload.count)
            lastPacket = (timestamp, now)
            emit(UnsafeRawBufferPointer(rebasing: packet[0..<length]))
        }
        framesSent += 1
        if isKeyFrame { keyFramesSent += 1 }
    }
}
