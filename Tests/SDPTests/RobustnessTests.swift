import SDP
import Testing

/// Mutated fixtures never trap the parser or the offer/answer engine; whatever parses still
/// round-trips (pion/sdp and NIO's decoder verifiers test the same way).
struct RobustnessTests {
    static let mutationsPerFixture = 400

    @Test(arguments: Fixture.names)
    func mutatedFixturesNeverCrash(_ name: String) throws {
        let original = try Fixture.bytes(name)
        var random = SeededGenerator(seed: UInt64(name.utf8.reduce(0) { $0 &* 31 &+ UInt64($1) }))
        var parsedCount = 0
        for _ in 0..<Self.mutationsPerFixture {
            let mutated = mutate(original, using: &random)
            guard let sdp = try? SessionDescription(bytes: mutated) else { continue }
            parsedCount += 1
            let again = try SessionDescription(parsing: sdp.serialized())
            #expect(again == sdp, "round trip changed a mutation of \(name)")
            exercise(sdp, random: &random)
        }
        // Most mutations leave a parseable description: the parser is lenient where it can be.
        #expect(parsedCount > 0)
    }

    /// Every line of a fixture fed one prefix at a time: truncation anywhere never traps.
    @Test(arguments: Fixture.names)
    func everyPrefixIsHandled(_ name: String) throws {
        let original = try Fixture.bytes(name)
        for length in 0...original.count {
            _ = try? SessionDescription(bytes: original.prefix(length))
        }
    }

    /// Reads every accessor and runs both sides of offer/answer on the description.
    private func exercise(_ sdp: SessionDescription, random: inout SeededGenerator) {
        for media in sdp.media {
            _ = media.rtpMaps
            _ = media.cryptos.map { ($0.isUsable, $0.keyMaterial, $0.description) }
            _ = (media.ptime, media.maxptime, media.rtcp, media.rtcpMux, media.direction, media.transport)
            for payloadType in media.payloadTypes {
                _ = media.formatParameters(for: payloadType)
                _ = media.rtcpFeedback(for: payloadType)
                _ = media.h264Parameters(for: payloadType).profileLevelID.profile
            }
        }
        for policy in SRTPPolicy.allCases {
            var state = SDPSessionState(sessionID: 1)
            _ = try? state.makeAnswer(to: sdp, capabilities: doorCapabilities(srtp: policy), keys: &random)
            var offerer = SDPSessionState(sessionID: 2)
            let offer = offerer.makeOffer(doorCapabilities(srtp: policy), keys: &random)
            _ = try? offerer.processAnswer(sdp, to: offer)
        }
    }

    private func mutate(_ bytes: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
        var out = bytes
        let interesting: [UInt8] = Array("=:/ \r\n0123456789-*;|^aAbcmostv".utf8) + [0x00, 0x7F, 0xC3, 0xFF]
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            guard !out.isEmpty else { break }
            let position = Int.random(in: 0..<out.count, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0: out[position] = interesting.randomElement(using: &random)!
            case 1: out[position] = UInt8.random(in: 0...255, using: &random)
            case 2: out.remove(at: position)
            case 3: out.insert(interesting.randomElement(using: &random)!, at: position)
            case 4:
                // Duplicate a run of bytes (often whole lines).
                let end = min(out.count, position + Int.random(in: 1...60, using: &random))
                out.insert(contentsOf: out[position..<end], at: position)
            default: out.removeSubrange(position..<min(out.count, position + Int.random(in: 1...30, using: &random)))
            }
        }
        return out
    }
}
