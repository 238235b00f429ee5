import CALSA
import Devices

#if canImport(Glibc)
import Glibc
#endif

/// An open ALSA PCM: the internal layer over libasound that `ALSACapture` and `ALSAPlayback`
/// build on. Transfers return `Result<_, ALSAError>` and retry `EINTR`; what an error means for
/// a call (recover, or give up) is theirs to decide. Closing is dropping the last reference.
final class ALSAPCM {
    let device: String
    let direction: ALSAConfiguration.Direction
    /// The `snd_pcm_t`.
    let handle: OpaquePointer
    /// Samples per frame; set by `negotiate`.
    var channels = 1

    /// How long a transfer may find no progress before it fails instead of waiting on, in ms.
    /// A blocking `hw:` transfer already ends with EIO after the kernel's 10 s; this bounds the
    /// rare plugin that returns without transferring anything.
    static let stallTimeout: Int32 = 2000

    private init(device: String, direction: ALSAConfiguration.Direction, handle: OpaquePointer) {
        self.device = device
        self.direction = direction
        self.handle = handle
    }

    /// Opens `device`, looked up in the system's ALSA configuration or in `definitions`.
    ///
    /// The open itself does not block: on a busy `hw:` device a blocking open waits in the
    /// kernel until the other program lets go, which would hang the call's media thread; so it
    /// opens with `SND_PCM_NONBLOCK` (failing at once with EBUSY) and then makes the handle
    /// blocking, since reads and writes are meant to pace the media thread.
    /// The corresponding C functions are `snd_pcm_open` (`snd_pcm_open_lconf` with definitions)
    /// and `snd_pcm_nonblock`.
    static func open(_ device: String, _ direction: ALSAConfiguration.Direction,
                     definitions: ALSADefinitions?) throws(DeviceError) -> ALSAPCM {
        let stream = direction == .capture ? SND_PCM_STREAM_CAPTURE : SND_PCM_STREAM_PLAYBACK
        var pcm: OpaquePointer?
        let (opened, messages) = ALSALibraryMessages.collecting {
            if let definitions {
                snd_pcm_open_lconf(&pcm, device, stream, SND_PCM_NONBLOCK, definitions.root)
            } else {
                snd_pcm_open(&pcm, device, stream, SND_PCM_NONBLOCK)
            }
        }
        guard opened == 0, let pcm else {
            let error = ALSAError(returned: opened)
            let detail = messages.first.map { "; alsa-lib: \($0)" } ?? ""
            throw DeviceError(device: device, operation: direction.openingOperation, reason: openingReason(error) + detail)
        }
        let blocking = snd_pcm_nonblock(pcm, 0)
        guard blocking == 0 else {
            snd_pcm_close(pcm)
            throw DeviceError(device: device, operation: direction.openingOperation,
                              reason: "cannot switch to blocking mode: \(ALSAError(returned: blocking))")
        }
        return ALSAPCM(device: device, direction: direction, handle: pcm)
    }

    /// What an installer can do about a failed open.
    static func openingReason(_ error: ALSAError) -> String {
        switch error.code {
        case ENOENT, ENODEV, ENXIO:
            "no ALSA device with this name (arecord -L / aplay -L list them)"
        case EBUSY:
            "in use by another program (fuser -v /dev/snd/*)"
        case EACCES, EPERM:
            "permission denied (the daemon's user needs the audio group)"
        default:
            error.description
        }
    }

    deinit {
        snd_pcm_drop(handle)
        snd_pcm_close(handle)
    }

    /// Reads exactly `frames` interleaved frames into `buffer`, blocking until they are there.
    /// The corresponding C function is `snd_pcm_readi`.
    func read(into buffer: UnsafeMutablePointer<Int16>, frames: Int) -> Result<Void, ALSAError> {
        transfer(frames) { done in snd_pcm_readi(handle, buffer + done * channels, snd_pcm_uframes_t(frames - done)) }
    }

    /// Writes exactly `frames` interleaved frames from `buffer`, blocking while the ring buffer is
    /// full. The corresponding C function is `snd_pcm_writei`.
    func write(from buffer: UnsafePointer<Int16>, frames: Int) -> Result<Void, ALSAError> {
        transfer(frames) { done in snd_pcm_writei(handle, buffer + done * channels, snd_pcm_uframes_t(frames - done)) }
    }

    private func transfer(_ frames: Int, _ call: (Int) -> snd_pcm_sframes_t) -> Result<Void, ALSAError> {
        var done = 0
        while done < frames {
            let result = call(done)
            if result > 0 {
                done += result
            } else if result == -Int(EINTR) {
                continue
            } else if result == 0 || result == -Int(EAGAIN) {
                // Blocking transfers do not return empty-handed; if one does, wait for the device
                // rather than spin, and give up if it stays silent.
                let waited = snd_pcm_wait(handle, Self.stallTimeout)
                if waited < 0 { return .failure(ALSAError(returned: waited)) }
                if waited == 0 { return .failure(ALSAError(returned: -EIO)) }
            } else {
                return .failure(ALSAError(returned: result))
            }
        }
        return .success(())
    }

    /// Restarts the stream after an xrun (EPIPE) or a suspend (ESTRPIPE), leaving it prepared
    /// (playback: started by the next writes) or running (capture). After a suspend
    /// `snd_pcm_recover` waits, a second at a time, while the system is still resuming.
    /// The corresponding C functions are `snd_pcm_recover`, `snd_pcm_prepare` and `snd_pcm_start`.
    func recover(from error: ALSAError) -> Result<Void, ALSAError> {
        var result = snd_pcm_recover(handle, -error.code, 1)
        // After a resume the stream runs again with whatever it held; prepare starts it afresh.
        if result == 0 { result = snd_pcm_prepare(handle) }
        if result == 0, direction == .capture { result = snd_pcm_start(handle) }
        return result == 0 ? .success(()) : .failure(ALSAError(returned: result))
    }

    /// Frames between the application's position and the sound heard or captured now: for
    /// playback, what is queued but not yet played. The corresponding C function is `snd_pcm_delay`.
    func delay() -> Result<Int, ALSAError> {
        var frames: snd_pcm_sframes_t = 0
        let result = snd_pcm_delay(handle, &frames)
        return result == 0 ? .success(frames) : .failure(ALSAError(returned: result))
    }
}

extension ALSAConfiguration.Direction {
    /// The operation a `DeviceError` names when opening fails.
    var openingOperation: String { self == .capture ? "opening for capture" : "opening for playback" }
}
