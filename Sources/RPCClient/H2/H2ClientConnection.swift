internal import NIOCore
internal import NIOHTTP2
internal import NIOHPACK
internal import Proto
internal import Model

/// The gRPC-over-HTTP/2 transport of ``Client``: one stream per call over `NIOHTTP2Handler`,
/// behind the same OpenSSL handler as jzs/1 (ALPN `h2`). The calls, their errors (from
/// `grpc-status` and `grpc-status-details-bin`), deadlines and cancellation behave as on jzs/1.
///
/// `NIOHTTP2Handler` runs without a stream multiplexer, as ``ClientHandler`` does for jzs/1:
/// this handler numbers the streams, writes each call's HEADERS and DATA, routes the stream's
/// frames to its ``H2ClientStream``, tops up the inbound windows (``H2Window``), keeps one
/// deadline timer for all calls, and lets the calls started in one event-loop tick share one
/// flush. It also tells the client when TLS is up (ready), when the server sent GOAWAY (no new
/// calls on this connection) and when the connection failed. Confined to the connection's
/// event loop.
final class H2ClientConnection: ChannelInboundHandler {
    typealias InboundIn = HTTP2Frame
    typealias OutboundOut = HTTP2Frame

    let ready: EventLoopPromise<Void>
    let onUnusable: @Sendable () -> Void
    /// Set once GOAWAY arrived: calls not yet started go to a new connection.
    private(set) var goingAway = false
    /// The debug data of a GOAWAY sent with an error code, as the failed calls' message.
    private var goAwayMessage: String?
    private let maxMessageBytes: Int
    private var context: ChannelHandlerContext?
    private var streams: [UInt32: H2ClientStream] = [:]
    private var nextStreamID: UInt32 = 1
    private let flusher = FlushCoalescer()
    private let deadlineTimer = DeadlineTimer()

    /// The windows the client announces (SETTINGS) and keeps topped up.
    static let streamWindowBytes = 1 << 20
    static let connectionWindowBytes = 16 << 20

    init(ready: EventLoopPromise<Void>, onUnusable: @escaping @Sendable () -> Void, maxMessageBytes: Int) {
        self.ready = ready
        self.onUnusable = onUnusable
        self.maxMessageBytes = maxMessageBytes
    }

