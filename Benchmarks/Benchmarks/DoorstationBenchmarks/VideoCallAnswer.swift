import SDP

/// The apartment's SDP answer to the door's offer (RFC 3264 §6), the one the sipp scenario
/// Tests/InteropTests/Peers/sipp/uas_call_video_elsewhere.xml gives: audio PCMU (payload type 0)
/// plus the offer's telephone-event, video with the offer's H.264 payload type that has
/// packetization-mode=1 (and its fmtp), received only; any other stream rejected (port 0).
/// Plain RTP: the benchmark's door runs with `media_encryption=none`, so an RTP/SAVP offer
/// (which would need an `a=crypto` answer) is refused as a setup error.
struct VideoCallAnswer {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let text: String
    /// The H.264 payload type chosen from the offer.
    let videoPayloadType: UInt8
    /// Where the door receives audio RTP (its offer's `c=` and `m=audio` port).
    let doorAudio: (address: String, port: UInt16)?

    init(offer body: [UInt8], audioPort: UInt16, videoPort: UInt16) throws(Failure) {
        let offer: SessionDescription
        do {
            offer = try SessionDescription(bytes: body)
        } catch {
            throw Failure(description: "the INVITE's SDP offer does not parse: \(error)")
        }
        var lines = ["v=0", "o=apartment 2890844526 1 IN IP4 127.0.0.1", "s=-", "c=IN IP4 127.0.0.1", "t=0 0"]
        var h264: UInt8?
        var audio = false
        var doorAudio: (address: String, port: UInt16)?
        for medium in offer.media {
            if medium.transport?.isSecure == true {
                throw Failure(description: "the door offered SRTP (\(medium.proto)); the benchmark configures media_encryption=none")
            }
            let mux = medium.rtcpMux ? ["a=rtcp-mux"] : []
            if medium.media == "audio", medium.port != 0, !audio, medium.payloadTypes.contains(0) {
                audio = true
                doorAudio = offer.effectiveConnection(of: medium).map { ($0.address, medium.port) }
                let event = medium.payloadTypes.first { medium.rtpMap(for: $0)?.encoding.lowercased() == "telephone-event" && medium.rtpMap(for: $0)?.clockRate == 8000 }
                lines.append("m=audio \(audioPort) \(medium.proto) 0" + (event.map { " \($0)" } ?? ""))
                lines.append("a=rtpmap:0 PCMU/8000")
                if let event { lines += ["a=rtpmap:\(event) telephone-event/8000", "a=fmtp:\(event) 0-15"] }
                lines.append(Self.direction(answering: offer.effectiveDirection(of: medium), wantToSend: true))
                lines += mux
            } else if medium.media == "video", medium.port != 0, h264 == nil,
                      let chosen = medium.payloadTypes.first(where: { Self.isH264Mode1(medium, $0) }) {
                h264 = chosen
                lines.append("m=video \(videoPort) \(medium.proto) \(chosen)")
                lines.append("a=rtpmap:\(chosen) H264/90000")
                if let fmtp = medium.formatParameters(for: chosen) { lines.append("a=fmtp:\(chosen) \(fmtp)") }
                lines.append(Self.direction(answering: offer.effectiveDirection(of: medium), wantToSend: false))
                lines += mux
            } else {
                let rejected = medium.rejected
                lines.append("m=\(rejected.media) 0 \(rejected.proto) \(rejected.formats.joined(separator: " "))")
            }
        }
        guard audio else { throw Failure(description: "the offer has no audio stream with PCMU (payload type 0)") }
        guard let h264 else { throw Failure(description: "the offer has no H.264 video with packetization-mode=1") }
        text = lines.joined(separator: "\r\n") + "\r\n"
        videoPayloadType = h264
        self.doorAudio = doorAudio
    }

    private static func isH264Mode1(_ medium: MediaDescription, _ payloadType: UInt8) -> Bool {
        guard let map = medium.rtpMap(for: payloadType), map.encoding.uppercased() == "H264", map.clockRate == 90000 else { return false }
        return medium.formatParameters(for: payloadType)?["packetization-mode"] == "1"
    }

    /// RFC 3264 §6.1: sendonly is answered recvonly, recvonly sendonly; sendrecv as we like.
    private static func direction(answering offered: MediaDirection, wantToSend: Bool) -> String {
        switch offered {
        case .sendonly: return "a=recvonly"
        case .recvonly: return wantToSend ? "a=sendonly" : "a=inactive"
        case .inactive: return "a=inactive"
        default: return wantToSend ? "a=sendrecv" : "a=recvonly"
        }
    }
}
