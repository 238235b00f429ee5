// libFuzzer entry point for the SIP parser, compiled together with Sources/SIPMessage by
// `make fuzz`. Invariants checked on every input:
// - parsing never traps, and a rejected message always carries a reason;
// - what parses serializes to bytes that parse again and serialize identically;
// - the stream framer, fed the same bytes in two pieces, never traps and never buffers beyond
//   its limits.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSIPMessage(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let parser = SIPMessageParser()
    do {
        let parsed = try parser.parse(bytes)
        let serialized = parsed.message.serialized()
        guard let again = try? parser.parse(serialized) else {
            fatalError("serialized message does not parse again")
        }
        if again.message.serialized() != serialized { fatalError("serialization is not stable") }
        _ = parsed.message.structure
    } catch {
        if error.reason.isEmpty { fatalError("error without a reason") }
    }
    var framer = SIPStreamFramer(role: size % 2 == 0 ? .client : .server)
    let split = size / 3
    _ = try? framer.feed(bytes[..<split])
    _ = try? framer.feed(bytes[split...])
    if framer.bufferedCount > parser.limits.maxHeaderBytes + parser.limits.maxBodyBytes + size { fatalError("framer buffer unbounded") }
    return 0
}
