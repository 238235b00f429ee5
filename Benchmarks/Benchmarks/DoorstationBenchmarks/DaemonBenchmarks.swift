import Benchmark
import Foundation

/// Daemon-level benchmarks: the release `doorstationd` on the sim board, started as a process
/// (`DaemonUnderBenchmark`), against the issue's targets: under 5 ms from a button edge to the
/// INVITE on the wire, under 20 MB resident idle. Each benchmark runs its whole measurement once
/// (one iteration) and records every sample as a custom metric, so the framework's table shows
/// the percentiles; a summary with the ratios to the targets is printed as well.
///
/// They need `.build/release/doorstationd` built as `make release` builds it (`swift build -c
/// release --static-swift-stdlib`; `$DOORSTATIOND` names another binary); without it they print
/// how to build it and record nothing. The binary is the one under test: rebuild it after changing
/// the sources (a note is printed when a source file is newer). To run only these, from Benchmarks/:
/// `swift package --allow-writing-to-package-directory benchmark --filter 'Daemon.*'` (about 3 minutes).
func daemonBenchmarks() {
    let configuration = Benchmark.Configuration(
        metrics: [edgeToInvite, controlRoundTrip],
        units: [edgeToInvite: .count, controlRoundTrip: .count],
        warmupIterations: 0, maxDuration: .seconds(900), maxIterations: 1)
    let presses = 1000
    Benchmark("Daemon: button edge → INVITE on the wire, \(presses) presses on the sim board (upper bound: from the ctl press request)",
              configuration: configuration) { benchmark in
        guard daemonAvailable() else { return }
        do {
            let result = try PressLatencyRun(presses: presses, settleSeconds: 33).run()
            for sample in result.presses { benchmark.measurement(edgeToInvite, Int(sample / 1000)) }
            for sample in result.pings { benchmark.measurement(controlRoundTrip, Int(sample / 1000)) }
            printPressSummary(result)
        } catch {
            benchmark.error("daemon edge → INVITE: \(error)")
        }
    }

    let memoryConfiguration = Benchmark.Configuration(
        metrics: [idleResident, callResident, callPeakResident],
        units: [idleResident: .count, callResident: .count, callPeakResident: .count],
        warmupIterations: 0, maxDuration: .seconds(120), maxIterations: 1)
    Benchmark("Daemon: resident memory idle and in a 640x480 video call (sim board)", configuration: memoryConfiguration) { benchmark in
        guard daemonAvailable() else { return }
        do {
            let result = try VideoCallMemoryRun().run()
            benchmark.measurement(idleResident, result.idle.rss)
            benchmark.measurement(callResident, result.inCall.rss)
            benchmark.measurement(callPeakResident, result.inCall.peak)
            printMemorySummary(result)
        } catch {
            benchmark.error("daemon resident memory: \(error)")
        }
    }
}

let edgeToInvite = BenchmarkMetric.custom("Edge→INVITE, ctl press to INVITE received (μs)", polarity: .prefersSmaller, useScalingFactor: false)
let controlRoundTrip = BenchmarkMetric.custom("ctl ping round trip, baseline (μs)", polarity: .prefersSmaller, useScalingFactor: false)
let idleResident = BenchmarkMetric.custom("RSS idle (KiB)", polarity: .prefersSmaller, useScalingFactor: false)
let callResident = BenchmarkMetric.custom("RSS in video call (KiB)", polarity: .prefersSmaller, useScalingFactor: false)
let callPeakResident = BenchmarkMetric.custom("Peak RSS (VmHWM) in video call (KiB)", polarity: .prefersSmaller, useScalingFactor: false)

/// Prints why the daemon benchmarks cannot run, or a note when the binary is older than the sources.
private func daemonAvailable() -> Bool {
    if let missing = DaemonUnderBenchmark.missingExecutable {
        print("Daemon benchmarks skipped: \(missing)")
        return false
    }
    let newer = DaemonUnderBenchmark.newerSources
    if !newer.isEmpty {
        print("Daemon benchmarks: note: \(newer.count) source file(s) changed after \(DaemonUnderBenchmark.executable.path) was built "
            + "(\(newer.prefix(3).joined(separator: ", "))\(newer.count > 3 ? ", …" : "")): the numbers are those of the older build")
    }
    return true
}
