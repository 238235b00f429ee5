/// Splits H.264 access units into RTP payloads (RFC 6184).
///
/// Packetization mode 0 (single NAL unit mode, §6.2) sends each NAL unit in a packet of its own
/// and drops the units larger than `maxPayloadSize`, which that mode cannot send. Mode 1
/// (non-interleaved mode, §6.3) also has STAP-A and FU-A:
/// - consecutive NAL units that are not slices (parameter sets, SEI, delimiters: what x264 writes
///   before an IDR slice) travel together in one STAP-A when at least two of them fit;
/// - a slice that fits goes alone, as a single NAL unit packet. A packet then never carries more
///   than one slice, so a lost packet costs at most one slice, and the picture's last packet (the
///   one with the marker) is a slice;
/// - a NAL unit larger than `maxPayloadSize` is cut into FU-A fragments of near-equal size.
///
/// The packetizer keeps no state between access units. Its one scratch buffer is allocated in
/// `init`: `packetize` allocates nothing.
public struct H264Packetizer: Sendable {
    /// 0 (single NAL unit) or 1 (non-interleaved), as signalled by `packetization-mode` in SDP.
    public let packetizationMode: Int
    /// The largest RTP payload to produce, in bytes (without the RTP header).
    public let maxPayloadSize: Int
    private var scratch: Scratch

    public init(packetizationMode: Int, maxPayloadSize: Int) {
        precondition(packetizationMode == 0 || packetizationMode == 1, "packetization mode must be 0 or 1")
        precondition(maxPayloadSize >= 100, "a payload of at least 100 bytes is needed")
        self.packetizationMode = packetizationMode
        self.maxPayloadSize = maxPayloadSize
        scratch = Scratch(byteCount: maxPayloadSize)
    }

    /// Splits one access unit (Annex B, as x264 writes it) into RTP payloads; calls
    /// `emit(payload, marker)` for each in order; `marker` is true only on the last packet of the
    /// access unit (RFC 6184 §5.1). The payload buffer is reused: valid only during the call.
    /// Returns the number of NAL units that could not be sent (mode 0, larger than
    /// `maxPayloadSize`, RFC 6184 §6.2) and were dropped.
    @discardableResult
    public mutating func packetize(annexB: UnsafeRawBufferPointer,
                                   emit: (UnsafeRawBufferPointer, _ marker: Bool) throws -> Void) rethrows -> Int {
        // A copy of this packetizer shares the buffer: it gets its own before writing (allocates
        // only on the first call after a copy).
        if !isKnownUniquelyReferenced(&scratch) { scratch = Scratch(byteCount: maxPayloadSize) }
        var builder = PacketBuilder(buffer: scratch.bytes, isSingleNALUnitMode: packetizationMode == 0)
        try AnnexB.forEachNALUnit(in: annexB) { unit in try builder.add(unit, emit: emit) }
        try builder.finish(emit: emit)
        return builder.droppedUnits
    }
}

/// The packets of one access unit, as they are decided.
///
/// The marker goes on the last packet, which is known only at the end: so each packet is held
/// back (`pending`) until the next one is certain, then emitted without the marker. A pending
/// packet is either a NAL unit of the caller's stream, sent as it lies, or bytes in `buffer`; the
/// pending packet is always emitted before `buffer` is written again, so one buffer suffices.
private struct PacketBuilder {
    let buffer: UnsafeMutableRawBufferPointer
    let isSingleNALUnitMode: Bool
    var maxPayloadSize: Int { buffer.count }
    private(set) var droppedUnits = 0
    private var pending: UnsafeRawBufferPointer?

    /// The STAP-A being filled in `buffer`: its length, how many units it holds, the first one.
    private var aggregateLength = 0
    private var aggregateCount = 0
    private var firstAggregated = UnsafeRawBufferPointer(start: nil, count: 0)
    /// RFC 6184 §5.7.1: the STAP-A's F bit is the OR and its NRI the maximum of its units'.
    private var aggregateF: UInt8 = 0
    private var aggregateNRI: UInt8 = 0

    /// Bytes a STAP-A spends before its first unit: its NAL header and the unit's 16-bit size.
    private static let stapAOverhead = 3

    init(buffer: UnsafeMutableRawBufferPointer, isSingleNALUnitMode: Bool) {
        self.buffer = buffer
        self.isSingleNALUnitMode = isSingleNALUnitMode
    }

    mutating func add(_ unit: UnsafeRawBufferPointer,
                      emit: (UnsafeRawBufferPointer, Bool) throws -> Void) rethrows {
        if isSingleNALUnitMode {
            // RFC 6184 §6.2: one NAL unit per packet; what does not fit cannot be sent.
            if unit.count > maxPayloadSize { droppedUnits += 1 } else { try send(unit, emit: emit) }
        } else if unit.count > maxPayloadSize {
            try closeAggregate(emit: emit)
            try fragment(unit, emit: emit)
        } else if H264NALUnit.isSlice(H264NALUnit.type(unit[0])) {
            try closeAggregate(emit: emit)
            try send(unit, emit: emit)
        } else if aggregateCount > 0, aggregateLength + 2 + unit.count <= maxPayloadSize {
            appendToAggregate(unit)
        } else {
            try closeAggregate(emit: emit)
            if Self.stapAOverhead + unit.count <= maxPayloadSize {
                try emitPending(emit: emit)  // the aggregate is about to overwrite `buffer`
                aggregateLength = 1
                appendToAggregate(unit)
            } else {
                try send(unit, emit: emit)
            }
        }
    }

