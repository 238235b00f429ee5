import Testing
@testable import Video

@Suite struct TestPatternTests {
    @Test(arguments: [(640, 480), (1280, 720), (320, 240), (176, 144)])
    func frameNumberReadsBackFromTheBarcode(width: Int, height: Int) throws {
        let frame = I420Frame(width: width, height: height)
        for sequence: UInt64 in [0, 1, 2, 255, 4096, 0xABCDEF] {
            TestPattern().render(into: frame, sequence: sequence, timestamp: 1_234_567_890)
            #expect(TestPattern.decodeSequence(from: frame) == sequence)
        }
    }

    @Test func barcodeSurvivesNoise() throws {
        let frame = I420Frame(width: 640, height: 480)
        TestPattern().render(into: frame, sequence: 12345, timestamp: 0)
        // Add ±20 of pseudo-random noise to the luma, as lossy coding would.
        var seed: UInt32 = 1
        frame.withPlanes { y, _, _ in
            for index in y.indices {
                seed = seed &* 1_103_515_245 &+ 12345
                y[index] = UInt8(clamping: Int(y[index]) + Int(seed >> 16) % 41 - 20)
            }
        }
        #expect(TestPattern.decodeSequence(from: frame) == 12345)
    }

    @Test func barsMoveFromFrameToFrame() {
        let a = I420Frame(width: 320, height: 240), b = I420Frame(width: 320, height: 240)
        TestPattern().render(into: a, sequence: 10, timestamp: 0)
        TestPattern().render(into: b, sequence: 11, timestamp: 0)
        #expect(a.storage != b.storage)
        #expect(a.luma(x: 160, y: 120) != 0)
    }

    @Test func unreadableBarcodeGivesNil() {
        let frame = I420Frame(width: 640, height: 480)
        frame.withPlanes { y, _, _ in for index in y.indices { y[index] = 128 } }
        #expect(TestPattern.decodeSequence(from: frame) == nil)
    }

    @Test(arguments: [("#", UInt64(0), UInt64?.none, "#0"), ("#", 12345, nil, "#12345"), ("T", 3, 7, "T3.007"), ("T", 1234, 560, "T1234.560")])
    func captionsAreComposedWithoutStrings(_ prefix: Unicode.Scalar, _ whole: UInt64, _ fraction: UInt64?, _ expected: String) {
        let text = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { buffer in
            let count = TestPattern.compose(buffer, prefix: prefix, whole: whole, fraction: fraction)
            return String(decoding: buffer[0..<count], as: UTF8.self)
        }
        #expect(text == expected)
    }

    @Test func planesHaveI420Sizes() {
        let frame = I420Frame(width: 640, height: 480)
        #expect(frame.storage.count == 640 * 480 * 3 / 2)
        #expect(frame.uOffset == 307_200 && frame.vOffset == 384_000)
    }
}
