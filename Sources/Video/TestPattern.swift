/// The simulated camera's picture: colour bars that move one step per frame, the frame number and
/// capture time as digits, and the frame number again as a barcode that survives H.264 compression,
/// so a receiver can check that no frame was lost or reordered.
public struct TestPattern: Sendable {
    /// BT.601 YUV of the classic bars: white, yellow, cyan, green, magenta, red, blue, black.
    static let bars: [(y: UInt8, u: UInt8, v: UInt8)] = [
        (235, 128, 128), (210, 16, 146), (170, 166, 16), (145, 54, 34),
        (106, 202, 222), (81, 90, 240), (41, 240, 110), (16, 128, 128),
    ]
    /// Bits in the frame-number barcode, and the rows it occupies at the bottom of the picture.
    public static let barcodeBits = 24
    static let barcodeRows = 16

    public init() {}

    /// Draws frame `sequence`, captured at `timestamp` nanoseconds, into `frame`. Allocates nothing.
    public func render(into frame: I420Frame, sequence: UInt64, timestamp: UInt64) {
        frame.sequence = sequence
        frame.timestamp = timestamp
        let width = frame.width, height = frame.height
        let barWidth = max(2, width / Self.bars.count) & ~1
        let shift = Int(sequence % UInt64(width / 2)) * 2
        frame.withPlanes { y, u, v in
            // The bars are the same on every row: draw the first row of each plane, then copy it down.
            for column in stride(from: 0, to: width, by: 2) {
                let bar = Self.bars[((column + shift) % width / barWidth) % Self.bars.count]
                y[column] = bar.y
                y[column + 1] = bar.y
                u[column / 2] = bar.u
                v[column / 2] = bar.v
            }
            Self.repeatFirstRow(y, rowLength: width)
            Self.repeatFirstRow(u, rowLength: width / 2)
            Self.repeatFirstRow(v, rowLength: width / 2)
            drawBarcode(sequence, luma: y, chromaU: u, chromaV: v, width: width, height: height)
            let scale = max(1, width / 160)
            let milliseconds = timestamp / 1_000_000
            // Captions are composed in a stack buffer: no String, so no allocation per frame.
            withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { text in
                var count = Self.compose(text, prefix: "#", whole: sequence, fraction: nil)
                Self.drawText(UnsafeBufferPointer(rebasing: text[0..<count]), x: 8, y: 8, scale: scale, luma: y, width: width, height: height)
                count = Self.compose(text, prefix: "T", whole: milliseconds / 1000, fraction: milliseconds % 1000)
                Self.drawText(UnsafeBufferPointer(rebasing: text[0..<count]), x: 8, y: 8 + 9 * scale, scale: scale, luma: y, width: width, height: height)
            }
        }
    }

    /// Copies the first row of a plane over all the others.
    static func repeatFirstRow(_ plane: UnsafeMutableBufferPointer<UInt8>, rowLength: Int) {
        let base = plane.baseAddress!
        for row in stride(from: rowLength, to: plane.count, by: rowLength) {
            (base + row).update(from: base, count: rowLength)
        }
    }

    /// Writes `prefix`, `whole` in decimal and, if given, `.` and `fraction` as three digits; returns the length.
    static func compose(_ text: UnsafeMutableBufferPointer<UInt8>, prefix: Unicode.Scalar, whole: UInt64, fraction: UInt64?) -> Int {
        var count = 0
        text[count] = UInt8(ascii: prefix); count += 1
        var digits = 1, rest = whole
        while rest >= 10 { rest /= 10; digits += 1 }
        rest = whole
        for position in stride(from: count + digits - 1, through: count, by: -1) {
            text[position] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
        }
        count += digits
        if let fraction {
            text[count] = UInt8(ascii: "."); count += 1
            text[count] = UInt8(ascii: "0") + UInt8(fraction / 100 % 10)
            text[count + 1] = UInt8(ascii: "0") + UInt8(fraction / 10 % 10)
            text[count + 2] = UInt8(ascii: "0") + UInt8(fraction % 10)
            count += 3
        }
        return count
    }

    /// Reads the frame number back from a (decoded) picture's barcode, or `nil` if it is unreadable.
    public static func decodeSequence(from frame: I420Frame) -> UInt64? {
        let cell = frame.width / barcodeBits
        guard cell >= 2, frame.height > barcodeRows * 2 else { return nil }
        let row = frame.height - barcodeRows / 2
        var value: UInt64 = 0
        for bit in 0..<barcodeBits {
            // Average the middle half of the cell to be robust against blur at the edges.
            var sum = 0
            let start = bit * cell + cell / 4, end = bit * cell + cell * 3 / 4
            for x in start..<max(start + 1, end) { sum += Int(frame.luma(x: x, y: row)) }
            let mean = sum / max(1, end - start)
            if mean > 200 { value |= 1 << UInt64(barcodeBits - 1 - bit) } else if mean > 60 { return nil }
        }
        return value
    }

    private func drawBarcode(
        _ sequence: UInt64, luma: UnsafeMutableBufferPointer<UInt8>, chromaU: UnsafeMutableBufferPointer<UInt8>,
        chromaV: UnsafeMutableBufferPointer<UInt8>, width: Int, height: Int
    ) {
        let cell = width / Self.barcodeBits
        guard cell >= 2, height > Self.barcodeRows * 2 else { return }
        let top = height - Self.barcodeRows
        for bit in 0..<Self.barcodeBits {
            let on = (sequence >> UInt64(Self.barcodeBits - 1 - bit)) & 1 == 1
            let value: UInt8 = on ? 235 : 16
            for row in top..<height {
                for x in bit * cell..<(bit + 1) * cell { luma[row * width + x] = value }
            }
        }
        // Neutral chroma under the barcode so that colour never bleeds into the luma decision.
        for row in top / 2..<height / 2 {
            for x in 0..<width / 2 { chromaU[row * width / 2 + x] = 128; chromaV[row * width / 2 + x] = 128 }
        }
    }

    /// Draws digits, `#`, `T` and `.` in a 5×7 font on a black box. Text that does not fit is clipped.
    static func drawText(_ text: UnsafeBufferPointer<UInt8>, x: Int, y: Int, scale: Int, luma: UnsafeMutableBufferPointer<UInt8>, width: Int, height: Int) {
        var penX = x
        for character in text {
            let glyph = Glyphs.rows(for: character)
            for row in -1..<8 {
                for column in -1..<6 {
                    let lit = row >= 0 && row < 7 && column >= 0 && column < 5 && Glyphs.isLit(glyph, row: row, column: column)
                    for dy in 0..<scale {
                        for dx in 0..<scale {
                            let px = penX + column * scale + dx, py = y + row * scale + dy
                            if px >= 0, px < width, py >= 0, py < height { luma[py * width + px] = lit ? 235 : 16 }
                        }
                    }
                }
            }
            penX += 6 * scale
        }
    }
}
