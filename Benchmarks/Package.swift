// swift-tools-version: 6.1
// `make bench`: performance and allocation benchmarks (ordo-one/benchmark), kept out of the main
// package so that `make test` does not build the benchmark framework.
import PackageDescription

let package = Package(
    name: "doorstation-benchmarks",
    dependencies: [
        .package(name: "doorstation", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark.git", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "DoorstationBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "DoorstationKit", package: "doorstation"),
                "CX264Baseline",
            ],
            path: "Benchmarks/DoorstationBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // libx264 itself, for the video benchmarks' baseline (the main package's CX264 is not in a product).
        .systemLibrary(name: "CX264Baseline", path: "Benchmarks/CX264Baseline", pkgConfig: "x264", providers: [.apt(["libx264-dev"])]),
    ]
)
