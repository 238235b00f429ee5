import Benchmark
import Glibc
import H264Encoder
import RTP
import SRTP
import Video

/// A call's video send path per frame, at 640x480 and 1280x720 (15 fps, 768 and 1500 kbit/s,
/// ultrafast, Constrained Baseline, one x264 thread, a key frame every 150 frames: the daemon's
/// defaults), against bare libx264 encoding the same frames in the same run (`BareX264`, opened
/// with the same parameters). The target: ours at most 5 % slower than the bare encoder.
///
/// Capture-to-wire is what a call's video thread does with a camera buffer, for a YUYV camera
/// (the format every UVC webcam offers): YUYV → I420 (`PixelConversion`), x264 (`H264Encoder`),
/// RFC 6184 packetization (`H264Packetizer`, mode 1, 1200-byte payloads), RTP header and SRTP
/// protect (AES-CM-128 / HMAC-SHA1-80) of every packet: the steps of `Network.VideoSender.send`,
/// which is internal, reproduced from the public pieces. Only the `sendto` is left out.
///
/// - Frames per second per core: the throughput (x264 with one thread; the pipeline is
///   synchronous, one frame per iteration); on a busy machine 10⁶ / the thread CPU time (µs)
///   is the steadier figure.
/// - Latency: the pipeline is synchronous and a frame's packets are all protected before the
///   iteration ends, so the capture-to-wire iteration's wall clock IS the per-frame latency from
///   capture (the camera buffer in hand) to the frame's last packet ready for the socket. The
///   daemon's own figure (`captureToWireMaxMilliseconds`) starts earlier, at the driver's buffer
///   timestamp, and adds the `sendto` calls.
/// - CPU: the thread's CPU time per frame (`CLOCK_THREAD_CPUTIME_ID`, read around the frame and
///   recorded after the measurement stops), in place of the house `.cpuTotal`: that one has the
///   scheduler tick's 10 ms resolution, and reading it (/proc/self/stat and /proc/self/io) makes
///   16 allocations inside every measured iteration, which would hide the pipeline's own count.
/// - Allocations: the encoder, packetizer, SRTP session and buffers are set up before the first
///   frame, as a call does; conversion, encoding (ours and bare), packetization and the RTP
///   header allocate nothing in steady state. libsrtp2 does: Debian 12 builds it on NSS, whose
///   AES-ICM and HMAC create a PK11 context for every packet (`PK11_CreateContextBySymKey`),
///   14 allocations per protected packet, so capture-to-wire counts 14 × the frame's packets.
///
/// The frames: 30 of the moving test pattern with seeded ±8 luma noise (the plain pattern costs
/// x264 almost nothing), prepared once as YUYV; each iteration takes the next one, cycling. Both
/// benchmarks of a size run the same number of iterations (`maxIterations`, the duration limit
/// being far off), so they encode the same sequence, key frames included; before measuring, the
/// setup checks that the two encoders write the same bytes for the first frames.
func videoBenchmarks() {
    let frameCount = 600  // 40 s of video: key frames at 0, 150, 300 and 450 in both benchmarks
    let configuration = Benchmark.Configuration(
        metrics: [.wallClock, threadCPUTime, .mallocCountTotal, .throughput],
        warmupIterations: 1, maxDuration: .seconds(120), maxIterations: frameCount - 1)
    for (width, height, bitrate) in [(640, 480, 768), (1280, 720, 1500)] {
        let encoderConfiguration = H264EncoderConfiguration(
            width: width, height: height, framerate: 15, bitrateKbps: bitrate, preset: "ultrafast",
            profile: .constrainedBaseline, keyFrameInterval: 150, maxNALUnitSize: nil, threads: 1)

        let bare = BareState()
        Benchmark("Video \(width)x\(height): bare libx264 encode (baseline)", configuration: configuration) { benchmark in
            let (clip, encoder) = (bare.clip!, bare.encoder!)
            let cpu = threadCPUNanoseconds()
            for _ in benchmark.scaledIterations {
                let frame = clip.i420[bare.next % clip.count]
                frame.sequence = UInt64(bare.next)
                frame.timestamp = VideoClip.captureTime(bare.next)
                bare.next += 1
                blackHole(encoder.encode(frame).count)
            }
            recordThreadCPUTime(since: cpu, benchmark)
        } setup: {
            bare.clip = VideoClip(width: width, height: height)
            bare.encoder = BareX264(encoderConfiguration)
            bare.next = 0
        } teardown: {
            bare.clip = nil
            bare.encoder = nil
        }

        let pipeline = PipelineState()
        Benchmark("Video \(width)x\(height): capture-to-wire (YUYV→I420 + x264 + RFC 6184 + SRTP), wall clock = capture-to-last-packet latency",
                  configuration: configuration) { benchmark in
            let sender = pipeline.sender!
            let cpu = threadCPUNanoseconds()
            for _ in benchmark.scaledIterations {
                try sender.sendNextFrame()
            }
            blackHole(sender.packetsSent)
            recordThreadCPUTime(since: cpu, benchmark)
        } setup: {
            let clip = VideoClip(width: width, height: height)
            try checkSameStream(encoderConfiguration, clip: clip, frames: 20)
            pipeline.sender = try CaptureToWire(encoderConfiguration, clip: clip)
        } teardown: {
            if let sender = pipeline.sender {
                print("Video \(width)x\(height): \(sender.framesSent) frames, \(sender.keyFrames) key frames, \(sender.packetsSent) packets, "
                    + "\(sender.statistics.octets / UInt32(max(1, sender.framesSent))) payload bytes per frame")
            }
            pipeline.sender = nil
        }
    }
}

