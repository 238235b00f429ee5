import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A POSIX thread for a loop that blocks in the kernel (GPIO event waits, ALSA reads, media ticks).
public enum DeviceThread {
    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// Starts `body` on a new detached thread. The corresponding C function is `pthread_create`.
    public static func start(_ body: @escaping () -> Void) -> Result<Void, Errno> {
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
public final class StopFlag: Sendable {
    private let raised = Atomic<Bool>(false)

    public init() {}

    public var isRaised: Bool { raised.load(ordering: .acquiring) }
    public func raise() { raised.store(true, ordering: .releasing) }
}

/// An `errno` value with its system message.
public struct Errno: Error, Sendable, CustomStringConvertible {
    public var code: Int32

    public init(_ code: Int32) { self.code = code }

    /// The current thread's `errno`.
    public static var current: Errno { Errno(errno) }

    public var description: String { String(cString: strerror(code)) }
}
