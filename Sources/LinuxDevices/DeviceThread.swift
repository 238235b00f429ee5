import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A POSIX thread for a device loop that blocks in the kernel (GPIO event waits, ALSA reads).
enum DeviceThread {
    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// Starts `body` on a new detached thread. The corresponding C function is `pthread_create`.
    static func start(_ body: @escaping () -> Void) -> Result<Void, Errno> {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, nil, { argument in
            let box = Unmanaged<Box>.fromOpaque(argument!).takeRetainedValue()
            box.body()
            return nil
        }, box)
        guard result == 0 else {
            Unmanaged<Box>.fromOpaque(box).release()
            return .failure(Errno(result))
        }
        pthread_detach(thread)
        return .success(())
    }
}

/// A flag one thread raises and another polls, e.g. to end a device loop.
final class StopFlag: Sendable {
    private let raised = Atomic<Bool>(false)

    var isRaised: Bool { raised.load(ordering: .acquiring) }
    func raise() { raised.store(true, ordering: .releasing) }
}

/// An `errno` value with its system message.
struct Errno: Error, CustomStringConvertible {
    var code: Int32

    init(_ code: Int32) { self.code = code }

    /// The current thread's `errno`.
    static var current: Errno { Errno(errno) }

    var description: String { String(cString: strerror(code)) }
}
