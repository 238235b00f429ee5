/// The adaptive linear filter that removes most of the echo (speexdsp's MDF canceller in the
/// daemon). The chain only needs these three things from it, which keeps `AudioDSP` free of C.
public protocol LinearEchoCanceller: AnyObject {
    /// Samples per `cancel` call.
    var frameSize: Int { get }
    /// Removes the echo of `reference` from `microphone`; each buffer holds `frameSize` samples.
    func cancel(microphone: UnsafePointer<Int16>, reference: UnsafePointer<Int16>, output: UnsafeMutablePointer<Int16>)
    /// Forgets the learned echo path.
    func reset()
}
