/// A radix-2 complex FFT of a fixed power-of-two size, with twiddles and the bit-reversal table
/// computed once, so transforms in the media tick do not allocate.
public final class FFT {
    public let size: Int
    private let cosines: [Float]
    private let sines: [Float]
    private let reversed: [Int]

    public init(size: Int) {
        precondition(size >= 2 && size & (size - 1) == 0, "FFT size must be a power of two")
        self.size = size
        cosines = (0..<size / 2).map { Float(cos(2 * Double.pi * Double($0) / Double(size))) }
        sines = (0..<size / 2).map { Float(-sin(2 * Double.pi * Double($0) / Double(size))) }
        var bits = 0
        while 1 << bits < size { bits += 1 }
        reversed = (0..<size).map { index in
            var result = 0
            for bit in 0..<bits where index & (1 << bit) != 0 { result |= 1 << (bits - 1 - bit) }
            return result
        }
    }

    /// Transforms `real`/`imaginary` (each `size` long) in place; `inverse` computes the unscaled inverse.
    public func transform(real: UnsafeMutablePointer<Float>, imaginary: UnsafeMutablePointer<Float>, inverse: Bool = false) {
        for index in 0..<size {
            let other = reversed[index]
            if other > index {
                swap(&real[index], &real[other])
                swap(&imaginary[index], &imaginary[other])
            }
        }
        let sign: Float = inverse ? -1 : 1
        var half = 1
        while half < size {
            let step = size / (half * 2)
            var start = 0
            while start < size {
                for k in 0..<half {
                    let wr = cosines[k * step]
                    let wi = sign * sines[k * step]
                    let a = start + k
                    let b = a + half
                    let tr = real[b] * wr - imaginary[b] * wi
                    let ti = real[b] * wi + imaginary[b] * wr
                    real[b] = real[a] - tr
                    imaginary[b] = imaginary[a] - ti
                    real[a] += tr
                    imaginary[a] += ti
                }
                start += half * 2
            }
            half *= 2
        }
    }
}

#if canImport(Glibc)
import func Glibc.cos
import func Glibc.sin
#elseif canImport(Musl)
import func Musl.cos
import func Musl.sin
#endif
