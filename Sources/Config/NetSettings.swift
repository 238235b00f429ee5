/// `[net]`: what the network path allows (linphonerc.md §10).
public struct NetSettings: Sendable, Hashable {
    /// `mtu` (int bytes, 1300, 576…9000): the largest IP packet we send; video RTP packets are
    /// cut to fit (RFC 6184 FU-A) with room for the IP, UDP, RTP and SRTP headers.
    public var mtu: Int
    /// `upload_bw` (int kbit/s, 0 = unlimited, 0…100000): our upstream; the video bit rate is
    /// kept below it, leaving room for audio.
    public var uploadBandwidth: Int

    public init() {
        var reader = SectionReader("net", nil, context: ConfigReadContext())
        self.init(&reader)
    }

    init(_ r: inout SectionReader) {
        mtu = r.int("mtu", default: 1300, in: 576...9000, unit: "bytes", reload: .nextCall)
        uploadBandwidth = r.int("upload_bw", default: 0, in: 0...100_000, unit: "kbit/s", reload: .nextCall)
    }

    /// The largest RTP payload that fits the MTU: IPv6 (40) + UDP (8) + RTP (12) + SRTP tag (16)
    /// and room for one RTP header extension (16), so one figure serves every call.
    public var maxRTPPayload: Int { mtu - 40 - 8 - 12 - 16 - 16 }
}
