#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import AudioDSP

/// 16-bit PCM WAV files: what the simulated microphone plays and the simulated speaker records.
public enum WAVFile {
    /// Reads a 16-bit PCM WAV as mono samples (stereo is mixed down). The file's rate must be `expectedRate`.
    public static func read(path: String, expectedRate: Int) throws(DeviceError) -> [Int16] {
        let bytes = try readAll(path)
        return try decode(bytes, path: path, expectedRate: expectedRate)
    }

    /// Reads a 16-bit PCM WAV at whatever rate it has (for tools that resample).
    public static func readWithRate(path: String) throws(DeviceError) -> (samples: [Int16], sampleRate: Int) {
        try decodeWithRate(try readAll(path), path: path)
    }

    /// Parses WAV bytes; `path` is only used in messages.
    public static func decode(_ bytes: [UInt8], path: String, expectedRate: Int) throws(DeviceError) -> [Int16] {
        let (samples, rate) = try decodeWithRate(bytes, path: path)
        guard rate == expectedRate else {
            throw DeviceError(device: path, operation: "reading WAV",
                              reason: "sample rate is \(rate) Hz, expected \(expectedRate) Hz; convert with: sox IN.wav -r \(expectedRate) OUT.wav")
        }
        return samples
    }

    static func decodeWithRate(_ bytes: [UInt8], path: String) throws(DeviceError) -> (samples: [Int16], sampleRate: Int) {
        func fail(_ reason: String) -> DeviceError { DeviceError(device: path, operation: "reading WAV", reason: reason) }
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        func u32(_ at: Int) -> Int { u16(at) | u16(at + 2) << 16 }
        func tag(_ at: Int) -> String { String(decoding: bytes[at..<at + 4], as: UTF8.self) }

        guard bytes.count >= 12, tag(0) == "RIFF", tag(8) == "WAVE" else { throw fail("not a RIFF/WAVE file") }
        var offset = 12
        var channels = 0, rate = 0, bits = 0
        var data: Range<Int>?
        while offset + 8 <= bytes.count {
            let id = tag(offset), size = u32(offset + 4), body = offset + 8
            guard body + size <= bytes.count || id == "data" else { throw fail("chunk \(id) runs past the end of the file") }
            switch id {
            case "fmt ":
                guard size >= 16 else { throw fail("fmt chunk is too short") }
                let format = u16(body)
                // 1 = PCM; 0xFFFE = WAVE_FORMAT_EXTENSIBLE, whose sub-format starts with the same code.
                let isPCM = format == 1 || (format == 0xFFFE && size >= 26 && u16(body + 24) == 1)
                guard isPCM else { throw fail("format \(format) is not PCM; convert with: sox IN.wav -e signed -b 16 OUT.wav") }
                channels = u16(body + 2)
                rate = u32(body + 4)
                bits = u16(body + 14)
            case "data":
                data = body..<min(bytes.count, body + size)
            default:
                break
            }
            offset = body + size + (size & 1)  // chunks are padded to an even size
        }
        guard channels > 0 else { throw fail("no fmt chunk") }
        guard let data else { throw fail("no data chunk") }
        guard bits == 16 else { throw fail("\(bits)-bit samples; doorstation reads 16-bit PCM") }
        guard channels <= 2 else { throw fail("\(channels) channels; doorstation reads mono or stereo") }
        guard rate > 0 else { throw fail("sample rate is 0") }
        let frameBytes = 2 * channels
        let count = data.count / frameBytes
        var samples = [Int16](repeating: 0, count: count)
        for index in 0..<count {
            let at = data.lowerBound + index * frameBytes
            let left = Int16(bitPattern: UInt16(u16(at)))
            if channels == 1 {
                samples[index] = left
            } else {
                let right = Int16(bitPattern: UInt16(u16(at + 2)))
                samples[index] = Int16((Int(left) + Int(right)) / 2)
            }
        }
        return (samples, rate)
    }

    /// The 44-byte header of a mono 16-bit PCM WAV holding `sampleCount` samples.
    public static func header(sampleRate: Int, sampleCount: Int) -> [UInt8] {
        let dataSize = sampleCount * 2
        var header: [UInt8] = []
        header.reserveCapacity(44)
        func append32(_ value: Int) { for shift in stride(from: 0, to: 32, by: 8) { header.append(UInt8((value >> shift) & 0xFF)) } }
        func append16(_ value: Int) { header.append(UInt8(value & 0xFF)); header.append(UInt8((value >> 8) & 0xFF)) }
        header += Array("RIFF".utf8); append32(36 + dataSize); header += Array("WAVE".utf8)
        header += Array("fmt ".utf8); append32(16); append16(1); append16(1)
        append32(sampleRate); append32(sampleRate * 2); append16(2); append16(16)
        header += Array("data".utf8); append32(dataSize)
        return header
    }

    static func readAll(_ path: String) throws(DeviceError) -> [UInt8] {
        guard let file = fopen(path, "rb") else {
            throw DeviceError(device: path, operation: "opening WAV", reason: String(cString: strerror(errno)))
        }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if count > 0 { bytes += chunk[0..<count] }
            if count < chunk.count { break }
        }
        if ferror(file) != 0 {
            throw DeviceError(device: path, operation: "reading WAV", reason: String(cString: strerror(errno)))
        }
        return bytes
    }
}

/// Writes a mono 16-bit PCM WAV as samples arrive; the header's sizes are fixed up on `finish`.
public final class WAVWriter {
    public let path: String
    public let sampleRate: Int
    private var file: UnsafeMutablePointer<FILE>?
    public private(set) var sampleCount = 0

    public init(path: String, sampleRate: Int) throws(DeviceError) {
        guard let file = fopen(path, "wb") else {
            throw DeviceError(device: path, operation: "creating WAV", reason: String(cString: strerror(errno)))
        }
        self.path = path
        self.sampleRate = sampleRate
        self.file = file
        try writeHeader()
    }

    /// Appends samples (little-endian, as WAV requires; every Linux target of doorstation is little-endian).
    public func append(_ samples: UnsafeBufferPointer<Int16>) throws(DeviceError) {
        guard let file, let base = samples.baseAddress, !samples.isEmpty else { return }
        guard fwrite(base, 2, samples.count, file) == samples.count else {
            throw DeviceError(device: path, operation: "writing WAV", reason: String(cString: strerror(errno)))
        }
        sampleCount += samples.count
    }

    /// Writes the final sizes into the header and closes the file. Safe to call twice.
    public func finish() throws(DeviceError) {
        guard let file else { return }
        defer { fclose(file); self.file = nil }
        fseek(file, 0, SEEK_SET)
        try writeHeader()
        fflush(file)
    }

    deinit {
        try? finish()
    }

    private func writeHeader() throws(DeviceError) {
        let header = WAVFile.header(sampleRate: sampleRate, sampleCount: sampleCount)
        let written = header.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == header.count else {
            throw DeviceError(device: path, operation: "writing WAV header", reason: String(cString: strerror(errno)))
        }
        if sampleCount > 0 { fseek(file, 0, SEEK_END) }
    }
}
