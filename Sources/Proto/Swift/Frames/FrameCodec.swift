public import NIOCore

/// Turns bytes into ``Frame``s, validating each header before its payload is read or allocated.
public struct FrameDecoder: ByteToMessageDecoder, Sendable {
    public typealias InboundOut = Frame

    public let maximumPayload: UInt32

    public init(maximumPayload: UInt32 = Limits.default.maxFrameBytes) {
        self.maximumPayload = maximumPayload
    }

    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let frame = try Self.next(from: &buffer, maximumPayload: maximumPayload) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(frame))
        return .continue
    }

    public mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        if buffer.readableBytes > 0 {
            // EOF inside a frame: the peer went away mid-frame.
            let missing = Self.missingBytes(in: buffer)
            buffer.moveReaderIndex(to: buffer.writerIndex)
            throw FrameError.truncated(missing: missing)
        }
        return .needMoreData
    }

    /// Reads one frame if complete; validates the header first (no allocation for bad lengths).
    public static func next(from buffer: inout ByteBuffer, maximumPayload: UInt32) throws(FrameError) -> Frame? {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self),
              let rawType = buffer.getInteger(at: buffer.readerIndex + 4, as: UInt8.self),
              let rawFlags = buffer.getInteger(at: buffer.readerIndex + 5, as: UInt8.self),
              let callID = buffer.getInteger(at: buffer.readerIndex + 6, as: UInt32.self)
        else {
            // Even a partial header can already be judged on its length.
            if let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self), length > maximumPayload {
                throw .frameTooLarge(declared: length, maximum: maximumPayload)
            }
            return nil
        }
        guard length <= maximumPayload else { throw .frameTooLarge(declared: length, maximum: maximumPayload) }
        guard let kind = Frame.Kind(rawValue: rawType) else { throw .unknownType(rawType) }
        let flags = Frame.Flags(rawValue: rawFlags)
        guard flags.subtracting(allowedFlags(kind)).isEmpty else { throw .unknownFlags(rawFlags) }
        guard kind.isCallFrame == (callID != 0) else { throw .badCallID(kind: kind, callID: callID) }
        guard lengthIsValid(kind, length) else { throw .badLength(kind: kind, length: length) }
        guard buffer.readableBytes >= Frame.headerSize + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: Frame.headerSize)
        let payload = buffer.readSlice(length: Int(length))!
        return Frame(kind: kind, flags: flags, callID: callID, payload: payload)
    }

    static func allowedFlags(_ kind: Frame.Kind) -> Frame.Flags {
        kind == .message ? .endStream : []
    }

    static func lengthIsValid(_ kind: Frame.Kind, _ length: UInt32) -> Bool {
        switch kind {
        case .headers: length > 0        // at least the method name
        case .cancel: length == 0
        case .ping, .pong: length == 8
        case .message, .trailers, .goAway: true
        }
    }

    static func missingBytes(in buffer: ByteBuffer) -> Int {
        guard let length = buffer.getInteger(at: buffer.readerIndex, as: UInt32.self) else {
            return Frame.headerSize - buffer.readableBytes
        }
        return Frame.headerSize + Int(length) - buffer.readableBytes
    }
}

/// Writes ``Frame``s as header + payload.
public struct FrameEncoder: MessageToByteEncoder, Sendable {
    public typealias OutboundIn = Frame

    public init() {}

    public func encode(data frame: Frame, out: inout ByteBuffer) throws {
        Self.write(frame, into: &out)
    }

    public static func write(_ frame: Frame, into out: inout ByteBuffer) {
        out.writeInteger(UInt32(frame.payload.readableBytes))
        out.writeInteger(frame.kind.rawValue)
        out.writeInteger(frame.flags.rawValue)
        out.writeInteger(frame.callID)
        var payload = frame.payload
        out.writeBuffer(&payload)
    }

    /// Writes a frame whose payload is produced in place by `body` (no intermediate buffer):
    /// the length is patched in once the payload is written.
    public static func write(
        kind: Frame.Kind, flags: Frame.Flags = [], callID: UInt32, into out: inout ByteBuffer,
        payload body: (inout ByteBuffer) -> Void
    ) {
        let start = out.writerIndex
        out.writeInteger(UInt32(0))
        out.writeInteger(kind.rawValue)
        out.writeInteger(flags.rawValue)
        out.writeInteger(callID)
        let payloadStart = out.writerIndex
        body(&out)
        out.setInteger(UInt32(out.writerIndex - payloadStart), at: start)
    }
}
