internal import NIOCore
internal import NIOEmbedded
internal import Proto

/// The server side of `OpenSSLHandler` fed `bytes` as network input (ciphertext).
///
/// The input goes through the handler's read BIO in a few reads (split at input-derived points,
/// so records cut across reads are covered too); what the handler answers (ServerHello flight,
/// alerts) is read and dropped, and the channel is closed, which runs the close_notify path.
/// Seeds are real ClientHellos (`FuzzTLSFixture.clientHello()`); a fuzzer cannot finish a
/// handshake (the server's key share is fresh per connection), so this target covers the
/// ClientHello and record layer, alert and failure paths of the handler and OpenSSL.
public func fuzzTLS(_ bytes: UnsafeRawBufferPointer) {
    _ = tlsSession(bytes, keepOutput: false)
}

/// One run of the TLS target; returns what the server wrote when `keepOutput`.
package func tlsSession(_ bytes: UnsafeRawBufferPointer, keepOutput: Bool) -> [UInt8] {
    var output: [UInt8] = []
    func drain(_ channel: EmbeddedChannel) {
        while let chunk = try? channel.readOutbound(as: ByteBuffer.self) {
            if keepOutput { output += chunk.readableBytesView }
        }
    }
    let context = FuzzTLSFixture.contexts.server
    let channel = EmbeddedChannel()
    defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
    do {
        try channel.pipeline.syncOperations.addHandler(try OpenSSLHandler(context: context))
        try channel.pipeline.syncOperations.addHandler(PlaintextSink())
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
    } catch {
        fatalError("fuzz tls: cannot set up the channel: \(error)")
    }
    var plan = InputPlan(bytes)
    for piece in plan.pieces(of: bytes.count, maxPieces: 4) {
        guard channel.isActive else { break }
        // Errors (handshake failures) are the expected outcome of most inputs.
        _ = try? channel.writeInbound(channel.allocator.buffer(bytes: UnsafeRawBufferPointer(rebasing: bytes[piece])))
        channel.embeddedEventLoop.run()
        drain(channel)
    }
    if channel.isActive { _ = channel.close() }
    channel.embeddedEventLoop.run()
    drain(channel)
    return output
}

/// Swallows decrypted bytes and errors at the end of the pipeline.
private final class PlaintextSink: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
    func errorCaught(context: ChannelHandlerContext, error: any Error) {}
}

@available(*, unavailable)
extension PlaintextSink: Sendable {}