/// CPU time of the benchmark's thread per iteration, µs.
let threadCPUTime = BenchmarkMetric.custom("Time (thread CPU) (μs)", polarity: .prefersSmaller, useScalingFactor: true)

func threadCPUNanoseconds() -> UInt64 {
    var time = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
    return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
}

/// Ends the measured part of the iteration, then records its thread CPU time (recording it
/// inside would count whatever the statistics do among the iteration's allocations).
func recordThreadCPUTime(since start: UInt64, _ benchmark: Benchmark) {
    let elapsed = threadCPUNanoseconds() - start
    benchmark.stopMeasurement()
    benchmark.measurement(threadCPUTime, Int(elapsed / 1000))
}

/// The baseline's state, made in its setup (not at registration, which runs for every filter).
final class BareState {
    var clip: VideoClip?
    var encoder: BareX264?
    var next = 0
}

final class PipelineState {
    var sender: CaptureToWire?
}

/// `count` frames of the moving test pattern with sensor-like noise, as a YUYV camera delivers
/// them (`yuyv`), and the same frames converted to I420 by `PixelConversion` (`i420`, what the
/// baseline encodes: exactly what the pipeline's conversion produces).
final class VideoClip {
    let width: Int, height: Int, count: Int
    let yuyv: [UnsafeMutableRawBufferPointer]
    let i420: [I420Frame]

    /// Capture time of frame `index` at 15 fps, ns.
    static func captureTime(_ index: Int) -> UInt64 { UInt64(index) * 1_000_000_000 / 15 }

    init(width: Int, height: Int, count: Int = 30) {
        self.width = width
        self.height = height
        self.count = count
        var noise = NoiseGenerator(seed: 1)
        let rendered = I420Frame(width: width, height: height)
        var yuyv: [UnsafeMutableRawBufferPointer] = [], i420: [I420Frame] = []
        for index in 0..<count {
            TestPattern().render(into: rendered, sequence: UInt64(index), timestamp: Self.captureTime(index))
            noise.addNoise(to: rendered)
            // Camera buffers are page-aligned mmap memory.
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: width * height * 2, alignment: 4096)
            Self.packYUYV(rendered, into: buffer)
            let frame = I420Frame(width: width, height: height)
            try! PixelConversion.convert(UnsafeRawBufferPointer(buffer), format: .yuyv, width: width, height: height, bytesPerLine: width * 2, into: frame)
            yuyv.append(buffer)
            i420.append(frame)
        }
        self.yuyv = yuyv
        self.i420 = i420
    }

    deinit { for buffer in yuyv { buffer.deallocate() } }

    /// I420 → YUYV (Y0 Cb Y1 Cr): each chroma row serves two lines, so converting back gives the same chroma.
    static func packYUYV(_ frame: I420Frame, into buffer: UnsafeMutableRawBufferPointer) {
        let width = frame.width
        frame.withPlanes { y, u, v in
            for row in 0..<frame.height {
                for pair in 0..<width / 2 {
                    let out = row * width * 2 + pair * 4, chroma = row / 2 * (width / 2) + pair
                    buffer[out] = y[row * width + pair * 2]
                    buffer[out + 1] = u[chroma]
                    buffer[out + 2] = y[row * width + pair * 2 + 1]
                    buffer[out + 3] = v[chroma]
                }
            }
        }
    }
}

/// Sensor-like noise, as Tests/H264EncoderTests/EncodedStream.swift adds it: the low 4 bits of
/// every luma sample replaced by random bits (±8 around the pattern), xorshift64 from a seed.
struct NoiseGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }

    mutating func addNoise(to frame: I420Frame) {
        frame.withPlanes { y, _, _ in
            let words = UnsafeMutableRawPointer(y.baseAddress!).bindMemory(to: UInt64.self, capacity: y.count / 8)
            for index in 0..<y.count / 8 {
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                words[index] = (words[index] & 0xF0F0_F0F0_F0F0_F0F0) | (state & 0x0F0F_0F0F_0F0F_0F0F)
            }
        }
    }
}