    /// Emits the last packet, with the marker (RFC 6184 §5.1).
    mutating func finish(emit: (UnsafeRawBufferPointer, Bool) throws -> Void) rethrows {
        try closeAggregate(emit: emit)
        if let last = pending {
            pending = nil
            try emit(last, true)
        }
    }

    /// Makes `packet` the pending one; the one before goes out without the marker.
    private mutating func send(_ packet: UnsafeRawBufferPointer,
                               emit: (UnsafeRawBufferPointer, Bool) throws -> Void) rethrows {
        try emitPending(emit: emit)
        pending = packet
    }

    private mutating func emitPending(emit: (UnsafeRawBufferPointer, Bool) throws -> Void) rethrows {
        guard let packet = pending else { return }
        pending = nil
        try emit(packet, false)
    }

    // RFC 6184 §5.7.1: each aggregated unit is preceded by its size in 16 bits, network order.
    private mutating func appendToAggregate(_ unit: UnsafeRawBufferPointer) {
        buffer[aggregateLength] = UInt8(truncatingIfNeeded: unit.count >> 8)
        buffer[aggregateLength + 1] = UInt8(truncatingIfNeeded: unit.count)
        UnsafeMutableRawBufferPointer(rebasing: buffer[(aggregateLength + 2)...]).copyMemory(from: unit)
        aggregateLength += 2 + unit.count
        if aggregateCount == 0 {
            firstAggregated = unit
            aggregateF = 0
            aggregateNRI = 0
        }
        aggregateCount += 1
        aggregateF |= unit[0] & H264NALUnit.forbiddenBit
        aggregateNRI = max(aggregateNRI, unit[0] & H264NALUnit.nriMask)
    }

    /// Sends the aggregate: as a STAP-A when it holds two units or more, else its one unit as a
    /// single NAL unit packet (a STAP-A of one unit would only cost three bytes).
    private mutating func closeAggregate(emit: (UnsafeRawBufferPointer, Bool) throws -> Void) rethrows {
        let count = aggregateCount
        aggregateCount = 0
        if count == 1 {
            try send(firstAggregated, emit: emit)
        } else if count > 1 {
            buffer[0] = aggregateF | aggregateNRI | H264NALUnit.stapA
            try send(UnsafeRawBufferPointer(rebasing: buffer[..<aggregateLength]), emit: emit)
        }
    }

    /// RFC 6184 §5.8: the unit's header byte is not sent; its F and NRI go into the FU indicator
    /// (type 28) and its type into the FU header, with S on the first fragment and E on the last.
    /// The rest is cut into as few fragments as fit, of sizes differing by at most one byte
    /// (rather than full fragments and a small last one). A unit larger than `maxPayloadSize` always
    /// needs at least two fragments, so no fragment has both S and E, which §5.8 forbids.
    private mutating func fragment(_ unit: UnsafeRawBufferPointer,
                                   emit: (UnsafeRawBufferPointer, Bool) throws -> Void) rethrows {
        let header = unit[0]
        let indicator = header & (H264NALUnit.forbiddenBit | H264NALUnit.nriMask) | H264NALUnit.fuA
        let body = unit.count - 1
        let capacity = maxPayloadSize - 2
        let fragments = (body + capacity - 1) / capacity
        let size = body / fragments
        let longer = body % fragments  // the first `longer` fragments carry one byte more
        var offset = 1
        for index in 0..<fragments {
            let length = size + (index < longer ? 1 : 0)
            try emitPending(emit: emit)  // frees `buffer`
            buffer[0] = indicator
            buffer[1] = (index == 0 ? 0x80 : 0) | (index == fragments - 1 ? 0x40 : 0) | H264NALUnit.type(header)
            UnsafeMutableRawBufferPointer(rebasing: buffer[2...])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: unit[offset..<(offset + length)]))
            offset += length
            pending = UnsafeRawBufferPointer(rebasing: buffer[..<(2 + length)])
        }
    }
}

/// The packetizer's scratch buffer, allocated once. `@unchecked Sendable`: only the packetizer
/// holding the sole reference writes to it (`packetize` checks, and replaces a shared one), and a
/// packetizer is mutated by one thread at a time.
private final class Scratch: @unchecked Sendable {
    let bytes: UnsafeMutableRawBufferPointer

    init(byteCount: Int) {
        bytes = .allocate(byteCount: byteCount, alignment: 1)
    }

    deinit { bytes.deallocate() }
}
