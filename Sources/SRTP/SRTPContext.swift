import CSRTP

/// SRTP and SRTCP (RFC 3711) for one media stream keyed by SDES (RFC 4568): one libsrtp session per direction.
///
/// - Outbound (`protectRTP`, `protectRTCP`) uses our master key ‖ salt, the one we put in our `a=crypto`,
///   for every SSRC we send (`ssrc_any_outbound`).
/// - Inbound (`unprotectRTP`, `unprotectRTCP`) uses the peer's, for every SSRC it sends (`ssrc_any_inbound`):
///   libsrtp gives each new SSRC its own rollover counter and replay window once a packet from it authenticates.
///
/// One class rather than a sender and a receiver: SDES keys a stream as a pair, and both directions
/// are driven by the same media loop. Not `Sendable`: libsrtp sessions are not thread-safe, so one owner
/// calls a context from one thread at a time. Packets are processed in place, without allocating.
///
/// A receiver learns the rollover counter only from sequence numbers it sees (RFC 3711 §3.3.1): one that
/// first hears a stream after its sequence number has wrapped fails to authenticate it, as RFC 3711 expects.
public final class SRTPContext: CustomStringConvertible, CustomDebugStringConvertible {
    /// The replay window, in packets, of each inbound SRTP stream (libsrtp accepts 64…32767, default 128).
    /// 1024 rather than 128: a video key frame arrives as a burst of hundreds of packets that Wi-Fi may reorder,
    /// and a late packet that is still wanted must not count as a replay; the cost is 128 bytes per stream.
    /// libsrtp's SRTCP window is fixed at 128.
    public static let replayWindowSize = 1024

    /// Spare bytes after a packet that always suffice for `protectRTP` and `protectRTCP`: libsrtp may write
    /// `SRTP_MAX_TRAILER_LEN` (144) bytes after an RTP packet, and 4 more after an RTCP one (srtp.h),
    /// although a profile adds only `rtpTagLength` or `rtcpTrailerLength` to the packet.
    public static let maximumTrailerLength = Int(csrtp_max_trailer_len()) + 4

    public let profile: SRTPProfile
    /// Inbound packets rejected so far.
    public private(set) var statistics = SRTPStatistics()

    private let outbound: SRTPSession
    private let inbound: SRTPSession

    /// Creates both sessions. `localKeyMaterial` is our master key ‖ master salt (from our `inline:`),
    /// `remoteKeyMaterial` the peer's; both must be `profile.keyMaterialLength` bytes. libsrtp derives
    /// its session keys from them here; the context keeps no copy, and no error or description shows them.
    ///
    /// The corresponding C function is `srtp_create`, once per direction.
    public init(profile: SRTPProfile, localKeyMaterial: [UInt8], remoteKeyMaterial: [UInt8]) throws(SRTPError) {
        if let failure = SRTPLibrary.initializationFailure { throw .libraryUnavailable(status: failure.code) }
        guard profile.isSupported else { throw .unsupportedProfile(profile) }
        try Self.validate(localKeyMaterial, "local", for: profile)
        try Self.validate(remoteKeyMaterial, "remote", for: profile)
        self.profile = profile
        do throws(SRTPStatus) {
            let window = Self.replayWindowSize
            outbound = try SRTPSession(
                profile: profile, direction: .outbound, replayWindowSize: window, keyMaterial: localKeyMaterial)
            inbound = try SRTPSession(
                profile: profile, direction: .inbound, replayWindowSize: window, keyMaterial: remoteKeyMaterial)
        } catch {
            throw .library(status: error.code, operation: "srtp_create")
        }
    }

