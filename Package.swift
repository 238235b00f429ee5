// swift-tools-version: 6.1
// doorstationd: a SIP video door station for Linux single-board computers.
// The layout follows shared/DESIGN.md: pure protocol targets, C adapters, device backends, the daemon.
import PackageDescription

/// A C library found through pkg-config, wrapped as a system-library module.
func systemLibrary(_ name: String, pkgConfig: String, apt: String) -> Target {
    .systemLibrary(
        name: name,
        pkgConfig: pkgConfig,
        providers: [.apt([apt])]
    )
}

let package = Package(
    name: "doorstation",
    products: [
        .executable(name: "doorstationd", targets: ["doorstationd"]),
        // The pure and device targets, for the benchmarks package (Benchmarks/).
        .library(name: "DoorstationKit", targets: ["Config", "AudioDSP", "Video", "Devices", "DoorStation", "SIPMessage", "SIP", "SDP", "RTP", "SRTP", "SpeexDSP", "H264Encoder", "Network"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.0"),
    ],
    targets: [
        // Pure targets: no sockets, threads, clocks or C libraries; time comes in as an argument.
        .target(name: "Config"),
        // The audio DSP runs in every 20 ms media tick, also in the debug build the tests use:
        // optimized there too, or two calls in one test process overrun their ticks.
        .target(name: "AudioDSP", swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(name: "Video"),
        .target(name: "DoorStation"),
        .target(name: "SIPMessage"),
        .target(name: "SIP", dependencies: ["SIPMessage", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "SDP"),
        .target(name: "RTP"),

        // Device roles and their simulated backends.
        .target(name: "Devices", dependencies: ["AudioDSP", "Video"]),

        // C libraries (pkg-config names as in Debian 12).
        systemLibrary("CALSA", pkgConfig: "alsa", apt: "libasound2-dev"),
        systemLibrary("CGPIOD", pkgConfig: "libgpiod", apt: "libgpiod-dev"),
        systemLibrary("CV4L2", pkgConfig: "libv4l2", apt: "libv4l-dev"),
        systemLibrary("CX264", pkgConfig: "x264", apt: "libx264-dev"),
        systemLibrary("CSRTP", pkgConfig: "libsrtp2", apt: "libsrtp2-dev"),
        systemLibrary("CSpeexDSP", pkgConfig: "speexdsp", apt: "libspeexdsp-dev"),
        systemLibrary("CTurboJPEG", pkgConfig: "libturbojpeg", apt: "libturbojpeg0-dev"),

        // speexdsp's echo canceller, preprocessor and resampler.
        .target(name: "SpeexDSP", dependencies: ["AudioDSP", "CSpeexDSP"]),

        // H.264 encoding of camera frames over libx264.
        .target(name: "H264Encoder", dependencies: ["Video", "CX264"]),

        // SRTP (RFC 3711) over libsrtp2.
        .target(name: "SRTP", dependencies: ["CSRTP"]),

        // Linux backends of the device roles.
        .target(name: "LinuxDevices", dependencies: ["Devices", "AudioDSP", "CALSA", "CSpeexDSP", "CV4L2", "CGPIOD", "CTurboJPEG", "Video"]),

        // SwiftNIO drivers: control socket, sd_notify, DNS, SIP transports.
        .target(
            name: "Network",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOTLS", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                "SIP", "SIPMessage", "SDP", "RTP", "SRTP", "Devices", "AudioDSP", "SpeexDSP", "Video", "H264Encoder",
            ]
        ),

        // The composition root.
        .executableTarget(
            name: "doorstationd",
            dependencies: [
                "Config", "Devices", "LinuxDevices", "DoorStation", "Network", "AudioDSP", "SpeexDSP", "Video", "H264Encoder", "SIPMessage", "SIP", "SDP", "RTP",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),

        .target(name: "TestSupport", dependencies: ["AudioDSP", "Devices", .product(name: "Logging", package: "swift-log")], path: "Tests/TestSupport"),
        .testTarget(name: "ConfigTests", dependencies: ["Config"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SIPMessageTests", dependencies: ["SIPMessage"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SIPTests", dependencies: ["SIP", "SIPMessage"]),
        .testTarget(name: "SDPTests", dependencies: ["SDP"], resources: [.copy("Fixtures")]),
        .testTarget(name: "RTPTests", dependencies: ["RTP"]),
        .testTarget(name: "SRTPTests", dependencies: ["SRTP"]),
        .testTarget(name: "AudioDSPTests", dependencies: ["AudioDSP"]),
        // The echo pipeline with the real speexdsp canceller, on simulated door-panel echo paths.
        .testTarget(name: "EchoTests", dependencies: ["AudioDSP", "SpeexDSP", "Devices", "TestSupport"]),
        .testTarget(name: "VideoTests", dependencies: ["Video"]),
        .testTarget(name: "H264EncoderTests", dependencies: ["H264Encoder", "Video", "TestSupport"]),
        .testTarget(name: "DevicesTests", dependencies: ["Devices", "AudioDSP", "Video", "TestSupport"]),
        .testTarget(name: "DoorStationTests", dependencies: ["DoorStation", "Config"]),
        .testTarget(name: "LinuxDevicesTests", dependencies: ["LinuxDevices", "Devices", "AudioDSP", "Video", "CALSA", "CV4L2", "CGPIOD", "CX264", "CSpeexDSP"]),
        .testTarget(name: "NetworkTests", dependencies: ["Network", "SIPMessage", "SDP", "RTP", "SRTP", "Devices", "AudioDSP", "TestSupport"]),
        .testTarget(name: "DaemonTests", dependencies: ["TestSupport", "AudioDSP", "Devices"]),
        // Black-box SIP tests against third-party peers (Kamailio, sipp, baresip); they run only in a loopback-only network namespace.
        .testTarget(name: "InteropTests", dependencies: ["TestSupport", "AudioDSP", "Video"], resources: [.copy("Peers")]),
    ]
)
