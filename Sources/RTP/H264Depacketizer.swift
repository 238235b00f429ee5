/// Rebuilds H.264 access units from RTP payloads (RFC 6184, packetization modes 0 and 1).
///
/// Packets come in sequence-number order (reordering is the caller's job, in its jitter buffer).
/// Single NAL unit packets (types 1–23), STAP-A (24) and FU-A (28) are understood; the mode 2
/// structures (STAP-B, MTAP, FU-B) and anything else that cannot be a valid payload are counted in
/// `malformedPackets`. A unit is delivered only when all its packets arrived and were valid:
///
/// - A gap in the sequence numbers drops the open access unit and the one the packet after the gap
///   belongs to (the lost packets may have been its beginning). A packet up to 100 behind the
///   expected one (a duplicate, or one the caller did not reorder) is ignored; a jump of more
///   than 3000 ahead or 100 behind (RFC 3550 §A.1's MAX_DROPOUT and MAX_MISORDER: the sender
///   restarted its sequence) drops the open unit without counting a loss.
/// - A malformed packet drops its access unit too: the rest of its packets are ignored.
/// - Either sets `needsKeyFrame`. Access units after it are still delivered (a decoder conceals
///   what they refer to); the flag clears with the first access unit holding an IDR slice.
///
/// Delivered units are normalized: every NAL unit is preceded by `00 00 00 01`. The unit's bytes
/// are collected in one buffer that is reused for the next unit when the consumer did not keep the
/// delivered array; one that keeps it costs an allocation per unit.
///
/// `needsKeyFrame` starts false: a stream begins with an IDR, and a receiver joining a running one
/// asks for a key frame on its own when none came.
public struct H264Depacketizer: Sendable {
    /// A complete access unit (a picture with its parameter sets and SEI).
    public struct AccessUnit: Sendable, Hashable {
        /// The NAL units, each preceded by `00 00 00 01`.
        public var annexB: [UInt8]
        /// The RTP timestamp of its packets (90 kHz).
        public var timestamp: UInt32
        /// Contains an IDR slice: decoding can start here.
        public var isKeyFrame: Bool
        /// Contains both an SPS and a PPS.
        public var hasParameterSets: Bool

        public init(annexB: [UInt8], timestamp: UInt32, isKeyFrame: Bool, hasParameterSets: Bool) {
            self.annexB = annexB
            self.timestamp = timestamp
            self.isKeyFrame = isKeyFrame
            self.hasParameterSets = hasParameterSets
        }
    }

    public struct Statistics: Sendable, Hashable {
        /// Access units delivered.
        public var accessUnits = 0
        /// Of those, the ones with an IDR slice.
        public var keyFrames = 0
        /// Access units not delivered because packets were lost, malformed or missing.
        public var droppedAccessUnits = 0
        /// Packets that are not a valid payload in packetization mode 0 or 1.
        public var malformedPackets = 0
        /// Packets missing in the sequence numbers.
        public var lostPackets = 0

        public init(accessUnits: Int = 0, keyFrames: Int = 0, droppedAccessUnits: Int = 0,
                    malformedPackets: Int = 0, lostPackets: Int = 0) {
            self.accessUnits = accessUnits
            self.keyFrames = keyFrames
            self.droppedAccessUnits = droppedAccessUnits
            self.malformedPackets = malformedPackets
            self.lostPackets = lostPackets
        }
    }

    public private(set) var statistics = Statistics()
    /// True after a lost or corrupt packet until the next access unit with an IDR: the receiver
    /// should send PLI (RFC 4585) / FIR.
    public private(set) var needsKeyFrame = false

    private let maxAccessUnitSize: Int
    private var expectedSequenceNumber: UInt16?
    private var state = State.idle
    /// The timestamp of the unit being assembled or discarded.
    private var unitTimestamp: UInt32 = 0
    private var unit: [UInt8] = []
    /// The type of the NAL unit an FU-A is rebuilding, 0 when none is open.
    private var fragmentType: UInt8 = 0
    private var hasIDRSlice = false
    private var hasSPS = false
    private var hasPPS = false

