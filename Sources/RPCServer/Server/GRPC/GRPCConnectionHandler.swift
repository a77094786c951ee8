internal import NIOCore
internal import NIOHTTP2
internal import Proto
internal import Model
internal import Logging

/// The gRPC-over-HTTP/2 glue of one connection, after `NIOHTTP2Handler` (framing, HPACK, flow
/// control, the RST_STREAM rate limit): the same ``ConnectionState`` as jzs/1 (HTTP/2 stream ids
/// are its call ids: the call table, concurrent-call limit, deadlines, two-phase drain, idle,
/// keepalive and the cancel budget), the same per-connection ``OutboundBudget`` and the same
/// ``CallExecution`` into the same ``Router``. `NIOHTTP2Handler` runs without a stream
/// multiplexer: every stream's frames come here and go to its ``GRPCStream`` (which reports
/// back; actions come back to it), the stream's WINDOW_UPDATEs are sent from here, and the
/// frames of an event-loop tick share one flush. Confined to the channel's event loop.
final class GRPCConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = HTTP2Frame
    typealias OutboundIn = HTTP2Frame
    typealias OutboundOut = HTTP2Frame

    private let shared: ServerShared
    private let connectionID: String
    private let connectionCaller: Caller?
    private let peerAddress: String
    private var context: ChannelHandlerContext?
    private var state: ConnectionState
    let budget: OutboundBudget
    private var streams: [UInt32: GRPCStream] = [:]
    private let flusher = FlushCoalescer()
    /// Inside a read burst (channelRead … channelReadComplete): what the burst's calls write is
    /// flushed once at its end, in the same tick (NIOHTTP2Handler flushes its own frames there).
    private var reading = false
    private var flushAtReadComplete = false
    private var readingPaused = false
    private var readPending = false

    /// The connection's timers (ConnectionTimers, shared with jzs/1): the state decides when.
    private var timers: ConnectionTimers?

    var limits: Limits { shared.limits }
    var allocator: ByteBufferAllocator { context?.channel.allocator ?? ByteBufferAllocator() }

    init(shared: ServerShared, connectionID: String, connectionCaller: Caller?, peerAddress: String) {
        self.shared = shared
        self.connectionID = connectionID
        self.connectionCaller = connectionCaller
        self.peerAddress = peerAddress
        self.budget = OutboundBudget(limit: shared.limits.maxOutboundBytes)
        self.state = ConnectionState(limits: shared.limits, connectionID: connectionID, now: .now())
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let now = context.eventLoop.now
        state = ConnectionState(limits: shared.limits, connectionID: connectionID, now: now)
        perform(state.handshakeCompleted(now: now), context: context)
        let timers = makeTimers(context.eventLoop)
        timers.startTick(every: state.tickInterval)
        timers.startKeepalive(every: ConnectionGuard.amount(shared.limits.keepaliveInterval))
        self.timers = timers
    }

    /// The connection's timers; a firing performs what the state makes of it.
    private func makeTimers(_ eventLoop: any EventLoop) -> ConnectionTimers {
        ConnectionTimers(eventLoop: eventLoop) { [weak self] timer in
            guard let self, let context = self.context, !self.state.closed else { return false }
            self.perform(self.state.timerFired(timer, now: context.eventLoop.now, queuedBytes: self.budget.queued,
                                               readingPaused: self.readingPaused), context: context)
            return !self.state.closed
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        perform(state.channelClosed(), context: context)
        for stream in streams.values { stream.closed() }
        streams.removeAll()
        budget.close()
        timers?.cancelAll()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // Errors of one stream leave the connection alone: a stream's trailers written after the
        // client reset it (grpcio-reflection drops its call right after the first answer) fail
        // with NoSuchStream or StreamClosed, and the other calls on the connection go on.
        if error is NIOHTTP2Errors.NoSuchStream || error is NIOHTTP2Errors.StreamClosed || error is NIOHTTP2Errors.StreamError {
            shared.logger.debug("HTTP/2 stream error", metadata: ["connection": "\(connectionID)", "error": "\(error)"])
            return
        }
        // NIOHTTP2Handler has already sent its GOAWAY (PROTOCOL_ERROR, or ENHANCE_YOUR_CALM for
        // a Rapid Reset flood); the connection ends.
        shared.logger.notice("HTTP/2 connection error, closing", metadata: ["connection": "\(connectionID)", "error": "\(error)"])
        perform(state.enforce(.close(nil, "HTTP/2: \(error)")), context: context)
    }

    /// NIOHTTP2Handler's stream events: a closed stream (ended, or reset by the client) and
    /// the inbound windows after each DATA frame, topped up here.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let window = event as? NIOHTTP2WindowUpdatedEvent {
            windowUpdated(window, context: context)
        } else if let closed = event as? StreamClosedEvent {
            streamClosed(UInt32(Int32(closed.streamID)))
        } else if !(event is NIOHTTP2StreamCreatedEvent) {
            context.fireUserInboundEventTriggered(event)
        }
    }

    /// Sends a WINDOW_UPDATE once a window has fallen to half its target (as NIOHTTP2's stream
    /// channels do); none for a stream whose client has finished sending.
    private func windowUpdated(_ event: NIOHTTP2WindowUpdatedEvent, context: ChannelHandlerContext) {
        guard let window = event.inboundWindowSize else { return }
        let target: Int
        if event.streamID == .rootStream {
            target = min(limits.h2ConnectionWindowBytes, Int(Int32.max))
        } else {
            guard let stream = streams[UInt32(Int32(event.streamID))], !stream.clientEnded else { return }
            target = min(limits.h2InitialWindowBytes, Int(Int32.max))
        }
        guard let increment = H2Window.increment(window: window, target: target) else { return }
        context.write(wrapOutboundOut(HTTP2Frame(streamID: event.streamID, payload: .windowUpdate(windowSizeIncrement: increment))), promise: nil)
        flushSoon()
    }

    // MARK: Writes of the streams

    func write(_ streamID: HTTP2StreamID, _ payload: HTTP2Frame.FramePayload, promise: EventLoopPromise<Void>?) {
        guard let context else {
            promise?.succeed()
            return
        }
        context.write(wrapOutboundOut(HTTP2Frame(streamID: streamID, payload: payload)), promise: promise)
    }

    /// Flushes at the end of the read burst when inside one; else now if this is the first
    /// flush of the tick, else at its end (a call that finished on another thread).
    func flushSoon() {
        guard let context else { return }
        if reading {
            flushAtReadComplete = true
        } else {
            flusher.wrote(context)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        reading = false
        if flushAtReadComplete {
            flushAtReadComplete = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        if event is ConnectionHandler.Drain {
            perform(state.beginDrain(), context: context)
            promise?.succeed()
        } else if event is ConnectionHandler.Revoked {
            perform(state.enforce(.close(.resourceLimit, "client certificate revoked")), context: context)
            promise?.succeed()
        } else {
            context.triggerUserOutboundEvent(event, promise: promise)
        }
    }

    /// Stream frames go to their streams (a HEADERS frame of an unknown stream opens it:
    /// NIOHTTP2Handler has already refused the frames no open stream may take).
    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        reading = true
        state.frameReceived()
        if frame.streamID != .rootStream {
            let id = UInt32(Int32(frame.streamID))
            if let stream = streams[id] {
                stream.received(frame.payload)
            } else if case .headers = frame.payload {
                let stream = GRPCStream(connection: self, id: frame.streamID)
                streams[id] = stream
                stream.received(frame.payload)
            }
            return
        }
        switch frame.payload {
        case .ping(let data, ack: let ack):
            // NIOHTTP2Handler answers PINGs itself; they still spend the ping budget.
            if ack {
                perform(state.pongReceived(payload: UInt64(data.integer)), context: context)
            } else {
                let actions = state.pingReceived(now: context.eventLoop.now).filter { action in
                    if case .answerPing = action { return false }
                    return true
                }
                perform(actions, context: context)
            }
        case .goAway:
            perform(state.goAwayReceived(), context: context)
        default:
            break
        }
    }

    func read(context: ChannelHandlerContext) {
        if readingPaused || overBudget {
            readingPaused = true
            readPending = true
        } else {
            context.read()
        }
    }

    private var overBudget: Bool { budget.isOver || state.inboundOverLimit }

    private func updateReading(context: ChannelHandlerContext) {
        guard readingPaused, budget.hasDrained, !state.inboundOverLimit else { return }
        readingPaused = false
        if readPending {
            readPending = false
            context.read()
        }
    }

    // MARK: Streams

    /// A stream's HEADERS arrived (checked, or the error its call ends with).
    func streamOpened(_ id: UInt32, _ head: Result<GRPCRequestHead, RPCError>) {
        guard let context else { return }
        let router = shared.router
        let decoded = head.map { (method: $0.path, timeoutMicros: $0.timeoutMicros, metadata: $0.metadata) }
        perform(state.headersReceived(callID: id, decoded, methodExists: { router.entry(for: $0) != nil },
                                      now: context.eventLoop.now, clock: ContinuousClock.now), context: context)
    }

    /// The client ended its side after `messages` request messages (the first is `payload`).
    func streamRequest(_ id: UInt32, payload: ByteBuffer, messages: Int) {
        guard let context else { return }
        if messages == 0 {
            let language = state.calls[id]?.language ?? .default
            perform(state.refuseBeforeStart(id, RPCError(code: .internalError, Text(.malformedRequest, "no request message"), language: language)), context: context)
            return
        }
        // More than one message is client streaming: the state refuses it as for jzs/1.
        switch state.messageReceived(callID: id, endStream: messages == 1) {
        case .actions(let actions): perform(actions, context: context)
        case .start(let call): startCall(id, call, payload: payload, context: context)
        }
    }

    /// The stream's HEADERS were not a well-formed request: RST_STREAM PROTOCOL_ERROR.
    func streamMalformed(_ streamID: HTTP2StreamID, reason: String) {
        shared.logger.debug("malformed HTTP/2 request, stream reset", metadata: [
            "connection": "\(connectionID)", "stream": "\(streamID)", "reason": "\(LogField.escape(reason, maxBytes: limits.maxLoggedFieldBytes))",
        ])
        write(streamID, .rstStream(.protocolError), promise: nil)
        flushSoon()
    }

    /// The stream refused its request before it was complete (compressed, too large).
    func streamRefused(_ id: UInt32, _ error: RPCError) {
        guard let context else { return }
        if state.isOpen(id) {
            perform(state.refuseBeforeStart(id, error), context: context)
        } else {
            if let stream = streams[id] { stream.finish(bytes: nil, error: error, requestID: nil, promise: nil) }
        }
    }

    /// The stream closed: normally after its trailers, or reset by the client (RST_STREAM),
    /// which cancels a call still running, as a jzs/1 CANCEL does.
    func streamClosed(_ id: UInt32) {
        streams.removeValue(forKey: id)?.closed()
        guard let context, state.isOpen(id) else { return }
        perform(state.cancelReceived(callID: id, now: context.eventLoop.now), context: context)
    }

    private func startCall(_ id: UInt32, _ call: ConnectionState.Call, payload: ByteBuffer, context: ChannelHandlerContext) {
        let entry = shared.router.entry(for: call.method)!
        let writer = GRPCCallWriter(eventLoop: context.eventLoop, handler: NIOLoopBound(self, eventLoop: context.eventLoop),
                                    allocator: context.channel.allocator, budget: budget, streamID: id,
                                    maxMessageBytes: Int(shared.limits.maxFrameBytes), language: call.language)
        let shared = self.shared
        let clientRequestID = call.clientRequestID
        let requestID = state.requestID(of: call)
        let execution = CallExecution.Call(method: call.method, metadata: call.metadata, requestID: requestID, deadline: call.deadline,
                                           language: call.language, connectionCaller: connectionCaller, peerAddress: peerAddress)
        state.callStarting(id, requestBytes: payload.readableBytes)
        let task = Task.immediate {
            let box = OutBox(writer.allocator.buffer(capacity: 512))
            let failure = await CallExecution.run(execution, entry: entry, payload: payload, shared: shared, sink: writer.sink(box))
            writer.finish(box: box, failure: failure, requestID: failure == nil ? clientRequestID : requestID)
        }
        state.callStarted(id, task: task)
    }

    // MARK: From the calls' tasks (on the event loop)

    func finished(streamID id: UInt32, bytes: ByteBuffer, failure: RPCError?, requestID: String?) {
        guard let context, let actions = state.callFinished(id, code: failure?.code ?? .ok) else {
            budget.release(bytes.readableBytes)
            return
        }
        if let stream = streams[id] {
            stream.finish(bytes: bytes, error: failure, requestID: requestID, promise: released(bytes.readableBytes, context: context))
        } else {
            budget.release(bytes.readableBytes)
        }
        perform(actions, context: context)
    }

    func streamed(streamID id: UInt32, bytes: ByteBuffer) {
        guard let context, state.isOpen(id), let stream = streams[id] else {
            budget.release(bytes.readableBytes)
            return
        }
        stream.writeMessages(bytes, promise: released(bytes.readableBytes, context: context))
    }

    /// A reflection answer (made here on the event loop, one per request message): counted in
    /// the budget like every response, so a client that keeps asking and never reads stops
    /// being read once the budget is full.
    func writeReflection(_ stream: GRPCStream, _ bytes: ByteBuffer) {
        guard let context else { return }
        budget.add(bytes.readableBytes)
        stream.writeMessages(bytes, promise: released(bytes.readableBytes, context: context))
    }

    /// A promise that returns `bytes` to the budget once written (or dropped).
    private func released(_ bytes: Int, context: ChannelHandlerContext) -> EventLoopPromise<Void> {
        if budget.queued == bytes { state.writeProgress(now: context.eventLoop.now) }
        let promise = context.eventLoop.makePromise(of: Void.self)
        promise.futureResult.assumeIsolated().whenComplete { [weak self] _ in
            guard let self else { return }
            self.budget.release(bytes)
            guard let context = self.context else { return }
            self.state.writeProgress(now: context.eventLoop.now)
            if self.readingPaused, !self.state.closed { self.updateReading(context: context) }
        }
        if budget.isOver { readingPaused = true }
        return promise
    }

    // MARK: Actions

    private func perform(_ actions: [ConnectionState.Action], context: ChannelHandlerContext) {
        for action in actions {
            switch action {
            case .sendTrailers(let id, let error, let requestID, let rejected):
                if let stream = streams[id] { stream.finish(bytes: nil, error: error, requestID: requestID, promise: nil) }
                if rejected, shared.logger.logLevel <= .info {
                    shared.logger.info("call rejected", metadata: ["stream": "\(id)", "status": "\(error.code.name)",
                                                                   "message": "\(LogField.escape(error.message, maxBytes: limits.maxLoggedFieldBytes))"])
                }
            case .sendGoAway(let last, let reason, let message):
                let code: HTTP2ErrorCode = switch reason {
                case .protocolError: .protocolError
                case .resourceLimit: .enhanceYourCalm
                default: .noError
                }
                let lastID = HTTP2StreamID(Int32(min(last, ConnectionState.maxCallID)))
                let frame = HTTP2Frame(streamID: .rootStream, payload: .goAway(lastStreamID: lastID, errorCode: code,
                                                                                opaqueData: context.channel.allocator.buffer(string: message)))
                context.writeAndFlush(wrapOutboundOut(frame), promise: nil)
            case .sendPing(let payload):
                context.writeAndFlush(wrapOutboundOut(HTTP2Frame(streamID: .rootStream, payload: .ping(HTTP2PingData(withInteger: payload), ack: false))),
                                      promise: nil)
            case .answerPing:
                break
            case .cancel(let task):
                task.cancel()
            case .logCall(let call, let code):
                guard shared.logger.logLevel <= .info else { break }
                shared.logger.info("call", metadata: [
                    "method": "\(LogField.escape(call.method, maxBytes: limits.maxLoggedFieldBytes))", "transport": "h2",
                    "caller": "\(connectionCaller?.kind ?? (call.metadata[Metadata.Key.authorization] == nil ? "anonymous" : "session"))",
                    "status": "\(code.name)", "us": "\((ContinuousClock.now - call.started).microseconds)",
                    "request-id": "\(LogField.escape(state.requestID(of: call), maxBytes: limits.maxLoggedFieldBytes))",
                ])
            case .log(let level, let message):
                shared.logger.log(level: level, "\(message)", metadata: ["connection": "\(connectionID)"])
            case .inboundReleased:
                if readingPaused, !state.closed { updateReading(context: context) }
            case .armDeadlineTimer, .armIdleTimer, .cancelIdleTimer, .armDrainTimer, .cancelDrainTimer, .armKeepaliveTimeout:
                _ = timers?.apply(action)
            case .close:
                context.flush()
                context.close(promise: nil)
            }
        }
    }

}

