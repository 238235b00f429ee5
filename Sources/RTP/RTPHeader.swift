/// The fixed RTP header (RFC 3550 §5.1) and where the payload lies in a datagram.
/// Parsing and writing work on caller-owned buffers and never allocate: they run for every
/// packet of a call.
public struct RTPHeader: Sendable, Hashable {
    public var marker: Bool
    public var payloadType: UInt8
    public var sequenceNumber: UInt16
    public var timestamp: UInt32
    public var ssrc: UInt32

    /// Bytes of the fixed header, the only form we send (no CSRC list, no extension).
    public static let length = 12

    public init(marker: Bool = false, payloadType: UInt8, sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32) {
        self.marker = marker
        self.payloadType = payloadType
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
    }

    /// Writes the 12-byte header at the start of `buffer` and returns 12.
    @discardableResult
    public func write(to buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= Self.length, "an RTP header needs 12 bytes")
        buffer[0] = 0x80
        buffer[1] = (marker ? 0x80 : 0) | (payloadType & 0x7F)
        buffer[2] = UInt8(truncatingIfNeeded: sequenceNumber >> 8)
        buffer[3] = UInt8(truncatingIfNeeded: sequenceNumber)
        for index in 0..<4 {
            buffer[4 + index] = UInt8(truncatingIfNeeded: timestamp >> (24 - 8 * index))
            buffer[8 + index] = UInt8(truncatingIfNeeded: ssrc >> (24 - 8 * index))
        }
        return Self.length
    }
}

/// A received RTP packet: its header and the byte range of its payload (after the CSRC list,
/// the header extension and before any padding).
public struct RTPPacketView: Sendable, Hashable {
    public var header: RTPHeader
    public var payload: Range<Int>

    /// Reads a datagram (RFC 3550 §5.1, §5.3.1). Nothing is copied.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTPParseError) {
        guard bytes.count >= RTPHeader.length else { throw .truncated(bytes.count) }
        let first = bytes[0]
        guard first >> 6 == 2 else { throw .version(first >> 6) }
        func word(_ at: Int) -> UInt32 {
            UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
        }
        var start = RTPHeader.length + Int(first & 0x0F) * 4
        guard start <= bytes.count else { throw .truncated(bytes.count) }
        if first & 0x10 != 0 {
            guard start + 4 <= bytes.count else { throw .truncated(bytes.count) }
            let words = Int(bytes[start + 2]) << 8 | Int(bytes[start + 3])
            start += 4 + words * 4
            guard start <= bytes.count else { throw .extensionOverrun(declared: words * 4) }
        }
        var end = bytes.count
        if first & 0x20 != 0 {
            let padding = Int(bytes[bytes.count - 1])
            guard padding > 0, padding <= end - start else { throw .padding(padding) }
            end -= padding
        }
        header = RTPHeader(marker: bytes[1] & 0x80 != 0, payloadType: bytes[1] & 0x7F,
                           sequenceNumber: UInt16(bytes[2]) << 8 | UInt16(bytes[3]),
                           timestamp: word(4), ssrc: word(8))
        payload = start..<end
    }
}

/// Why a datagram is not a usable RTP packet. Counted and dropped by the media plane.
public enum RTPParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Shorter than its headers say (the count is the datagram's length).
    case truncated(Int)
    /// Not RTP version 2.
    case version(UInt8)
    /// A header extension longer than the datagram.
    case extensionOverrun(declared: Int)
    /// A padding count of zero or longer than the payload.
    case padding(Int)

    public var description: String {
        switch self {
        case .truncated(let length): "RTP packet truncated (\(length) bytes)"
        case .version(let version): "RTP version \(version), expected 2"
        case .extensionOverrun(let declared): "RTP header extension of \(declared) bytes runs past the packet"
        case .padding(let count): "RTP padding count \(count) is invalid"
        }
    }
}
