import Foundation
import NIOCore
import NIOPosix
import Proto

/// A bare jzs/1 connection for protocol tests: TLS + framing only, frames written and read as
/// they are, with none of the client library's rules.
final class RawConnection: Sendable {
    let channel: any Channel
    let frames: AsyncStream<Frame>
    private let iterator: IteratorBox

    private final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = Frame
        let continuation: AsyncStream<Frame>.Continuation
        init(_ continuation: AsyncStream<Frame>.Continuation) { self.continuation = continuation }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) { continuation.yield(unwrapInboundIn(data)) }
        func channelInactive(context: ChannelHandlerContext) { continuation.finish() }
        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
    }

    final class IteratorBox: @unchecked Sendable {
        // @unchecked: used by one test task at a time.
        var iterator: AsyncStream<Frame>.AsyncIterator
        init(_ iterator: AsyncStream<Frame>.AsyncIterator) { self.iterator = iterator }
    }

    init(port: Int, caFile: String) async throws {
        let tls = try TLSContext.client(trustRootsFile: caFile, serverName: "127.0.0.1")
        let (stream, continuation) = AsyncStream<Frame>.makeStream()
        frames = stream
        iterator = IteratorBox(stream.makeAsyncIterator())
        channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(try OpenSSLHandler(context: tls))
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(Collector(continuation))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
    }

    func send(_ kind: Frame.Kind, flags: Frame.Flags = [], callID: UInt32, payload: ByteBuffer = ByteBuffer()) async throws {
        var out = ByteBuffer()
        FrameEncoder.write(Frame(kind: kind, flags: flags, callID: callID, payload: payload), into: &out)
        try await channel.writeAndFlush(out)
    }

    func sendHeaders(callID: UInt32, method: String, timeoutMicros: UInt64 = 0, requestID: String? = nil) async throws {
        var headers = Wire.RPC.CallHeaders(method: method, timeoutMicros: timeoutMicros)
        if let requestID { headers.metadata = [.init(key: "request-id", value: requestID)] }
        var payload = ByteBuffer()
        headers.encode(into: &payload)
        try await send(.headers, callID: callID, payload: payload)
    }

    func sendMessage<M: ProtobufCBacked>(callID: UInt32, _ message: M, end: Bool = true) async throws {
        var payload = ByteBuffer()
        message.encode(into: &payload)
        try await send(.message, flags: end ? .endStream : [], callID: callID, payload: payload)
    }

    /// The next frame, or nil when the connection closed.
    func next() async -> Frame? { await iterator.iterator.next() }

    /// Reads frames until one of `kind` arrives (nil if the connection closes first).
    func next(_ kind: Frame.Kind) async -> Frame? {
        while let f = await next() { if f.kind == kind { return f } }
        return nil
    }

    func close() async { try? await channel.close() }
}
