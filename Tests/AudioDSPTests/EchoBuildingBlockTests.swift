import AudioDSP
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The pure parts of the echo pipeline: the FFT, the re-framing FIFO, linphone's speex sizing
/// rules and the ERLE meter's arithmetic.
@Suite struct EchoBuildingBlockTests {
    @Test(arguments: [8, 64, 128, 256])
    func fftRoundTripsAndFindsATone(size: Int) {
        let fft = FFT(size: size)
        let input = (0..<size).map { Float(sin(2 * Double.pi * 3 * Double($0) / Double(size))) + 0.25 }
        var real = input
        var imaginary = [Float](repeating: 0, count: size)
        real.withUnsafeMutableBufferPointer { re in imaginary.withUnsafeMutableBufferPointer { im in fft.transform(real: re.baseAddress!, imaginary: im.baseAddress!) } }
        // DC = 0.25·N, bin 3 = N/2 in magnitude, everything else ~0.
        #expect(abs(real[0] - 0.25 * Float(size)) < 1e-3)
        #expect(abs((real[3] * real[3] + imaginary[3] * imaginary[3]).squareRoot() - Float(size) / 2) < 1e-2)
        #expect(abs(real[4]) + abs(imaginary[4]) < 1e-2)
        real.withUnsafeMutableBufferPointer { re in imaginary.withUnsafeMutableBufferPointer { im in fft.transform(real: re.baseAddress!, imaginary: im.baseAddress!, inverse: true) } }
        for index in 0..<size { #expect(abs(real[index] / Float(size) - input[index]) < 1e-4) }
    }

    @Test func fifoKeepsOrderAcrossWrapsAndRefusesShortPops() {
        var fifo = SampleFIFO(capacity: 5)
        var next: Int16 = 0
        var expected: Int16 = 0
        let out = UnsafeMutableBufferPointer<Int16>.allocate(capacity: 3)
        defer { out.deallocate() }
        for _ in 0..<20 {
            let chunk = (0..<3).map { _ -> Int16 in next += 1; return next }
            let dropped = chunk.withUnsafeBufferPointer { fifo.append($0) }
            #expect(dropped == 0)
            let popped = fifo.pop(into: out)
            #expect(popped)
            for value in out { expected += 1; #expect(value == expected) }
        }
        let emptyPop = fifo.pop(into: out)
        #expect(!emptyPop)
        let six: [Int16] = [1, 2, 3, 4, 5, 6]
        let overflow = six.withUnsafeBufferPointer { fifo.append($0) }
        #expect(overflow == 1)
        fifo.discard(4)
        let left = fifo.count
        #expect(left == 1)
    }

    @Test(arguments: [
        (8000, 0, 0, 0, 64, 2000, 0),
        (16000, 0, 0, 0, 128, 4000, 0),
        // (shared/reference/linphonerc.md lists 512 at 48 kHz, which contradicts its own rule:
        // 64·48000/8000 = 384, so the largest power of two not above it is 256. doorstation runs
        // the canceller at 8 and 16 kHz only.)
        (48000, 0, 0, 0, 256, 12000, 0),
        (44100, 0, 0, 0, 256, 11025, 0),
        (8000, 100, 120, 30, 64, 960, 240),
        (8000, 160, 250, -1, 128, 2000, 0),
    ])
    func speexSizingFollowsLinphone(rate: Int, framesize: Int, tail: Int, delay: Int, frame: Int, filter: Int, delaySamples: Int) {
        let sizing = EchoCancellerSizing(sampleRate: rate, framesizeAt8kHz: framesize, tailMilliseconds: tail, delayMilliseconds: delay)
        #expect(sizing.frameSize == frame)
        #expect(sizing.filterLength == filter)
        #expect(sizing.delaySamples == delaySamples)
    }

    @Test func meterComputesERLEOverSingleTalkWindowsOnly() {
        var meter = EchoQualityMeter(sampleRate: 8000, windowMilliseconds: 500, frameSize: 80)
        #expect(meter.windowFrames == 50)
        // 50 single-talk frames: microphone 1000× the power sent = 30 dB.
        for _ in 0..<49 {
            let closed = meter.add(microphone: 1e9, echoRemoved: 1e7, sent: 1e6, samples: 80, farEndActive: true, nearEndActive: false)
            #expect(!closed)
        }
        // Frames without far end or with the visitor talking do not count toward ERLE.
        meter.add(microphone: 1e9, echoRemoved: 1e9, sent: 1e9, samples: 80, farEndActive: false, nearEndActive: false)
        meter.add(microphone: 1e9, echoRemoved: 4e8, sent: 1e8, samples: 80, farEndActive: true, nearEndActive: true)
        let closed = meter.add(microphone: 1e9, echoRemoved: 1e7, sent: 1e6, samples: 80, farEndActive: true, nearEndActive: false)
        #expect(closed)
        let summary = meter.summary
        // The first two seconds of single talk are the canceller's to converge: no ERLE yet.
        #expect(summary.erleDB == nil)
        #expect(abs((summary.currentERLEDB ?? 0) - 30) < 1e-9)
        #expect(abs((summary.doubleTalkAttenuationDB ?? 0) - 6.0206) < 1e-3)
        #expect(abs(summary.singleTalkSeconds - 0.5) < 1e-9)
        // Residual: 1e6/80 per sample re 32768² ≈ −49.3 dBFS.
        #expect(abs((summary.residualEchoDBFS ?? 0) - 10 * log10(1e6 / 80 / (32768.0 * 32768.0))) < 1e-9)
        #expect(!summary.echoLikelyAudible)
    }

    @Test func meterWarnsAfterTwoLoudPoorWindows() {
        var meter = EchoQualityMeter(sampleRate: 8000, windowMilliseconds: 100, frameSize: 80)
        // 10 dB ERLE with the residual at about −20 dBFS: clearly audible.
        for window in 1...3 {
            for _ in 0..<meter.windowFrames { meter.add(microphone: 80 * 1e8, echoRemoved: 80 * 1e7, sent: 80 * 1e7, samples: 80, farEndActive: true, nearEndActive: false) }
            #expect(meter.summary.echoLikelyAudible == (window >= 2))
        }
    }
}
