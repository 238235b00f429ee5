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

    /// Every row between the caption (rows < 44 at this size) and the barcode (rows ≥ 224) shows
    /// the same bars, in the classic order, in luma and chroma.
    @Test(arguments: [UInt64(0), 5, 321])
    func barsAreTheSameOnEveryRow(sequence: UInt64) {
        let width = 320, height = 240
        let frame = I420Frame(width: width, height: height)
        TestPattern().render(into: frame, sequence: sequence, timestamp: 0)
        let bars: [(y: UInt8, u: UInt8)] = [(235, 128), (210, 16), (170, 166), (145, 54), (106, 202), (81, 90), (41, 240), (16, 128)]
        let barWidth = width / 8, shift = Int(sequence % UInt64(width / 2)) * 2
        func bar(atEvenColumn column: Int) -> (y: UInt8, u: UInt8) { bars[(column + shift) % width / barWidth % 8] }
        for x in 0..<width {
            for y in [60, 120, 200] { #expect(frame.luma(x: x, y: y) == bar(atEvenColumn: x & ~1).y, "x \(x) y \(y)") }
        }
        frame.withPlanes { _, u, _ in
            for column in 0..<width / 2 {
                for row in [30, 60, 100] { #expect(u[row * width / 2 + column] == bar(atEvenColumn: column * 2).u, "chroma column \(column) row \(row)") }
            }
        }
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