    /// Adds the HTTP/2 handlers after the TLS handler (the preface waits for the handshake).
    static func configure(_ channel: any Channel, ready: EventLoopPromise<Void>, onUnusable: @escaping @Sendable () -> Void,
                          maxMessageBytes: Int) throws {
        var connection = NIOHTTP2Handler.ConnectionConfiguration()
        connection.initialSettings = [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: 0),  // no server push
            HTTP2Setting(parameter: .initialWindowSize, value: streamWindowBytes),
            HTTP2Setting(parameter: .maxHeaderListSize, value: 1 << 16),
        ]
        connection.targetWindowSize = connectionWindowBytes
        // The client writes its own request headers and reads only `:status` and the `grpc-*`
        // trailers of the server it authenticated (H2ClientStream): NIOHTTP2's validation of
        // every header block, both ways, was about 8 % of the client's work per call.
        connection.headerBlockValidation = .disabled
        connection.contentLengthValidation = .disabled
        var stream = NIOHTTP2Handler.StreamConfiguration()
        stream.targetWindowSize = streamWindowBytes
        let operations = channel.pipeline.syncOperations
        try operations.addHandler(NIOHTTP2Handler(mode: .client, connectionConfiguration: connection, streamConfiguration: stream),
                                  position: .last)
        try operations.addHandler(H2ClientConnection(ready: ready, onUnusable: onUnusable, maxMessageBytes: maxMessageBytes),
                                  position: .last)
    }

    /// The request headers (path, content type, `grpc-timeout`, metadata) and message.
    static func encode<Request>(path: String, request: Request, codec: MessageCodec<Request>, metadata: Metadata, timeout: Duration,
                                configuration: ClientConfiguration) throws -> EncodedRequest {
        var merged = configuration.metadata
        for (k, v) in metadata { merged[k] = v }
        var headers = HPACKHeaders()
        headers.reserveCapacity(10)
        headers.add(name: ":method", value: "POST")
        headers.add(name: ":scheme", value: "https")
        headers.add(name: ":path", value: path)
        headers.add(name: ":authority", value: configuration.serverName ?? configuration.host)
        headers.add(name: GRPCWire.Header.contentType, value: GRPCWire.contentType)
        headers.add(name: GRPCWire.Header.te, value: "trailers")
        headers.add(name: GRPCWire.Header.timeout, value: GRPCWire.formatTimeout(micros: timeout.microseconds))
        for (k, v) in merged {
            let header = GRPCWire.header(forMetadata: k, value: v)   // a Chinese operator goes as operator-bin
            headers.add(name: header.name, value: header.value)
        }
        var buffer = ByteBufferAllocator().buffer(capacity: 256)
        let size = GRPCWire.writeMessage(into: &buffer) { codec.encode(request, &$0) }
        guard size <= configuration.maxMessageBytes else {
            throw RPCError(code: .resourceExhausted, message: "request of \(size) bytes exceeds the \(configuration.maxMessageBytes)-byte message limit")
        }
        return EncodedRequest(bytes: buffer, headers: headers)
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    /// Drops the context when the channel goes (it holds this handler: a retain cycle otherwise).
    func handlerRemoved(context: ChannelHandlerContext) {
        deadlineTimer.cancel()
        self.context = nil
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let window = event as? NIOHTTP2WindowUpdatedEvent {
            windowUpdated(window, context: context)
        } else if let closed = event as? StreamClosedEvent {
            streams.removeValue(forKey: UInt32(Int32(closed.streamID)))?.closed(reason: closed.reason)
        } else if !(event is NIOHTTP2StreamCreatedEvent) {
            if event is TLSHandshakeCompleted { ready.succeed() }
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        if frame.streamID == .rootStream {
            if case .goAway(let last, let code, let debug) = frame.payload {
                goingAway = true
                // The server's reason (a connection over its caps: ENHANCE_YOUR_CALM and why).
                if code != .noError, let debug, debug.readableBytes > 0 { goAwayMessage = String(buffer: debug) }
                // jzsd's own GOAWAYs (a drain, NO_ERROR, or one with its reason as debug data) name
                // the last stream it processed: the streams above were never processed, and their
                // calls go to a new connection. A bare GOAWAY with an error code is NIOHTTP2's own
                // (a peer it judged misbehaving), whose last stream id says nothing about what ran:
                // those calls fail as lost, never sent again. (NIOHTTP2 closes the streams after
                // this frame with reason CANCEL, which would read as the server cancelling them;
                // the calls have resolved by then.)
                let trusted = code == .noError || goAwayMessage != nil
                let error = trusted
                    ? RPCError(code: .unavailable, message: ClientHandler.refusedByGoAway + (goAwayMessage ?? "stream not processed"),
                               messageCode: ClientCode.draining)
                    : RPCError(code: .unavailable, message: "connection closed by the server (GOAWAY \(code))", messageCode: ClientCode.connectionLost)
                for (id, stream) in streams where id > UInt32(Int32(last)) { stream.refused(error) }
                onUnusable()
            }
            return
        }
        guard let stream = streams[UInt32(Int32(frame.streamID))] else { return }
        if let error = stream.received(frame.payload) { reset(frame.streamID, stream, error: error) }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A write on one stream failed: that call fails, as its stream channel used to.
        if let streamError = error as? NIOHTTP2Errors.StreamError {
            if let stream = streams[UInt32(Int32(streamError.streamID))] {
                reset(streamError.streamID, stream, error: RPCError(code: .unavailable, message: "stream failed: \(TransportErrorText.reason(error))",
                                                                    messageCode: ClientCode.connectionLost))
            }
            return
        }
        let rpc: RPCError = switch error {
        case let tls as TLSError: RPCError(code: .unavailable, message: TransportErrorText.tls(tls), messageCode: ClientCode.tls)
        default: RPCError(code: .unavailable, message: "connection failed: \(TransportErrorText.reason(error))", messageCode: ClientCode.connectionLost)
        }
        ready.fail(rpc)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        ready.fail(RPCError(code: .unavailable, message: "connection closed", messageCode: ClientCode.connectionLost))
        deadlineTimer.cancel()
        let open = streams
        streams.removeAll()
        for (_, stream) in open { stream.closed(reason: nil) }
        onUnusable()
        context.fireChannelInactive()
    }

    // MARK: Calls

    func start(_ call: PendingCall, outcome: PendingCall.Outcome) {
        call.outcome = outcome
        if let early = call.cancelledEarly {
            call.fail(early)
            return
        }
        guard !goingAway else {
            call.fail(RPCError(code: .unavailable, message: ClientHandler.refusedByGoAway + (goAwayMessage ?? "connection is draining"),
                               messageCode: ClientCode.draining))
            return
        }
        // Never sent: safe to retry on a new connection.
        guard let context, context.channel.isActive else {
            call.fail(RPCError(code: .unavailable, message: ClientHandler.refusedByGoAway + "connection closed", messageCode: ClientCode.draining))
            return
        }
        guard nextStreamID <= UInt32(Int32.max) else {
            goingAway = true
            onUnusable()
            call.fail(RPCError(code: .unavailable, message: ClientHandler.refusedByGoAway + "connection out of stream ids", messageCode: ClientCode.draining))
            return
        }
        let id = nextStreamID
        nextStreamID += 2
        call.callID = id
        let streamID = HTTP2StreamID(Int32(id))
        streams[id] = H2ClientStream(call: call, maxMessageBytes: maxMessageBytes)
        let message = call.frames
        call.frames = ByteBuffer()
        context.write(wrapOutboundOut(HTTP2Frame(streamID: streamID, payload: .headers(.init(headers: call.headers ?? [:])))), promise: nil)
        context.write(wrapOutboundOut(HTTP2Frame(streamID: streamID, payload: .data(.init(data: .byteBuffer(message), endStream: true)))),
                      promise: nil)
        flusher.wrote(context)
        call.expiry = NIODeadline.now() + .microseconds(Int64(clamping: call.timeout.microseconds))
        deadlineTimer.arm(at: call.expiry, on: context.eventLoop) { [weak self] in self?.sweepDeadlines() }
    }

    /// Ends a call locally (deadline, task cancelled) and resets its stream (RST_STREAM).
    func abandon(_ call: PendingCall, error: RPCError) {
        guard call.outcome != nil else {
            if call.callID == 0 { call.cancelledEarly = error }  // not started yet: start() fails it
            return
        }
        let id = call.callID
        guard id != 0, let stream = streams[id] else {
            call.fail(error)
            return
        }
        reset(HTTP2StreamID(Int32(id)), stream, error: error)
    }

    /// Abandons every call past its deadline and re-arms for the earliest remaining one.
    private func sweepDeadlines() {
        guard let context else { return }
        let next = DeadlineTimer.sweep(streams.values.map { ($0.call, $0.call.expiry) }) {
            abandon($0, error: RPCError(code: .deadlineExceeded, message: "deadline exceeded", messageCode: ClientCode.deadline))
        }
        if let next { deadlineTimer.arm(at: next, on: context.eventLoop) { [weak self] in self?.sweepDeadlines() } }
    }

    /// Fails the call and resets its stream (CANCEL) unless the server has already ended it.
    /// The stream leaves the table now: a stream NIOHTTP2 still held back (over the server's
    /// concurrent-stream limit) is dropped without a close event.
    private func reset(_ streamID: HTTP2StreamID, _ stream: H2ClientStream, error: RPCError) {
        stream.call.fail(error)
        streams.removeValue(forKey: UInt32(Int32(streamID)))
        guard !stream.serverEnded, let context else { return }
        context.write(wrapOutboundOut(HTTP2Frame(streamID: streamID, payload: .rstStream(.cancel))), promise: nil)
        flusher.wrote(context)
    }

    /// Sends a WINDOW_UPDATE once a window has fallen to half its target (as NIOHTTP2's stream
    /// channels do); none for a stream the server has ended.
    private func windowUpdated(_ event: NIOHTTP2WindowUpdatedEvent, context: ChannelHandlerContext) {
        guard let window = event.inboundWindowSize else { return }
        let target: Int
        if event.streamID == .rootStream {
            target = Self.connectionWindowBytes
        } else {
            guard let stream = streams[UInt32(Int32(event.streamID))], !stream.serverEnded else { return }
            target = Self.streamWindowBytes
        }
        guard let increment = H2Window.increment(window: window, target: target) else { return }
        context.write(wrapOutboundOut(HTTP2Frame(streamID: event.streamID, payload: .windowUpdate(windowSizeIncrement: increment))), promise: nil)
        flusher.wrote(context)
    }
}

@available(*, unavailable)
extension H2ClientConnection: Sendable {}
