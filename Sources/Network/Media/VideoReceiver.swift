import Devices
import RTP
import SRTP

/// The receive side of a video stream (when `[video] display=1`, or a peer that sends video
/// anyway): SRTP → RTP checks → statistics → RFC 6184 depacketization into whole access units.
/// Lost or corrupt packets make it ask for a key frame. Bad packets are counted and dropped.
final class VideoReceiver: RTCPReceivingSide {
    enum Outcome: Equatable {
        /// A valid packet of the peer's stream.
        case video
        case dropped
    }

    private(set) var statistics = ReceptionStatistics(clockRate: 90_000)
    private(set) var depacketizer = H264Depacketizer()
    private var payloadTypes = Set<UInt8>()
    private(set) var remoteSSRC: UInt32?
    private var lastSequence: UInt16?

    private(set) var packets = 0
    private(set) var octets = 0
    private(set) var foreignSSRC = 0
    private(set) var unknownPayload = 0
    /// SRTP, the RTP parse, and what they dropped (also for the RTCP port).
    var intake = SRTPIntake()
    /// The size of the last access unit, and the last key frame's arrival.
    private(set) var lastAccessUnitBytes = 0
    /// Called with each complete access unit (e.g. to record it).
    var onAccessUnit: ((H264Depacketizer.AccessUnit) -> Void)?
    /// The screen (or the sim board's recording): gets the access units that decode.
    var display: (any VideoDisplay)?
    /// The display waits for a key frame at the start (we may join a running stream, or miss its
    /// first packets unnoticed) and after loss, so that what it gets always decodes.
    private var displayWaitsForKeyFrame = true
    private(set) var framesDisplayed = 0
    /// Why the display failed, until the video thread reports it (once: the display is dropped).
    var displayFailure: DeviceError?

    func configure(payloadTypes: Set<UInt8>, srtp: SRTPContext?) {
        self.payloadTypes = payloadTypes
        intake.srtp = srtp
    }

    /// One datagram of the RTP port (already classified as RTP); decrypted in place.
    func receive(_ buffer: UnsafeMutableRawBufferPointer, length: Int, arrival: UInt64) -> Outcome {
        guard case let (header, payload)? = intake.openRTP(buffer, length: length) else { return .dropped }
        if remoteSSRC == nil { remoteSSRC = header.ssrc }
        guard header.ssrc == remoteSSRC else {
            foreignSSRC += 1
            return .dropped
        }
        guard payloadTypes.contains(header.payloadType) else {
            unknownPayload += 1
            return .dropped
        }
        if statistics.record(sequence: header.sequenceNumber, timestamp: header.timestamp, arrival: arrival) == .tooFarAhead {
            return .dropped
        }
        // The depacketizer takes packets in order; a late one after its successor is useless
        // for a frame already given up.
        if let lastSequence, Int16(bitPattern: header.sequenceNumber &- lastSequence) <= 0 { return .video }
        lastSequence = header.sequenceNumber
        packets += 1
        octets += payload.count
        // Loss found by an earlier packet: units delivered from now on refer to a lost picture.
        if depacketizer.needsKeyFrame { displayWaitsForKeyFrame = true }
        depacketizer.push(payload: payload, sequenceNumber: header.sequenceNumber, timestamp: header.timestamp, marker: header.marker) { unit in
            lastAccessUnitBytes = unit.annexB.count
            onAccessUnit?(unit)
            show(unit)
        }
        return .video
    }

    /// Hands a unit to the display from a key frame on. The unit's bytes are only borrowed, so
    /// the depacketizer reuses its buffer for the next one.
    private func show(_ unit: H264Depacketizer.AccessUnit) {
        guard let display else { return }
        if unit.isKeyFrame { displayWaitsForKeyFrame = false }
        guard !displayWaitsForKeyFrame else { return }
        var failure: DeviceError?
        unit.annexB.withUnsafeBytes { bytes in
            do throws(DeviceError) {
                try display.show(annexB: bytes, isKeyFrame: unit.isKeyFrame)
            } catch {
                failure = error
            }
        }
        guard let failure else {
            framesDisplayed += 1
            return
        }
        display.close()
        self.display = nil
        displayFailure = failure
    }

    /// The picture is broken until the next key frame: worth a PLI.
    var needsKeyFrame: Bool { depacketizer.needsKeyFrame }



    func makeReportBlock(ssrc: UInt32, lastSR: UInt32, delaySinceLastSR: UInt32) -> RTCPReportBlock {
        statistics.makeReportBlock(ssrc: ssrc, lastSR: lastSR, delaySinceLastSR: delaySinceLastSR)
    }
}
