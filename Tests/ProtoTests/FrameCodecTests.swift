import NIOCore
import NIOEmbedded
import NIOTestUtils
import Proto
import Testing

@Suite("Frame codec")
struct FrameCodecTests {
    func bytes(_ frame: Frame) -> ByteBuffer {
        var out = ByteBuffer()
        FrameEncoder.write(frame, into: &out)
        return out
    }

    func frame(_ id: UInt32, _ text: String, kind: Frame.Kind = .message, flags: Frame.Flags = []) -> Frame {
        Frame(kind: kind, flags: flags, callID: id, payload: ByteBuffer(string: text))
    }

    func header(length: UInt32, type: UInt8, flags: UInt8 = 0, callID: UInt32) -> ByteBuffer {
        var b = ByteBuffer()
        b.writeInteger(length)
        b.writeInteger(type)
        b.writeInteger(flags)
        b.writeInteger(callID)
        return b
    }

    @Test("A frame split across reads is emitted once, when complete")
    func splitAcrossReads() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder()))
        var input = bytes(frame(7, "hello"))
        try channel.writeInbound(input.readSlice(length: 5)!)
        #expect(try channel.readInbound(as: Frame.self) == nil)
        try channel.writeInbound(input.readSlice(length: 7)!)
        #expect(try channel.readInbound(as: Frame.self) == nil)
        try channel.writeInbound(input)
        #expect(try channel.readInbound(as: Frame.self) == frame(7, "hello"))
        #expect(try channel.finish().isClean)
    }

    @Test("Frames arriving one byte at a time decode identically")
    func oneByteAtATime() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder()))
        var input = bytes(frame(1, "a", flags: .endStream))
        input.writeImmutableBuffer(bytes(Frame(kind: .ping, callID: 0, payload: ByteBuffer(bytes: [1, 2, 3, 4, 5, 6, 7, 8]))))
        while let b = input.readSlice(length: 1) { try channel.writeInbound(b) }
        #expect(try channel.readInbound(as: Frame.self) == frame(1, "a", flags: .endStream))
        #expect(try channel.readInbound(as: Frame.self)?.kind == .ping)
        #expect(try channel.finish().isClean)
    }

    @Test("The decoder passes NIO's decoder verifier")
    func verifier() throws {
        let inputs: [(ByteBuffer, [Frame])] = [
            (bytes(frame(3, "abc")), [frame(3, "abc")]),
            (bytes(frame(5, "", kind: .message, flags: .endStream)), [frame(5, "", kind: .message, flags: .endStream)]),
            ({ var b = bytes(frame(1, "x")); b.writeImmutableBuffer(bytes(frame(2, "yz"))); return b }(), [frame(1, "x"), frame(2, "yz")]),
        ]
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: inputs) { FrameDecoder() }
    }

    @Test("A declared length over the maximum is refused from the header alone")
    func tooLarge() throws {
        var partial = header(length: 5 * 1024 * 1024, type: 2, callID: 1)
        partial.moveWriterIndex(to: 4)  // only the length has arrived
        #expect(throws: FrameError.frameTooLarge(declared: 5 * 1024 * 1024, maximum: 4 * 1024 * 1024)) {
            _ = try FrameDecoder.next(from: &partial, maximumPayload: 4 * 1024 * 1024)
        }
        var full = header(length: .max, type: 2, callID: 1)
        #expect(throws: FrameError.self) { _ = try FrameDecoder.next(from: &full, maximumPayload: 1024) }
    }

    @Test("Malformed headers are errors, never crashes", arguments: [
        (UInt32(0), UInt8(0x01), UInt8(0), UInt32(1), "HEADERS with no payload"),
        (UInt32(0), UInt8(0x09), UInt8(0), UInt32(1), "unknown type"),
        (UInt32(0), UInt8(0x02), UInt8(0x80), UInt32(1), "unknown flag"),
        (UInt32(0), UInt8(0x02), UInt8(0), UInt32(0), "call frame with call id zero"),
        (UInt32(8), UInt8(0x05), UInt8(0), UInt32(3), "PING with a call id"),
        (UInt32(4), UInt8(0x05), UInt8(0), UInt32(0), "PING of the wrong size"),
        (UInt32(1), UInt8(0x04), UInt8(0), UInt32(1), "CANCEL with a payload"),
    ])
    func malformed(length: UInt32, type: UInt8, flags: UInt8, callID: UInt32, what: String) throws {
        var input = header(length: length, type: type, flags: flags, callID: callID)
        input.writeRepeatingByte(0, count: Int(length))
        #expect(throws: FrameError.self, "\(what)") { _ = try FrameDecoder.next(from: &input, maximumPayload: 1024) }
    }

    @Test("End of input inside a frame is an error")
    func truncated() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder()))
        var input = bytes(frame(9, "truncated payload"))
        try channel.writeInbound(input.readSlice(length: 14)!)
        #expect(throws: FrameError.truncated(missing: 13)) { try channel.finish() }
    }

    @Test("Unknown call ids are left to the connection: the codec decodes them")
    func unknownCallIDDecodes() throws {
        var input = bytes(frame(999_999, "x"))
        let decoded = try FrameDecoder.next(from: &input, maximumPayload: 1024)
        #expect(decoded?.callID == 999_999)
    }

    @Test("In-place payload writing patches the length")
    func inPlaceWrite() throws {
        var out = ByteBuffer()
        FrameEncoder.write(kind: .message, flags: .endStream, callID: 42, into: &out) { $0.writeString("payload!") }
        var copy = out
        #expect(try FrameDecoder.next(from: &copy, maximumPayload: 1024) == frame(42, "payload!", flags: .endStream))
    }
}
