/// The machine's CPU pressure (PSI, Documentation/accounting/psi.rst): the cumulative time, µs,
/// during which at least one runnable task waited for a CPU (`some … total=` of
/// /proc/pressure/cpu). Read around each press, its increase says whether the press competed
/// for the CPUs with other work on the machine (a build on a shared runner), so the latency of
/// undisturbed presses can be told from that of disturbed ones. System-wide: a nonzero increase
/// does not prove the daemon itself waited, only that some task did.
enum CPUPressure {
    /// nil when the kernel has no PSI.
    static func stalledMicroseconds() -> UInt64? {
        guard let text = readProcFile("/proc/pressure/cpu"),
              let some = text.split(separator: "\n").first(where: { $0.hasPrefix("some ") }),
              let total = some.split(separator: " ").first(where: { $0.hasPrefix("total=") })
        else { return nil }
        return UInt64(total.dropFirst("total=".count))
    }
}
