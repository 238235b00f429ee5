import CALSA
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A negative return code of libasound, kept positive as in `errno`. Not `Errno`: libasound also
/// returns codes of its own above `SND_ERROR_BEGIN` (500000) that only `snd_strerror` can name.
struct ALSAError: Error, Sendable, CustomStringConvertible {
    /// The positive error number, e.g. `EPIPE`.
    var code: Int32

    /// From what a libasound function returned (a negative number).
    init(returned value: some BinaryInteger) { code = -Int32(truncatingIfNeeded: value) }

    /// An overrun (capture) or underrun (playback): the stream stopped and is recovered with `snd_pcm_recover`.
    var isXrun: Bool { code == EPIPE }
    /// The system was suspended under the stream; also recovered with `snd_pcm_recover`.
    var isSuspend: Bool { code == ESTRPIPE }

    /// The corresponding C function is `snd_strerror`.
    var description: String { String(cString: snd_strerror(-code)) }
}

/// The lines alsa-lib prints about a failure besides its return code, e.g. `cannot find card '0'`
/// when `default` points at a card that is not there.
///
/// By default libasound writes them to stderr, where they would reach the journal as unstructured
/// lines; while a PCM is being opened they are collected instead and the first one goes into the
/// `DeviceError`, so the log says it once, next to the device name.
enum ALSALibraryMessages {
    /// Per thread, since libasound's local handler is per thread and devices open on several.
    private static let collected = Mutex<[UInt: [String]]>([:])

    private static var thread: UInt { UInt(pthread_self()) }

    /// Runs `body` with this thread's alsa-lib messages collected and returns them with its result.
    /// The corresponding C function is `snd_lib_error_set_local`.
    static func collecting<T>(_ body: () -> T) -> (result: T, messages: [String]) {
        let thread = Self.thread
        collected.withLock { $0[thread] = [] }
        let previous = snd_lib_error_set_local(handler)
        let result = body()
        snd_lib_error_set_local(previous)
        let messages = collected.withLock { $0.removeValue(forKey: thread) ?? [] }
        return (result, messages)
    }

    private static let handler: snd_local_error_handler_t = { _, _, _, _, format, arguments in
        guard let format, let arguments else { return }
        var text = [CChar](repeating: 0, count: 512)
        _ = vsnprintf(&text, text.count, format, arguments)
        let message = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        collected.withLock { $0[Self.thread]?.append(message) }
    }
}