/// The send side of a call's video for one camera buffer, as `VideoStream.encodeAndSend` and
/// `VideoSender.send` do it: convert, encode, packetize, RTP header, SRTP protect, hand the
/// datagram to the socket (here: `blackHole`). Everything is allocated in `init`.
final class CaptureToWire {
    let clip: VideoClip
    let encoder: H264Encoder
    let frame: I420Frame
    let srtp: SRTPContext
    var packetizer = H264Packetizer(packetizationMode: 1, maxPayloadSize: 1200)
    let packet: UnsafeMutableRawBufferPointer
    let ssrc: UInt32 = 0x5EED_0001
    let payloadType: UInt8 = 96
    let timestampBase: UInt32 = 0x1234_5678
    var firstCapture: UInt64?
    var sequenceNumber: UInt16 = 0x2345
    var statistics = SenderStatistics()
    var protectFailures = 0
    var next = 0
    var framesSent = 0, keyFrames = 0, packetsSent = 0

    init(_ configuration: H264EncoderConfiguration, clip: VideoClip) throws {
        self.clip = clip
        encoder = try H264Encoder(configuration)
        frame = I420Frame(width: clip.width, height: clip.height)
        srtp = try SRTPContext(profile: .aesCM128HMACSHA1_80, localKeyMaterial: (0..<30).map { UInt8($0) },
                               remoteKeyMaterial: (0..<30).map { UInt8(100 + $0) })
        packet = .allocate(byteCount: RTPHeader.length + packetizer.maxPayloadSize + SRTPContext.maximumTrailerLength, alignment: 8)
    }

    deinit { packet.deallocate() }

    /// The next camera buffer of the clip, from YUYV to its last SRTP packet.
    func sendNextFrame() throws {
        let index = next
        next += 1
        let buffer = UnsafeRawBufferPointer(clip.yuyv[index % clip.count])
        try PixelConversion.convert(buffer, format: .yuyv, width: clip.width, height: clip.height, bytesPerLine: clip.width * 2, into: frame)
        frame.sequence = UInt64(index)
        frame.timestamp = VideoClip.captureTime(index)
        try encoder.encode(frame, forceKeyFrame: false) { unit in
            send(annexB: unit.annexB, captureTime: unit.captureTimestamp, isKeyFrame: unit.isKeyFrame)
        }
    }

    /// `VideoSender.timestamp(forCapture:)`: the 90 kHz RTP clock from the capture time.
    func timestamp(forCapture capture: UInt64) -> UInt32 {
        let first = firstCapture ?? capture
        firstCapture = first
        let ticks = (capture &- first) / 1000 * 90_000 / 1_000_000
        return timestampBase &+ UInt32(truncatingIfNeeded: ticks)
    }

    /// `VideoSender.send`.
    func send(annexB: UnsafeRawBufferPointer, captureTime: UInt64, isKeyFrame: Bool) {
        let timestamp = timestamp(forCapture: captureTime)
        packetizer.packetize(annexB: annexB) { payload, marker in
            let header = RTPHeader(marker: marker, payloadType: payloadType, sequenceNumber: sequenceNumber, timestamp: timestamp, ssrc: ssrc)
            header.write(to: packet)
            UnsafeMutableRawBufferPointer(rebasing: packet[RTPHeader.length..<RTPHeader.length + payload.count]).copyMemory(from: payload)
            var length = RTPHeader.length + payload.count
            sequenceNumber &+= 1
            do {
                length = try srtp.protectRTP(packet, length: length)
            } catch {
                protectFailures += 1
                return
            }
            statistics.sent(payloadBytes: payload.count)
            packetsSent += 1
            blackHole(UnsafeRawBufferPointer(rebasing: packet[0..<length]))  // the socket's sendto
        }
        framesSent += 1
        if isKeyFrame { keyFrames += 1 }
    }
}

/// Encodes the first `frames` frames of `clip` with `H264Encoder` (converted from YUYV, as the
/// pipeline does) and with `BareX264` (the clip's I420 frames) and requires the same bytes: the
/// baseline is the same encoder doing the same work (x264's version SEI, which `H264Encoder`
/// drops from the first access unit, left out of the comparison).
func checkSameStream(_ configuration: H264EncoderConfiguration, clip: VideoClip, frames: Int) throws {
    let ours = try H264Encoder(configuration)
    let bare = BareX264(configuration)
    let frame = I420Frame(width: clip.width, height: clip.height)
    for index in 0..<frames {
        try PixelConversion.convert(UnsafeRawBufferPointer(clip.yuyv[index % clip.count]), format: .yuyv, width: clip.width, height: clip.height,
                                    bytesPerLine: clip.width * 2, into: frame)
        frame.sequence = UInt64(index)
        frame.timestamp = VideoClip.captureTime(index)
        var ourBytes: [UInt8] = []
        try ours.encode(frame, forceKeyFrame: false) { ourBytes = [UInt8]($0.annexB) }
        let reference = clip.i420[index % clip.count]
        precondition(reference.storage == frame.storage, "frame \(index): the baseline's I420 differs from the pipeline's conversion")
        reference.sequence = UInt64(index)
        reference.timestamp = VideoClip.captureTime(index)
        let bareBytes = BareX264.bytesWithoutSEI(bare.encode(reference))
        precondition(ourBytes == bareBytes, "frame \(index): H264Encoder wrote \(ourBytes.count) bytes, bare x264 \(bareBytes.count): not the same stream")
    }
}
