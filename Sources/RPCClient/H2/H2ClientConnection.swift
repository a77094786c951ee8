internal import NIOCore
internal import NIOHTTP2
internal import NIOHPACK
internal import Proto
internal import Model

/// The gRPC-over-HTTP/2 transport of ``Client``: one stream per call over `NIOHTTP2Handler`,
/// behind the same OpenSSL handler as jzs/1 (ALPN `h2`). The calls, their errors (from
/// `grpc-status` and `grpc-status-details-bin`), deadlines and cancellation behave as on jzs/1.
/// Confined to the connection's event loop.
final class H2ClientConnection {
    private let multiplexer: NIOHTTP2Handler.StreamMultiplexer
    /// Weak: the handler holds this connection.
    private weak var handler: H2ClientConnectionHandler?
    private let eventLoop: any EventLoop
    private let maxMessageBytes: Int

    init(multiplexer: NIOHTTP2Handler.StreamMultiplexer, handler: H2ClientConnectionHandler, eventLoop: any EventLoop, maxMessageBytes: Int) {
        self.multiplexer = multiplexer
        self.handler = handler
        self.eventLoop = eventLoop
        self.maxMessageBytes = maxMessageBytes
    }

    /// Adds the HTTP/2 handlers after the TLS handler (the preface waits for the handshake).
    static func configure(_ channel: any Channel, ready: EventLoopPromise<Void>, onUnusable: @escaping @Sendable () -> Void,
                          maxMessageBytes: Int) throws {
        var connection = NIOHTTP2Handler.ConnectionConfiguration()
        connection.initialSettings = [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: 0),  // no server push
            HTTP2Setting(parameter: .initialWindowSize, value: 1 << 20),
            HTTP2Setting(parameter: .maxHeaderListSize, value: 1 << 16),
        ]
        connection.targetWindowSize = 16 << 20
        var stream = NIOHTTP2Handler.StreamConfiguration()
        stream.targetWindowSize = 1 << 20
        let operations = channel.pipeline.syncOperations
        try operations.addHandler(FlushCoalescingHandler(), position: .last)
        let multiplexer = try operations.configureHTTP2Pipeline(
            mode: .client, connectionConfiguration: connection, streamConfiguration: stream, position: .last
        ) { pushed in pushed.close() }
        let handler = H2ClientConnectionHandler(ready: ready, onUnusable: onUnusable)
        handler.connection = H2ClientConnection(multiplexer: multiplexer, handler: handler, eventLoop: channel.eventLoop,
                                                maxMessageBytes: maxMessageBytes)
        try operations.addHandler(handler, position: .last)
    }

    /// The request headers (path, content type, `grpc-timeout`, metadata) and message.
    static func encode<Request>(path: String, request: Request, codec: MessageCodec<Request>, metadata: Metadata, timeout: Duration,
                                configuration: ClientConfiguration) throws -> EncodedRequest {
        var headers: HPACKHeaders = [
            ":method": "POST", ":scheme": "https", ":path": path, ":authority": configuration.serverName ?? configuration.host,
            GRPCWire.Header.contentType: GRPCWire.contentType, GRPCWire.Header.te: "trailers",
            GRPCWire.Header.timeout: GRPCWire.formatTimeout(micros: timeout.microseconds),
        ]
        var merged = configuration.metadata
        for (k, v) in metadata { merged[k] = v }
        for (k, v) in merged { headers.add(name: k, value: v) }
        var buffer = ByteBufferAllocator().buffer(capacity: 256)
        let size = GRPCWire.writeMessage(into: &buffer) { codec.encode(request, &$0) }
        guard size <= configuration.maxMessageBytes else {
            throw RPCError(code: .resourceExhausted, message: "request of \(size) bytes exceeds the \(configuration.maxMessageBytes)-byte message limit")
        }
        return EncodedRequest(bytes: buffer, headers: headers)
    }

    func start(_ call: PendingCall, outcome: PendingCall.Outcome) {
        call.outcome = outcome
        if let early = call.cancelledEarly {
            call.fail(early)
            return
        }
        guard let handler, !handler.goingAway else {
            call.fail(RPCError(code: .unavailable, message: ClientHandler.refusedByGoAway + "connection is draining", messageCode: ClientCode.draining))
            return
        }
        let headers = call.headers ?? [:]
        let maxMessageBytes = self.maxMessageBytes
        let opened = eventLoop.makePromise(of: (any Channel).self)
        let boundCall = NIOLoopBound(call, eventLoop: eventLoop)
        multiplexer.createStreamChannel(promise: opened) { stream in
            do {
                try stream.pipeline.syncOperations.addHandler(H2ClientStreamHandler(call: boundCall.value, headers: headers, maxMessageBytes: maxMessageBytes))
                return stream.eventLoop.makeSucceededVoidFuture()
            } catch {
                return stream.eventLoop.makeFailedFuture(error)
            }
        }
        opened.futureResult.assumeIsolated().whenComplete { [weak self] result in
            switch result {
            case .success(let stream):
                call.stream = stream
                if call.isFinished {
                    stream.close(promise: nil)
                    return
                }
                let deadline = NIODeadline.now() + .microseconds(Int64(clamping: call.timeout.microseconds))
                call.deadline = self?.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [weak self] in
                    self?.abandon(call, error: RPCError(code: .deadlineExceeded, message: "deadline exceeded", messageCode: ClientCode.deadline))
                }
            case .failure(let error):
                // Never sent: safe to retry on a new connection.
                call.fail(RPCError(code: .unavailable, message: ClientHandler.refusedByGoAway + "\(TransportErrorText.reason(error))",
                                   messageCode: ClientCode.draining))
            }
        }
    }

    /// Ends a call locally (deadline, task cancelled) and resets its stream (RST_STREAM).
    func abandon(_ call: PendingCall, error: RPCError) {
        guard call.outcome != nil else {
            if call.stream == nil { call.cancelledEarly = error }
            return
        }
        call.fail(error)
        call.deadline?.cancel()
        call.stream?.close(promise: nil)
    }
}

@available(*, unavailable)
extension H2ClientConnection: Sendable {}
