import AudioDSP
import Benchmark
import Config
import Foundation
import Video

/// Benchmarks of the foundation: configuration loading and the simulated media sources.
/// Each measured piece has a baseline in the same run (named `… baseline`), so the numbers
/// read as ratios on whatever machine runs them.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        maxDuration: .seconds(2), maxIterations: 100_000)

    let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let board = try! String(contentsOf: repository.appendingPathComponent("board/rpi4.conf"), encoding: .utf8)
    let user = try! String(contentsOf: repository.appendingPathComponent("config/doorstation.conf"), encoding: .utf8)
    let sources = [ConfigSource(path: "rpi4.conf", text: board), ConfigSource(path: "doorstation.conf", text: user)]

    sipBenchmarks(repository: repository)
    mediaBenchmarks()
    audioBenchmarks()
    videoBenchmarks()
    daemonBenchmarks()

    // Baseline: the lexer alone. Measured: lexing, typing, validation and the effective-settings record.
    Benchmark("Config: lex board + user file (baseline)") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(ConfigFileParser().parse(board, path: "rpi4.conf"))
            blackHole(ConfigFileParser().parse(user, path: "doorstation.conf"))
        }
    }
    Benchmark("Config: load and validate board + user file") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(ConfigLoader.load(sources))
        }
    }

    // Baseline: filling an I420 frame with one value. Measured: drawing the test pattern.
    let frame = I420Frame(width: 640, height: 480)
    Benchmark("Video: fill 640x480 I420 frame (baseline)") { benchmark in
        for iteration in benchmark.scaledIterations {
            frame.withPlanes { y, u, v in
                y.update(repeating: UInt8(truncatingIfNeeded: iteration))
                u.update(repeating: 128)
                v.update(repeating: 128)
            }
            blackHole(frame)
        }
    }
    Benchmark("Video: render 640x480 test pattern") { benchmark in
        let pattern = TestPattern()
        for iteration in benchmark.scaledIterations {
            pattern.render(into: frame, sequence: UInt64(iteration), timestamp: UInt64(iteration) * 66_666_667)
            blackHole(frame)
        }
    }

    // One 20 ms frame of the simulated microphone's tone; steady state must not allocate.
    var samples = [Int16](repeating: 0, count: 160)
    Benchmark("Audio: copy 20 ms frame (baseline)") { benchmark in
        let source = [Int16](repeating: 1000, count: 160)
        for _ in benchmark.scaledIterations {
            samples.withUnsafeMutableBufferPointer { target in
                source.withUnsafeBufferPointer { _ = target.update(fromContentsOf: $0) }
            }
            blackHole(samples)
        }
    }
    Benchmark("Audio: generate 20 ms tone frame") { benchmark in
        var tone = ToneGenerator(frequency: 1000, sampleRate: 8000)
        for _ in benchmark.scaledIterations {
            samples.withUnsafeMutableBufferPointer { tone.fill($0) }
            blackHole(samples)
        }
    }
}
