import Foundation
import SDP

/// This suite's fixture descriptions (`Fixtures/*.sdp`, sources in `Fixtures/SOURCES.md`).
enum Fixture {
    static func bytes(_ name: String) throws -> [UInt8] {
        let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Fixtures")!
        return [UInt8](try Data(contentsOf: url))
    }

    static func text(_ name: String) throws -> String {
        String(decoding: try bytes(name), as: UTF8.self)
    }

    static func description(_ name: String) throws -> SessionDescription {
        try SessionDescription(bytes: bytes(name))
    }

    static var names: [String] {
        let folder = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".sdp") }.sorted()
    }
}

/// A deterministic generator (SplitMix64) so SRTP keys in tests are reproducible.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64 = 0x5EED) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The door station as the tests configure it: G.711, telephone-event, H.264, best-effort SRTP.
func doorCapabilities(srtp: SRTPPolicy = .optional, video: Bool = true) -> MediaCapabilities {
    MediaCapabilities(localAddress: "192.0.2.10", audioPort: 40_000, videoPort: video ? 40_002 : nil, srtp: srtp)
}
