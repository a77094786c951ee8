internal import NIOCore
internal import NIOHTTP2
internal import Proto
internal import Model
internal import Logging

/// Sits after the TLS handler until the handshake is done, then configures the connection for
/// the protocol ALPN agreed on (docs/PROTOCOL.md §2.2): `jzs/1` → ``ConnectionHandler``, as
/// before; `h2` → `NIOHTTP2Handler` (with the settings of ``Limits``, no stream channels) and
/// ``GRPCConnectionHandler``. Owns the handshake timeout until then.
final class ProtocolSelector: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let shared: ServerShared
    private let connectionID: String
    private let admission: (@Sendable (_ certificateSerial: String?) -> Bool)?
    private var handshakeTimer: Scheduled<Void>?

    init(shared: ServerShared, connectionID: String, admission: (@Sendable (String?) -> Bool)?) {
        self.shared = shared
        self.connectionID = connectionID
        self.admission = admission
    }

    func handlerAdded(context: ChannelHandlerContext) {
        handshakeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: ConnectionGuard.amount(shared.limits.handshakeTimeout)) { [shared, connectionID] in
            shared.logger.debug("handshake timeout", metadata: ["connection": "\(connectionID)"])
            context.close(promise: nil)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        handshakeTimer?.cancel()
        handshakeTimer = nil
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard let done = event as? TLSHandshakeCompleted else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        handshakeTimer?.cancel()
        handshakeTimer = nil
        let operations = context.pipeline.syncOperations
        do {
            if done.alpn == TLSContext.alpnH2 {
                try configureHTTP2(context: context, done: done)
                operations.removeHandler(context: context, promise: nil)
            } else {
                // jzs/1: the connection handler takes the event (admission, caller) itself.
                try operations.addHandler(ConnectionHandler(shared: shared, connectionID: connectionID, admission: admission),
                                          position: .after(self))
                context.fireUserInboundEventTriggered(event)
                operations.removeHandler(context: context, promise: nil)
            }
        } catch {
            shared.logger.error("cannot configure the connection", metadata: ["connection": "\(connectionID)", "error": "\(error)"])
            context.close(promise: nil)
        }
    }

    private func configureHTTP2(context: ChannelHandlerContext, done: TLSHandshakeCompleted) throws {
        let caller = shared.callers.certificateCaller(done.peer)
        let limits = shared.limits
        let operations = context.pipeline.syncOperations
        // No stream multiplexer: the connection handler takes every stream's frames itself.
        try operations.addHandler(NIOHTTP2Handler(mode: .server, connectionConfiguration: Self.connectionConfiguration(limits),
                                                  streamConfiguration: Self.streamConfiguration(limits)), position: .last)
        if let admission, !admission(caller != nil ? done.peer.serialHex : nil) {
            // As over jzs/1 (GOAWAY reason 3): the client learns why, after the server's SETTINGS.
            shared.logger.notice("connection refused: too many connections from its address", metadata: ["connection": "\(connectionID)"])
            let why = context.channel.allocator.buffer(string: ConnectionGuard.refusedTooMany)
            let goAway = HTTP2Frame(streamID: .rootStream, payload: .goAway(lastStreamID: .rootStream, errorCode: .enhanceYourCalm, opaqueData: why))
            let channel = context.channel
            channel.writeAndFlush(goAway).whenComplete { _ in channel.close(promise: nil) }
            return
        }
        let connection = GRPCConnectionHandler(shared: shared, connectionID: connectionID, connectionCaller: caller,
                                               peerAddress: context.channel.remoteAddress?.ipAddress ?? "?")
        try operations.addHandler(connection, position: .last)
        shared.logger.debug("connection ready", metadata: [
            "connection": "\(connectionID)", "tls": "\(done.protocolVersion) \(done.cipher)", "protocol": "h2",
            "caller": "\(caller?.principal ?? "anonymous")",
        ])
    }

    /// The SETTINGS the server announces and its connection window (docs/PROTOCOL.md §9.1).
    static func connectionConfiguration(_ limits: Limits) -> NIOHTTP2Handler.ConnectionConfiguration {
        var configuration = NIOHTTP2Handler.ConnectionConfiguration()
        configuration.initialSettings = [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: limits.maxConcurrentCallsPerConnection),
            HTTP2Setting(parameter: .initialWindowSize, value: min(limits.h2InitialWindowBytes, Int(Int32.max))),
            HTTP2Setting(parameter: .maxHeaderListSize, value: limits.h2MaxHeaderListBytes),
        ]
        configuration.targetWindowSize = min(limits.h2ConnectionWindowBytes, Int(Int32.max))
        // Request header blocks are checked in GRPCStream's single pass over them (HeaderRules):
        // NIOHTTP2's validator also re-checked every block the server sends. gRPC carries no
        // content-length; a request ends with END_STREAM and each message has its own length.
        configuration.headerBlockValidation = .disabled
        configuration.contentLengthValidation = .disabled
        return configuration
    }

    /// Per-stream window and the Rapid Reset bound.
    static func streamConfiguration(_ limits: Limits) -> NIOHTTP2Handler.StreamConfiguration {
        var configuration = NIOHTTP2Handler.StreamConfiguration()
        configuration.targetWindowSize = min(limits.h2InitialWindowBytes, Int(Int32.max))
        configuration.streamResetFrameRateLimit.maximumCount = limits.h2MaxResets
        configuration.streamResetFrameRateLimit.windowLength = ConnectionGuard.amount(limits.h2ResetWindow)
        return configuration
    }
}

@available(*, unavailable)
extension ProtocolSelector: Sendable {}
