/// A door-panel call as the echo tests replay it: the far end talks alone, then both talk, then
/// the visitor alone (far end silent), then the echo path changes (someone steps in front of the
/// panel) and the far end talks alone again.
public struct EchoScenario: Sendable {
    public var sampleRate: Int
    public var path: EchoPath
    /// Far-end speech level at the speaker, dBFS RMS.
    public var farLevelDBFS: Double
    /// Visitor level relative to the echo at the microphone (signal-to-echo ratio), dB.
    public var signalToEchoDB: Double

    public static let seconds = 20.0
    public static let doubleTalk = 6.0..<10.0
    public static let nearOnly = 10.25..<12.5
    public static let pathChange = 12.5
    public static let farGap = 10.0..<12.5

    public init(sampleRate: Int, path: EchoPath = EchoPath(), farLevelDBFS: Double = -22, signalToEchoDB: Double = -6) {
        self.sampleRate = sampleRate
        self.path = path
        self.farLevelDBFS = farLevelDBFS
        self.signalToEchoDB = signalToEchoDB
    }

    /// The recordings a panel would make: what was played, what the microphone heard, and the
    /// visitor's voice alone (the truth the double-talk loss is measured against).
    public struct Recordings: Sendable {
        public var played: [Int16]
        public var microphone: [Int16]
        public var nearEnd: [Double]
    }

    public func render(farSpeech: [Int16], nearSpeech: [Int16]) -> Recordings {
        let total = Int(Self.seconds * Double(sampleRate))
        let far = Self.normalized(farSpeech, rms: 32768 * pow(10, farLevelDBFS / 20))
        var played = [Int16](repeating: 0, count: total)
        for index in 0..<total where !Self.farGap.contains(time(index)) {
            played[index] = Int16(max(-32767, min(32767, far[index % far.count])))
        }
        var changed = path
        changed.seed &+= 6
        changed.bulkDelayMilliseconds += 8
        changed.directGain *= 0.8
        let before = path.echo(of: played, sampleRate: sampleRate)
        let after = changed.echo(of: played, sampleRate: sampleRate)
        let change = sample(Self.pathChange)
        let echo = (0..<total).map { $0 < change ? before[$0] : after[$0] }
        let echoRMS = Self.rms(echo[0..<sample(6)])
        let near = Self.normalized(nearSpeech, rms: echoRMS * pow(10, signalToEchoDB / 20))
        var nearEnd = [Double](repeating: 0, count: total)
        for index in sample(Self.doubleTalk.lowerBound)..<change {
            nearEnd[index] = near[(index - sample(Self.doubleTalk.lowerBound)) % near.count]
        }
        var noise = SplitMix(seed: 3)
        let microphone = (0..<total).map { index in
            Int16(max(-32767, min(32767, (echo[index] + nearEnd[index] + 10 * noise.nextSigned()).rounded())))
        }
        return Recordings(played: played, microphone: microphone, nearEnd: nearEnd)
    }

    func time(_ index: Int) -> Double { Double(index) / Double(sampleRate) }
    public func sample(_ seconds: Double) -> Int { Int(seconds * Double(sampleRate)) }

    static func normalized(_ samples: [Int16], rms target: Double) -> [Double] {
        let level = rms(samples.map(Double.init)[...])
        return samples.map { Double($0) * target / max(level, 1) }
    }

    static func rms(_ samples: ArraySlice<Double>) -> Double {
        (samples.reduce(0) { $0 + $1 * $1 } / Double(max(1, samples.count))).squareRoot()
    }
}

/// Figures of one processed scenario, computed against the truth the simulation knows.
public struct EchoFigures: Sendable, CustomStringConvertible {
    /// ERLE over far-end single talk from 2 s after the start to the double talk.
    public var erleDB: Double
    /// ERLE over far-end single talk from 2 s after the echo path changed to the end.
    public var erleAfterChangeDB: Double
    /// How much quieter the visitor is in what is sent while both talk.
    public var doubleTalkLossDB: Double
    /// The same while the visitor talks alone.
    public var nearOnlyLossDB: Double

    /// - Parameter latency: samples the output lags the microphone.
    public init(_ scenario: EchoScenario, _ recordings: EchoScenario.Recordings, output: [Int16], latency: Int) {
        func power(_ value: (Int) -> Double, _ range: Range<Double>) -> Double {
            let lower = scenario.sample(range.lowerBound), upper = min(scenario.sample(range.upperBound), output.count - latency)
            var sum = 0.0
            for index in lower..<upper { let v = value(index); sum += v * v }
            return sum / Double(max(1, upper - lower))
        }
        let mic = { (i: Int) in Double(recordings.microphone[i]) }
        let sent = { (i: Int) in Double(output[i + latency]) }
        let near = { (i: Int) in recordings.nearEnd[i] }
        func db(_ ratio: Double) -> Double { 10 * log10(ratio) }
        erleDB = db(power(mic, 2..<EchoScenario.doubleTalk.lowerBound) / power(sent, 2..<EchoScenario.doubleTalk.lowerBound))
        let after = (EchoScenario.pathChange + 2)..<EchoScenario.seconds
        erleAfterChangeDB = db(power(mic, after) / power(sent, after))
        doubleTalkLossDB = db(power(near, EchoScenario.doubleTalk) / power(sent, EchoScenario.doubleTalk))
        nearOnlyLossDB = db(power(near, EchoScenario.nearOnly) / power(sent, EchoScenario.nearOnly))
    }

    public var description: String {
        func f(_ v: Double) -> String { String(Double(Int((v * 10).rounded())) / 10) }
        return "ERLE \(f(erleDB)) dB, after path change \(f(erleAfterChangeDB)) dB, double-talk loss \(f(doubleTalkLossDB)) dB, near-only loss \(f(nearOnlyLossDB)) dB"
    }
}

#if canImport(Glibc)
import Glibc
#endif
