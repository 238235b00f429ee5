extension AudioJitterBuffer {
    /// How the buffer is sized; the `[rtp]` keys of linphonerc.md §7.
    public struct Configuration: Sendable, Hashable {
        /// Samples per second, equal to the RTP clock rate (8000 for G.711).
        public var sampleRate: Int
        /// `audio_jitt_comp` (ms, 60): the delay to start with, and to keep when not adaptive.
        ///
        /// 0 turns the jitter buffer off, as in linphone: no adaptation, and the least delay the
        /// read cadence allows, one read period plus 2 ms. A packet of average transit is played by
        /// the first read after it arrives; one that comes later than that is late, and its gap is
        /// concealed. Clock drift is still followed.
        public var nominalDelayMilliseconds: Int
        /// `audio_adaptive_jitt_comp_enabled` (true): let the delay follow the measured jitter.
        public var adaptive: Bool
        /// `jitter_buffer_min_size` (ms, 40): the least adaptive delay; lowered to the nominal delay
        /// when that is smaller.
        public var minimumDelayMilliseconds: Int
        /// `jitter_buffer_max_size` (ms, 500): the largest adaptive delay; raised to the nominal delay
        /// when that is larger.
        public var maximumDelayMilliseconds: Int

        public init(sampleRate: Int = 8000, nominalDelayMilliseconds: Int = 60, adaptive: Bool = true,
                    minimumDelayMilliseconds: Int = 40, maximumDelayMilliseconds: Int = 500) {
            self.sampleRate = sampleRate
            self.nominalDelayMilliseconds = nominalDelayMilliseconds
            self.adaptive = adaptive
            self.minimumDelayMilliseconds = minimumDelayMilliseconds
            self.maximumDelayMilliseconds = maximumDelayMilliseconds
        }
    }

    /// What became of an inserted packet.
    public enum InsertResult: Sendable, Hashable {
        /// Stored (all of it, or the part not yet played or not yet present).
        case stored
        /// Too late: its playout time had begun, its first samples were concealed. Those still
        /// ahead of the playout point, if any, were stored. Counted in `lateDrops`.
        case late
        /// All its samples were present already. Counted in `duplicateDrops`.
        case duplicate
        /// Further ahead than the buffer holds while the stream's timing is unchanged: the reader is
        /// not keeping up. Dropped and counted in `overflowDrops`.
        case overflow
        /// The timestamps jumped (further than the buffer holds, or far back, or ten packets in a
        /// row were late): the buffer restarted from this packet. Counted in `resynchronizations`.
        case resynchronized
    }
}
