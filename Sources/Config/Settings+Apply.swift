extension Settings {
    /// The running settings after a reload: every value whose key may change without a restart
    /// (`ReloadPolicy.live` or `.nextCall`) is taken from `fresh`; everything else (ports, devices,
    /// wiring, accounts, which buttons exist) stays as it was started.
    public func applyingReloadable(from fresh: Settings) -> Settings {
        var next = self
        next.sound = fresh.sound
        next.sound.captureDevice = sound.captureDevice
        next.sound.playbackDevice = sound.playbackDevice

        next.rtp = fresh.rtp
        next.rtp.audioPorts = rtp.audioPorts
        next.rtp.videoPorts = rtp.videoPorts

        next.sip.incomingTimeout = fresh.sip.incomingTimeout
        next.sip.inCallTimeout = fresh.sip.inCallTimeout
        next.sip.mediaEncryption = fresh.sip.mediaEncryption
        next.sip.mediaEncryptionMandatory = fresh.sip.mediaEncryptionMandatory

        next.video = fresh.video
        next.video.device = video.device
        next.net = fresh.net

        next.board.simulatedAudioSource = fresh.board.simulatedAudioSource
        next.board.simulatedAudioSink = fresh.board.simulatedAudioSink

        next.door = fresh.door
        next.door.controlSocket = door.controlSocket

        next.buttons = buttons.map { running in
            guard var updated = fresh.button(running.index) else { return running }
            updated.wiring = running.wiring
            updated.bias = running.bias
            return updated
        }
        next.relays = relays.map { running in
            guard var updated = fresh.relay(running.index) else { return running }
            updated.wiring = running.wiring
            return updated
        }
        next.leds = leds.map { running in
            guard var updated = fresh.leds.first(where: { $0.index == running.index }) else { return running }
            updated.wiring = running.wiring
            return updated
        }

        // The record follows the same rule, so `check-config`-style listings show what really runs.
        let freshByKey = Dictionary(fresh.effective.map { ("\($0.section)\u{0}\($0.key)", $0) }, uniquingKeysWith: { $1 })
        next.effective = effective.map { running in
            guard running.reload != .restart, let updated = freshByKey["\(running.section)\u{0}\(running.key)"] else { return running }
            return updated
        }
        return next
    }
}