    /// Encrypts and authenticates the RTP packet in `buffer[0..<length]` in place; returns the SRTP packet's length.
    /// `buffer` must start on a 4-byte boundary and hold 144 spare bytes after the packet, libsrtp's
    /// `SRTP_MAX_TRAILER_LEN` (`maximumTrailerLength` always suffices).
    /// On failure the buffer's contents are unspecified.
    ///
    /// The corresponding C function is `srtp_protect`.
    public func protectRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        try process(.protectRTP, buffer, length: length)
    }

    /// Authenticates, replay-checks and decrypts the SRTP packet in `buffer[0..<length]` in place;
    /// returns the RTP packet's length. Rejections are counted in `statistics`.
    ///
    /// The corresponding C function is `srtp_unprotect`.
    public func unprotectRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        try process(.unprotectRTP, buffer, length: length)
    }

    /// Encrypts and authenticates the (compound) RTCP packet in `buffer[0..<length]` in place, appending
    /// the SRTCP index and tag; returns the SRTCP packet's length. Buffer rules as for `protectRTP`.
    ///
    /// The corresponding C function is `srtp_protect_rtcp`.
    public func protectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        try process(.protectRTCP, buffer, length: length)
    }

    /// Authenticates, replay-checks and decrypts the SRTCP packet in `buffer[0..<length]` in place;
    /// returns the RTCP packet's length. Rejections are counted in `statistics`.
    ///
    /// The corresponding C function is `srtp_unprotect_rtcp`.
    public func unprotectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) throws(SRTPError) -> Int {
        try process(.unprotectRTCP, buffer, length: length)
    }

    public var description: String {
        "SRTPContext(\(profile), rejected: \(statistics.authenticationFailures) authentication, "
            + "\(statistics.replays) replayed, \(statistics.otherFailures) other)"
    }

    public var debugDescription: String { description }

    private func process(
        _ operation: SRTPSession.Operation, _ buffer: UnsafeMutableRawBufferPointer, length: Int
    ) throws(SRTPError) -> Int {
        precondition(
            length >= 0 && length <= buffer.count, "\(operation.rawValue): length \(length) outside a \(buffer.count)-byte buffer")
        do throws(SRTPError) {
            let (minimum, spare) = limits(operation)
            guard length >= minimum else { throw SRTPError.packetTooShort(length: length, minimum: minimum) }
            guard buffer.count - length >= spare else {
                throw SRTPError.bufferTooSmall(needed: length + spare, capacity: buffer.count)
            }
            let packet = buffer.baseAddress!  // not nil: length ≥ minimum > 0
            // srtp.h: libsrtp reads packets as 32-bit words.
            precondition(UInt(bitPattern: packet) % 4 == 0, "\(operation.rawValue): packet not aligned on 32 bits")
            let result =
                operation.isInbound
                ? inbound.apply(operation, to: packet, length: Int32(length))
                : outbound.apply(operation, to: packet, length: Int32(length))
            switch result {
            case .success(let newLength): return newLength
            case .failure(let status): throw SRTPError(status, operation: operation.rawValue)
            }
        } catch {
            if operation.isInbound { statistics.record(error) }
            throw error
        }
    }

    /// The shortest packet an operation accepts and the spare bytes it needs after the packet.
    private func limits(_ operation: SRTPSession.Operation) -> (minimum: Int, spare: Int) {
        let trailer = Int(csrtp_max_trailer_len())
        return switch operation {
        case .protectRTP: (12, trailer)  // the fixed RTP header (RFC 3550 §5.1)
        case .unprotectRTP: (12 + profile.rtpTagLength, 0)
        case .protectRTCP: (8, trailer + 4)  // RTCP header and sender SSRC (RFC 3550 §6.4)
        case .unprotectRTCP: (8 + profile.rtcpTrailerLength, 0)
        }
    }

    private static func validate(_ keyMaterial: [UInt8], _ side: String, for profile: SRTPProfile) throws(SRTPError) {
        guard keyMaterial.count != profile.keyMaterialLength else { return }
        throw .badKey(
            "\(side) key material is \(keyMaterial.count) bytes; \(profile) needs \(profile.keyMaterialLength) "
                + "(a \(profile.keyLength)-byte master key and a \(profile.saltLength)-byte master salt)")
    }
}