    private enum State {
        /// Between access units.
        case idle
        /// Collecting the unit of `unitTimestamp`.
        case assembling
        /// Ignoring the rest of the unit of `unitTimestamp`, which is lost.
        case discarding
    }

    /// RFC 3550 §A.1: larger jumps are a restarted sequence rather than loss or misordering.
    private static let maxDropout: UInt16 = 3000
    private static let maxMisorder: UInt16 = 100

    /// - Parameter maxAccessUnitSize: the largest access unit accepted, in bytes of Annex B; a
    ///   larger one is malformed (a sender gone wrong must not take all our memory).
    public init(maxAccessUnitSize: Int = 4 << 20) {
        precondition(maxAccessUnitSize > 0, "the largest access unit must be positive")
        self.maxAccessUnitSize = maxAccessUnitSize
    }

    /// Feeds one RTP packet's payload, in sequence-number order (the caller reorders; a gap counts
    /// as loss and drops the open access unit). Calls `deliver` with each access unit completed by
    /// this packet: on the marker bit, or when the timestamp changes while one was open with no
    /// loss (some senders omit the marker).
    public mutating func push(payload: UnsafeRawBufferPointer, sequenceNumber: UInt16, timestamp: UInt32,
                              marker: Bool, deliver: (AccessUnit) throws -> Void) rethrows {
        if let expected = expectedSequenceNumber, sequenceNumber != expected {
            let ahead = sequenceNumber &- expected
            if ahead >= 0 &- Self.maxMisorder { return }  // late or duplicate: its unit is gone
            if ahead < Self.maxDropout { statistics.lostPackets += Int(ahead) }
            discard(timestamp)
        }
        expectedSequenceNumber = sequenceNumber &+ 1

        if state != .idle, timestamp != unitTimestamp {
            if state == .assembling { try complete(deliver) }
            state = .idle
        }
        if state == .idle { begin(timestamp) }
        if state == .assembling, !append(payload) {
            statistics.malformedPackets += 1
            discard(timestamp)
        }
        if marker {
            // RFC 6184 §5.1: the marker is on the last packet of the access unit.
            if state == .assembling { try complete(deliver) }
            state = .idle
        }
    }

    private mutating func begin(_ timestamp: UInt32) {
        state = .assembling
        unitTimestamp = timestamp
        unit.removeAll(keepingCapacity: true)
        fragmentType = 0
        hasIDRSlice = false
        hasSPS = false
        hasPPS = false
    }

    /// Drops the open unit and ignores the rest of the unit of `timestamp`.
    private mutating func discard(_ timestamp: UInt32) {
        let isSameUnit = state != .idle && unitTimestamp == timestamp
        if state == .assembling { statistics.droppedAccessUnits += 1 }
        // Another unit than the open one loses its beginning (or this packet): it goes too.
        if !isSameUnit { statistics.droppedAccessUnits += 1 }
        state = .discarding
        unitTimestamp = timestamp
        fragmentType = 0
        needsKeyFrame = true
    }

    /// Ends the open unit: delivers it, or drops it when a fragmented NAL unit in it never ended.
    private mutating func complete(_ deliver: (AccessUnit) throws -> Void) rethrows {
        state = .idle
        guard fragmentType == 0 else {
            statistics.droppedAccessUnits += 1
            needsKeyFrame = true
            return
        }
        statistics.accessUnits += 1
        if hasIDRSlice {
            statistics.keyFrames += 1
            needsKeyFrame = false
        }
        try deliver(AccessUnit(annexB: unit, timestamp: unitTimestamp, isKeyFrame: hasIDRSlice,
                               hasParameterSets: hasSPS && hasPPS))
    }

