/// `[rtp]`: media ports, jitter buffers, packet times, timeouts and DSCP marks (linphonerc.md §7).
public struct RTPSettings: Sendable, Hashable {
    /// `audio_rtp_port` (`-1` | port | `min-max`, -1): where audio RTP is received.
    public var audioPorts: PortRange
    /// `video_rtp_port` (`-1` | port | `min-max`, -1): where video RTP is received.
    public var videoPorts: PortRange
    /// `audio_jitt_comp` (int ms, 60, 0…1000): nominal audio jitter buffer; 0 turns it off.
    public var audioJitterCompensation: Int
    /// `video_jitt_comp` (int ms, 60, 0…1000; 0 means 60 as in linphone).
    public var videoJitterCompensation: Int
    /// `audio_adaptive_jitt_comp_enabled` (bool, 1): let the audio jitter buffer adapt.
    public var adaptiveAudioJitter: Bool
    /// `jitter_buffer_min_size` (int ms, 40, 0…1000) and `jitter_buffer_max_size` (int ms, 500, 20…5000): bounds of the adaptive size.
    public var jitterBufferMinimum: Int
    public var jitterBufferMaximum: Int
    /// `nortp_timeout` (int s, 30, 0…3600): end the call when no RTP or RTCP arrives for this long; 0 turns it off.
    public var noRTPTimeout: Int
    /// `download_ptime` (int ms, 0 = unspecified, 0…120): the `a=ptime` we ask for.
    public var downloadPtime: Int
    /// `upload_ptime` (int ms, 0 = codec default, 0…120): our packet time when the peer names none.
    public var uploadPtime: Int
    /// `audio_dscp` (int 0…63, 0x2e = EF): DSCP of audio packets.
    public var audioDSCP: Int
    /// `video_dscp` (int 0…63, 0x22 = AF41): DSCP of video packets (linphone defaults to 0; a door station's video deserves AF41).
    public var videoDSCP: Int

    public init() {
        var reader = SectionReader("rtp", nil, context: ConfigReadContext())
        self.init(&reader)
    }

    init(_ r: inout SectionReader) {
        audioPorts = r.custom("audio_rtp_port", default: PortRange.any, render: \.description, parse: PortRange.parse)
        videoPorts = r.custom("video_rtp_port", default: PortRange.any, render: \.description, parse: PortRange.parse)
        audioJitterCompensation = r.int("audio_jitt_comp", default: 60, in: 0...1000, unit: "ms", reload: .nextCall)
        let video = r.int("video_jitt_comp", default: 60, in: 0...1000, unit: "ms", reload: .nextCall)
        videoJitterCompensation = video == 0 ? 60 : video
        adaptiveAudioJitter = r.bool("audio_adaptive_jitt_comp_enabled", default: true, reload: .nextCall)
        jitterBufferMinimum = r.int("jitter_buffer_min_size", default: 40, in: 0...1000, unit: "ms", reload: .nextCall)
        jitterBufferMaximum = r.int("jitter_buffer_max_size", default: 500, in: 20...5000, unit: "ms", reload: .nextCall)
        noRTPTimeout = r.int("nortp_timeout", default: 30, in: 0...3600, unit: "s", reload: .nextCall)
        downloadPtime = r.int("download_ptime", default: 0, in: 0...120, unit: "ms", reload: .nextCall)
        uploadPtime = r.int("upload_ptime", default: 0, in: 0...120, unit: "ms", reload: .nextCall)
        audioDSCP = r.int("audio_dscp", default: 0x2e, in: 0...63, reload: .nextCall)
        videoDSCP = r.int("video_dscp", default: 0x22, in: 0...63, reload: .nextCall)
        if jitterBufferMinimum > jitterBufferMaximum {
            r.error("jitter_buffer_min_size", "\(jitterBufferMinimum) ms is above jitter_buffer_max_size (\(jitterBufferMaximum) ms)")
        }
    }
}
