extension AudioJitterBuffer {
    /// Peak amplitude below which a stretch counts as quiet (about −36 dBFS).
    static let quietPeak: Int16 = 512

    /// Fills all of `output`: received audio, concealment, or silence.
    /// - Parameter now: when the device takes these samples (monotonic nanoseconds, the clock of
    ///   `insert`). Reads should come every read period, as a sound card's do.
    public func read(into output: UnsafeMutableBufferPointer<Int16>, now: UInt64) {
        guard !output.isEmpty else { return }
        readSamples = output.count
        // Start at the read nearest to the start time.
        let halfRead = UInt64(output.count) * 500_000_000 / UInt64(sampleRate)
        if case .buffering(let startAt) = phase, now &+ halfRead >= startAt { startPlaying(now: now) }
        // More than a second behind the maximum delay (the reader stalled, the clock jumped): what
        // is stored is stale, start over with the next packet.
        if case .playing = phase, estimator.delay(now: now, position: position - origin)
            - estimator.target(readSamples: readSamples) > estimator.maximum + Double(sampleRate) {
            dropStream()
        }
        guard case .playing = phase else {
            // Before the first packet silence; after a restart what played fades out.
            for index in output.indices { output[index] = concealer.conceal() }
            return
        }
        var remaining = steer(now: now)
        var done = 0
        while done < output.count {
            let count = min(chunkLimit, output.count - done)
            let chunk = UnsafeMutableBufferPointer(rebasing: output[done..<(done + count)])
            let adjustment = remaining == 0 ? 0 : adjustment(toward: remaining, count: count)
            play(into: chunk, consuming: count + adjustment)
            remaining -= Double(adjustment)
            statistics.driftAdjustedSamples += abs(adjustment)
            done += count
        }
    }

    /// The playout point's start: where the target delay puts it, but not after the earliest
    /// packet, so that the stream plays from its beginning.
    private func startPlaying(now: UInt64) {
        let target = estimator.target(readSamples: readSamples)
        let desired = origin + Int64((estimator.delay(now: now, position: 0) - target).rounded(.down))
        let start = max(position, min(desired, earliest))
        var index = position
        while index < start {
            present[Int(index & mask)] = false
            index += 1
        }
        position = start
        phase = .playing
    }

    /// Updates the target and the statistics; returns by how many samples the playout point should
    /// move forward (negative: back) over this read.
    private func steer(now: UInt64) -> Double {
        estimator.adapt(readSamples: readSamples)
        let target = estimator.target(readSamples: readSamples)
        let delay = estimator.delay(now: now, position: position - origin)
        statistics.currentDelayMilliseconds = milliseconds(delay)
        statistics.targetDelayMilliseconds = milliseconds(target)
        var error = delay - target
        let perMillisecond = Double(sampleRate) / 1000
        // Steer only outside the band, and then back to the target. Below the target the band
        // never lets the delay fall under one read period and the guard.
        let below = max(0, min(target / 4, target - Double(readSamples) - estimator.guardSamples))
        let above = max(target / 4, 10 * perMillisecond)
        if error < -below || error > above { correcting = true }
        if abs(error) < perMillisecond { correcting = false }
        guard correcting else { return 0 }
        // Too much delay and nothing received at the playout point: skip the gap.
        if error > above {
            var gap: Int64 = 0
            while Double(gap) < error, gap < Int64(capacity), !present[Int((position + gap) & mask)] { gap += 1 }
            if gap > 0 {
                position += gap
                concealer.breakContinuity()
                statistics.driftAdjustedSamples += Int(gap)
                error -= Double(gap)
            }
        }
        return error
    }

    /// How many samples to drop (positive) or repeat (negative) in a chunk of `count`.
    private func adjustment(toward error: Double, count: Int) -> Int {
        guard count >= 16 else { return 0 }
        let quiet = isQuiet(count + count / 4)
        let limit = quiet ? min(count / 4, (count - crossfade(count)) / 2) : max(1, count / 32)
        return max(-limit, min(limit, Int(error)))
    }

    private func crossfade(_ count: Int) -> Int {
        max(1, min(count / 5, sampleRate / 250))
    }

    /// Whether the next `count` samples would be quiet: received ones below `quietPeak`, missing
    /// ones silent because the concealment has faded out.
    private func isQuiet(_ count: Int) -> Bool {
        for offset in 0..<Int64(count) {
            let index = Int((position + offset) & mask)
            if present[index] {
                if samples[index] > Self.quietPeak || samples[index] < -Self.quietPeak { return false }
            } else if !concealer.isSilent {
                return false
            }
        }
        return true
    }

    /// Takes `consumed` samples from the playout point (received or concealed) and fits them into `output`.
    private func play(into output: UnsafeMutableBufferPointer<Int16>, consuming consumed: Int) {
        let source = consumed == output.count ? output : UnsafeMutableBufferPointer(rebasing: scratch[0..<consumed])
        for offset in 0..<consumed {
            let index = Int((position + Int64(offset)) & mask)
            if present[index] {
                present[index] = false
                started = true
                source[offset] = concealer.play(samples[index])
            } else {
                source[offset] = concealer.conceal()
                if started { statistics.concealedSamples += 1 }
            }
        }
        position += Int64(consumed)
        if consumed != output.count {
            TimeScaling.fit(UnsafeBufferPointer(source), into: output, crossfade: crossfade(output.count))
        }
    }
}