    /// Appends the NAL units of one payload to the open unit; false when the payload is malformed
    /// (the unit is dropped then, so a partial append does not matter).
    private mutating func append(_ payload: UnsafeRawBufferPointer) -> Bool {
        // RFC 6184 §5.3: a set F bit says the unit is corrupt.
        guard let header = payload.first, header & H264NALUnit.forbiddenBit == 0 else { return false }
        let type = H264NALUnit.type(header)
        // An FU-A must continue until its end (§5.8): nothing else may come in between.
        guard type == H264NALUnit.fuA || fragmentType == 0 else { return false }
        if H264NALUnit.isCodecType(type) {
            return appendNALUnit(payload)  // §5.6: a single NAL unit packet is the NAL unit
        } else if type == H264NALUnit.stapA {
            return appendAggregate(payload)
        } else if type == H264NALUnit.fuA {
            return appendFragment(payload)
        }
        return false  // 0, and 25–27, 29 (mode 2 only), 30, 31 (RFC 6184 §5.4)
    }

    /// RFC 6184 §5.7.1: after the STAP-A header, units each preceded by a 16-bit size. Checked whole
    /// before anything is appended.
    private mutating func appendAggregate(_ payload: UnsafeRawBufferPointer) -> Bool {
        var offset = 1
        var total = 0
        while offset < payload.count {
            guard offset + 2 <= payload.count else { return false }
            let size = Int(payload[offset]) << 8 | Int(payload[offset + 1])
            guard size > 0, size <= payload.count - offset - 2 else { return false }
            let header = payload[offset + 2]
            guard header & H264NALUnit.forbiddenBit == 0, H264NALUnit.isCodecType(H264NALUnit.type(header)) else {
                return false
            }
            offset += 2 + size
            total += 4 + size
        }
        guard total > 0, fits(total) else { return false }
        offset = 1
        while offset < payload.count {
            let size = Int(payload[offset]) << 8 | Int(payload[offset + 1])
            _ = appendNALUnit(UnsafeRawBufferPointer(rebasing: payload[(offset + 2)..<(offset + 2 + size)]))
            offset += 2 + size
        }
        return true
    }

    /// RFC 6184 §5.8: FU indicator (F, NRI, 28), FU header (S, E, R, type), then a piece of the unit
    /// without its header byte, which is rebuilt from the indicator's F and NRI and the header's type.
    private mutating func appendFragment(_ payload: UnsafeRawBufferPointer) -> Bool {
        guard payload.count >= 2 else { return false }
        let fuHeader = payload[1]
        let isStart = fuHeader & 0x80 != 0
        let isEnd = fuHeader & 0x40 != 0
        let type = H264NALUnit.type(fuHeader)
        guard !(isStart && isEnd), H264NALUnit.isCodecType(type) else { return false }
        let piece = UnsafeRawBufferPointer(rebasing: payload[2...])
        if isStart {
            guard fragmentType == 0, fits(5 + piece.count) else { return false }
            appendStartCode()
            unit.append(payload[0] & (H264NALUnit.forbiddenBit | H264NALUnit.nriMask) | type)
            noteType(type)
            fragmentType = type
        } else {
            guard fragmentType == type, fits(piece.count) else { return false }
            if isEnd { fragmentType = 0 }
        }
        unit.append(contentsOf: piece)
        return true
    }

    private mutating func appendNALUnit(_ nalUnit: UnsafeRawBufferPointer) -> Bool {
        guard fits(4 + nalUnit.count) else { return false }
        appendStartCode()
        unit.append(contentsOf: nalUnit)
        noteType(H264NALUnit.type(nalUnit[0]))
        return true
    }

    private mutating func appendStartCode() {
        unit.append(0)
        unit.append(0)
        unit.append(0)
        unit.append(1)
    }

    private func fits(_ count: Int) -> Bool { count <= maxAccessUnitSize - unit.count }

    private mutating func noteType(_ type: UInt8) {
        switch type {
        case H264NALUnit.idrSlice: hasIDRSlice = true
        case H264NALUnit.sps: hasSPS = true
        case H264NALUnit.pps: hasPPS = true
        default: break
        }
    }
}
