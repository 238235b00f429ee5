import Foundation

/// The daemon benchmarks' printed summaries: the figures against the issue's targets, and where
/// the resident memory is.

/// The issue's targets.
let edgeToInviteTargetMilliseconds = 5.0
let idleResidentTargetMegabytes = 20.0

/// The nearest-rank percentile `p` (0…1) of sorted `values`.
func percentile(_ sorted: [UInt64], _ p: Double) -> UInt64 {
    guard !sorted.isEmpty else { return 0 }
    let rank = Int((p * Double(sorted.count)).rounded(.up))
    return sorted[min(max(rank, 1), sorted.count) - 1]
}

private func milliseconds(_ nanoseconds: UInt64) -> String { String(format: "%.3f ms", Double(nanoseconds) / 1e6) }
private func ratio(_ nanoseconds: UInt64) -> String { String(format: "%.2f×", Double(nanoseconds) / 1e6 / edgeToInviteTargetMilliseconds) }

func printPressSummary(_ result: PressLatencyRun.Result) {
    let sorted = result.presses.sorted(), pings = result.pings.sorted()
    let (median, p99, worst) = (percentile(sorted, 0.5), percentile(sorted, 0.99), sorted.last ?? 0)
    let worstPress = (result.presses.firstIndex(of: worst) ?? 0) + 1
    let pingMedian = percentile(pings, 0.5)
    let estimate = result.presses.map { $0 > pingMedian ? $0 - pingMedian : 0 }.sorted()
    print("""
        Daemon edge → INVITE, \(sorted.count) presses (sim board, release build, 486 answers): from writing `press 1` to the control \
        socket to reading the INVITE datagram, an upper bound on edge → INVITE (it includes the Unix-socket request and its dispatch)
          median \(milliseconds(median)), p99 \(milliseconds(p99)), worst \(milliseconds(worst)) (press \(worstPress)), \
        first press \(milliseconds(result.presses.first ?? 0)); target < \(edgeToInviteTargetMilliseconds) ms: \
        median \(ratio(median)), p99 \(ratio(p99)), worst \(ratio(worst)) of the target
          baseline, ctl ping round trip on the same connection: median \(milliseconds(pingMedian)), p99 \(milliseconds(percentile(pings, 0.99))), \
        worst \(milliseconds(pings.last ?? 0))
          estimate without the request's trip (each press minus the median ping): median \(milliseconds(percentile(estimate, 0.5))), \
        p99 \(milliseconds(percentile(estimate, 0.99))), worst \(milliseconds(estimate.last ?? 0))
        """)
    if result.stalls.count == result.presses.count {
        let pairs = zip(result.presses, result.stalls)
        let calm = pairs.filter { $0.1 == 0 }.map(\.0).sorted()
        let disturbed = pairs.filter { $0.1 > 0 }
        let slow = pairs.filter { $0.0 > UInt64(edgeToInviteTargetMilliseconds * 1e6) }
        let worstStall = result.stalls[(result.presses.firstIndex(of: worst) ?? 0)]
        print("""
              machine CPU pressure (PSI: some task waiting for a CPU) during the press: \(disturbed.count) of \(sorted.count) presses; \
            over the target: \(slow.count), \(slow.filter { $0.1 > 0 }.count) of them under CPU pressure (the worst press: \
            \(String(format: "%.3f ms", Double(worstStall) / 1000)) of it); presses without CPU pressure (\(calm.count)): \
            median \(milliseconds(percentile(calm, 0.5))), p99 \(milliseconds(percentile(calm, 0.99))), worst \(milliseconds(calm.last ?? 0))
            """)
    }
    if let memory = result.memoryAfter {
        print("  daemon right after \(sorted.count) calls: \(memory.summary)")
    }
    if let memory = result.memorySettled {
        print("  and once their transactions have ended (Timer D): \(memory.summary)")
    }
    if result.exitStatus != 0 {
        print("  note: doorstationd did not exit cleanly on SIGTERM (status \(result.exitStatus.map(String.init) ?? "killed"))")
    }
}

func printMemorySummary(_ result: VideoCallMemoryRun.Result) {
    func megabytes(_ kib: Int) -> String { String(format: "%.1f MB", ResidentMemory.megabytes(kib)) }
    func versusTarget(_ kib: Int) -> String { String(format: "%.2f×", ResidentMemory.megabytes(kib) / idleResidentTargetMegabytes) }
    let received = result.received.map(\.datagrams)
    print("""
        Daemon resident memory (sim board, release build; MB = 10⁶ bytes):
          idle, 3 s after start: \(megabytes(result.idle.rss)) = \(versusTarget(result.idle.rss)) the \(Int(idleResidentTargetMegabytes)) MB idle target; \
        \(result.idle.summary)
          in a video call after 5 s (\(result.videoSize) H.264, \(result.videoFramesSent) frames and \(result.audioPacketsSent) audio packets sent, \
        \(result.audioPacketsReceived) of the apartment's \(result.apartmentAudioPackets) audio packets received; the apartment received \(received.count == 4 ? "\(received[0]) audio RTP, \(received[1]) RTCP, \(received[2]) video RTP, \(received[3]) RTCP" : "?")): \
        \(megabytes(result.inCall.rss)) = \(versusTarget(result.inCall.rss)) the idle target; \(result.inCall.summary)
        """)
    if let after = result.afterCall {
        print("  2 s after hangup: \(after.summary)")
    }
    if let breakdown = result.idleBreakdown, breakdown.entries.contains(where: { $0.name.hasSuffix("/libswiftCore.so") }) {
        print("  note: the daemon maps the shared Swift runtime (libswiftCore.so): it was not built with --static-swift-stdlib "
            + "(as `make release` and `make install` build it), or something preloaded it; its RSS is not the installed daemon's")
    }
    if let breakdown = result.idleBreakdown {
        print("  where the idle RSS is (/proc/PID/smaps, largest first):")
        breakdown.lines(top: 10).forEach { print($0) }
    }
    if let breakdown = result.inCallBreakdown {
        print("  where the in-call RSS is:")
        breakdown.lines(top: 10).forEach { print($0) }
    }
    if result.exitStatus != 0 {
        print("  note: doorstationd did not exit cleanly on SIGTERM (status \(result.exitStatus.map(String.init) ?? "killed"))")
    }
}
