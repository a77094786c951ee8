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
        let handshake: EventLoopPromise<Void>
        init(_ continuation: AsyncStream<Frame>.Continuation, handshake: EventLoopPromise<Void>) {
            self.continuation = continuation
            self.handshake = handshake
        }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) { continuation.yield(unwrapInboundIn(data)) }
        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if event is TLSHandshakeCompleted { handshake.succeed() }
        }
        func channelInactive(context: ChannelHandlerContext) {
            handshake.fail(ChannelError.ioOnClosedChannel)
            continuation.finish()
        }
        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            handshake.fail(error)
            context.close(promise: nil)
        }
    }

    final class IteratorBox: @unchecked Sendable {
        // @unchecked: used by one test task at a time.
        var iterator: AsyncStream<Frame>.AsyncIterator
        init(_ iterator: AsyncStream<Frame>.AsyncIterator) { self.iterator = iterator }
    }

    init(port: Int, caFile: String, certificate: (cert: String, key: String)? = nil) async throws {
        let tls = try TLSContext.client(trustRootsFile: caFile, serverName: "127.0.0.1",
                                        certificateFile: certificate?.cert, privateKeyFile: certificate?.key)
        let (stream, continuation) = AsyncStream<Frame>.makeStream()
        frames = stream
        iterator = IteratorBox(stream.makeAsyncIterator())
        let group = MultiThreadedEventLoopGroup.singleton
        let handshake = group.any().makePromise(of: Void.self)
        channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(try OpenSSLHandler(context: tls))
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(Collector(continuation, handshake: handshake))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        try await handshake.futureResult.get()  // TLS done: a test may stop reading from here on
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

    /// Stops reading from the socket (a peer that does not read): the server's answers pile up
    /// in its own buffers and the kernel's, never in this process.
    func stopReading() async throws {
        try await channel.setOption(ChannelOptions.autoRead, value: false)
    }

    /// Reads again (after ``stopReading()``), e.g. to see that the server closed the connection.
    func resumeReading() async throws {
        try await channel.setOption(ChannelOptions.autoRead, value: true)
        channel.read()
    }

    /// Sends many frames in one write (floods).
    func sendRaw(_ bytes: ByteBuffer) async throws {
        try await channel.writeAndFlush(bytes)
    }

    /// Waits for the connection to close, up to `timeout`; true if it closed.
    func waitClosed(timeout: Duration) async -> Bool {
        let end = ContinuousClock.now + timeout
        while channel.isActive, ContinuousClock.now < end {
            try? await Task.sleep(for: .milliseconds(50))
        }
        return !channel.isActive
    }
}