@available(*, unavailable)
extension GRPCConnectionHandler: Sendable {}

/// A call's task's handle on its stream: encodes length-prefixed messages off the event loop,
/// counts them in the connection's budget, then hops once (as ``ConnectionWriter`` for jzs/1).
struct GRPCCallWriter: Sendable {
    let eventLoop: any EventLoop
    let handler: NIOLoopBound<GRPCConnectionHandler>
    let allocator: ByteBufferAllocator
    let budget: OutboundBudget
    let streamID: UInt32
    let maxMessageBytes: Int
    /// The call's language (a response over the message limit is said in it).
    let language: Language

    func sink(_ box: OutBox) -> ResponseSink {
        let maxMessageBytes = self.maxMessageBytes
        let language = self.language
        let budget = self.budget
        return ResponseSink(
            send: { encode throws(RPCError) in
                let start = box.buffer.writerIndex
                let size = GRPCWire.writeMessage(into: &box.buffer, encode: encode)
                guard size <= maxMessageBytes else {
                    box.buffer.moveWriterIndex(to: start)
                    throw RPCError(code: .resourceExhausted, Text(.responseTooLarge, "\(size)", "\(maxMessageBytes)"), language: language)
                }
                box.messages += 1
                if box.streaming { flushStream(box) }
            },
            waitWritable: {
                box.streaming = true
                if !box.buffer.readableBytes.isZero { flushStream(box) }
                try await budget.waitForRoom()
            },
            waitForRoom: {
                try await budget.waitForRoom()
            })
    }

    private func flushStream(_ box: OutBox) {
        let bytes = box.buffer
        box.buffer = allocator.buffer(capacity: 512)
        budget.add(bytes.readableBytes)
        let handler = self.handler
        let id = streamID
        run { handler.value.streamed(streamID: id, bytes: bytes) }
    }

    func finish(box: OutBox, failure: RPCError?, requestID: String?) {
        let bytes = box.buffer
        budget.add(bytes.readableBytes)
        let handler = self.handler
        let id = streamID
        run { handler.value.finished(streamID: id, bytes: bytes, failure: failure, requestID: requestID) }
    }

    private func run(_ body: @escaping @Sendable () -> Void) {
        if eventLoop.inEventLoop { body() } else { eventLoop.execute(body) }
    }
}
