/// One encoded picture, lent to the body closure of `H264Encoder.encode`: the bytes belong to x264 and
/// are overwritten by the next encode call, so a sender packetizes them (RFC 6184) or copies them before returning.
public struct EncodedAccessUnit {
    /// The access unit as x264 wrote it: Annex B NAL units (x264 guarantees the payloads of one encode call are contiguous).
    /// Valid only inside the body closure.
    ///
    /// An IDR picture starts with its SPS and PPS (in-band parameter sets, so a receiver that joins late or lost
    /// the SDP's `sprop-parameter-sets` can still decode). The first access unit of a stream has no SEI: the
    /// encoder drops x264's version SEI (see `H264Encoder.encode`).
    public var annexB: UnsafeRawBufferPointer
    /// Whether this is an IDR picture: a receiver can start decoding here.
    public var isKeyFrame: Bool
    /// The `I420Frame`'s `timestamp` (ns, monotonic clock), for the RTP timestamp and for latency figures.
    public var captureTimestamp: UInt64
    /// The `I420Frame`'s `sequence`.
    public var sequence: UInt64

    public init(annexB: UnsafeRawBufferPointer, isKeyFrame: Bool, captureTimestamp: UInt64, sequence: UInt64) {
        self.annexB = annexB
        self.isKeyFrame = isKeyFrame
        self.captureTimestamp = captureTimestamp
        self.sequence = sequence
    }
}
