internal import Proto
internal import Model
internal import NIOCore
internal import Logging

/// The jzs/1 glue of one connection: decodes frames, hands them to the ``ConnectionState``
/// (the call table, drain, idle, keepalive and deadline bookkeeping, the limits of
/// ``ConnectionGuard``), performs the actions it returns, runs each call's handler in its own
/// task (so a slow call never holds up others), and writes responses and trailers back:
///
/// - **Back-pressure.** Every byte written counts in the ``OutboundBudget`` until the socket
///   has taken it. Over the budget (or with too many request bytes in running calls) the
///   connection stops decoding and reading frames, and responses wait in their tasks.
/// - **Time** comes from the event loop (`context.eventLoop.now`), so an embedded loop drives it.
///
/// Confined to the channel's event loop. Tasks reach it only through ``ConnectionWriter``.
final class ConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Starts a graceful shutdown of the connection (sent with `triggerUserOutboundEvent`).
    struct Drain: Sendable {}
    /// The peer's client certificate was revoked: close now (GOAWAY reason 3).
    struct Revoked: Sendable {}

    private let shared: ServerShared
    private let connectionID: String
    /// Classifies the connection once TLS is done (per-address limits); nil admits everyone.
    private let admission: (@Sendable (_ certificateSerial: String?) -> Bool)?
    private var context: ChannelHandlerContext?
    private var state: ConnectionState
    private var connectionCaller: Caller?
    /// The client's IP address (per-source budgets, denial audit).
    private var peerAddress = "?"

    // Inbound: bytes not yet decoded into frames, and whether reading is held back.
    private var inbound: ByteBuffer?
    private var readingPaused = false
    private var readPending = false

    // Outbound: the shared budget and the bytes written since the last flush. The last write
    // before a flush is held back and carries the flush's promise (no extra empty write).
    let budget: OutboundBudget
    private var unflushedBytes = 0
    private var heldWrite: ByteBuffer?
    private var flushScheduled = false

    // Timers: the state decides when (ConnectionTimers, shared with h2); the handshake's is
    // jzs/1's own (h2 connections come from ProtocolSelector after theirs).
    private var timers: ConnectionTimers?
    private var handshakeTimer: Scheduled<Void>?

    init(shared: ServerShared, connectionID: String, admission: (@Sendable (String?) -> Bool)? = nil) {
        self.shared = shared
        self.connectionID = connectionID
        self.admission = admission
        self.budget = OutboundBudget(limit: shared.limits.maxOutboundBytes)
        self.state = ConnectionState(limits: shared.limits, connectionID: connectionID, now: .now())
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        state = ConnectionState(limits: shared.limits, connectionID: connectionID, now: context.eventLoop.now)
        peerAddress = context.channel.remoteAddress?.ipAddress ?? "?"
        handshakeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: ConnectionGuard.amount(shared.limits.handshakeTimeout)) { [weak self] in
            guard let self, let context = self.context else { return }
            self.shared.logger.debug("handshake timeout", metadata: ["connection": "\(self.connectionID)"])
            context.close(promise: nil)
        }
        let timers = makeTimers(context.eventLoop)
        timers.startTick(every: state.tickInterval)
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

    /// Drops the context with the channel: the context holds this handler, so keeping it would
    /// be a retain cycle that leaks every closed connection.
    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let done = event as? TLSHandshakeCompleted {
            handshakeTimer?.cancel()
            handshakeTimer = nil
            connectionCaller = shared.callers.certificateCaller(done.peer)
            if let admission, !admission(connectionCaller != nil ? done.peer.serialHex : nil) {
                shared.logger.notice("connection refused: too many connections from its address", metadata: ["connection": "\(connectionID)"])
                sendGoAway(context: context, lastCallID: 0, reason: .resourceLimit, message: ConnectionGuard.refusedTooMany)
                context.close(promise: nil)
                return
            }
            shared.logger.debug("connection ready", metadata: [
                "connection": "\(connectionID)", "tls": "\(done.protocolVersion) \(done.cipher)",
                "caller": "\(connectionCaller?.principal ?? "anonymous")",
            ])
            perform(state.handshakeCompleted(now: context.eventLoop.now), context: context)
            timers?.startKeepalive(every: ConnectionGuard.amount(shared.limits.keepaliveInterval))
        }
        context.fireUserInboundEventTriggered(event)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        if event is Drain {
            perform(state.beginDrain(), context: context)
            promise?.succeed()
            return
        }
        if event is Revoked {
            perform(state.enforce(.close(.resourceLimit, "client certificate revoked")), context: context)
            promise?.succeed()
            return
        }
        context.triggerUserOutboundEvent(event, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        perform(state.channelClosed(), context: context)
        inbound = nil
        budget.close()
        timers?.cancelAll()
        handshakeTimer?.cancel()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        switch error {
        case TLSError.uncleanShutdown:
            context.close(promise: nil)
        default:
            shared.logger.debug("connection error", metadata: ["connection": "\(connectionID)", "error": "\(error)"])
            context.close(promise: nil)
        }
    }

    /// Does what the state machine says, in order.
    private func perform(_ actions: [ConnectionState.Action], context: ChannelHandlerContext) {
        for action in actions {
            switch action {
            case .sendTrailers(let id, let error, let requestID, let rejected):
                var out = context.channel.allocator.buffer(capacity: 128)
                Self.writeTrailers(into: &out, callID: id, error: error, requestID: requestID)
                write(out, context: context)
                if rejected, shared.logger.logLevel <= .info {
                    shared.logger.info("call rejected", metadata: ["call": "\(id)", "status": "\(error.code.name)", "message": "\(logged(error.message))",
                                                                   "request-id": "\(requestID.map(logged) ?? "-")"])
                }
            case .sendGoAway(let last, let reason, let message):
                sendGoAway(context: context, lastCallID: last, reason: reason, message: message)
            case .sendPing(let payload):
                sendPing(context: context, payload: payload)
            case .answerPing:
                break  // handled where the PING's payload is at hand
            case .cancel(let task):
                task.cancel()
            case .logCall(let call, let code):
                logCall(call, code: code)
            case .log(let level, let message):
                shared.logger.log(level: level, "\(message)", metadata: ["connection": "\(connectionID)"])
            case .inboundReleased:
                if readingPaused, !state.closed { updateReading(context: context) }
            case .armDeadlineTimer, .armIdleTimer, .cancelIdleTimer, .armDrainTimer, .cancelDrainTimer, .armKeepaliveTimeout:
                _ = timers?.apply(action)
            case .close:
                flushCounted(context: context)
                context.close(promise: nil)
            }
        }
    }

    // MARK: Reading and back-pressure

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        guard !state.closed else { return }
        if inbound == nil { inbound = bytes } else { inbound!.writeBuffer(&bytes) }
        decodeFrames(context: context)
    }

    /// Decodes and handles every complete frame, unless over a budget (then the bytes wait).
    private func decodeFrames(context: ChannelHandlerContext) {
        var decoded = false
        while !state.closed, !overBudget, var buffer = inbound {
            inbound = nil  // keep the buffer uniquely referenced while reading from it
            let frame: Frame?
            do {
                frame = try FrameDecoder.next(from: &buffer, maximumPayload: shared.limits.maxFrameBytes)
            } catch {
                perform(state.protocolError("\(error)"), context: context)
                return
            }
            inbound = buffer
            guard let frame else { break }
            decoded = true
            handle(frame, context: context)
        }
        compactInbound(context: context)
        state.inbound(partialFrame: inbound.map { $0.readableBytes > 0 && !overBudget } ?? false,
                      frameCompleted: decoded, now: context.eventLoop.now)
        updateReading(context: context)
    }

    /// Drops the buffer once empty, and never keeps a large one alive for a small remainder
    /// (a burst of maximum-size frames must not pin its buffers).
    private func compactInbound(context: ChannelHandlerContext) {
        guard var buffer = inbound else { return }
        if buffer.readableBytes == 0 {
            inbound = nil
        } else if buffer.capacity > 256 * 1024, buffer.readableBytes * 4 < buffer.capacity {
            var fresh = context.channel.allocator.buffer(capacity: buffer.readableBytes)
            fresh.writeBuffer(&buffer)
            inbound = fresh
        } else if buffer.readerIndex > 64 * 1024 {
            inbound = nil
            buffer.discardReadBytes()
            inbound = buffer
        }
    }

    private var overBudget: Bool {
        budget.isOver || state.inboundOverLimit
    }

    /// Under both budgets with room to spare: the outbound queue below half its limit.
    private var drained: Bool {
        budget.hasDrained && !state.inboundOverLimit
    }

    /// Pauses reading while over a budget; resumes (decoding what waited first) once the
    /// outbound queue is below half its limit, like the responses waiting in their tasks.
    private func updateReading(context: ChannelHandlerContext) {
        if overBudget {
            readingPaused = true
        } else if readingPaused, drained {
            readingPaused = false
            if inbound != nil { decodeFrames(context: context) }
            if !readingPaused, readPending {
                readPending = false
                context.read()
            }
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

    // MARK: Frames

    private func handle(_ frame: Frame, context: ChannelHandlerContext) {
        state.frameReceived()
        let now = context.eventLoop.now
        switch frame.kind {
        case .headers:
            let decoded: Result<(method: String, timeoutMicros: UInt64, metadata: Metadata), RPCError>
            do {
                let headers = try Wire.RPC.CallHeaders(buffer: frame.payload)
                decoded = .success((headers.method, headers.timeoutMicros,
                                    try ConnectionState.validatedMetadata(headers.metadata, limits: shared.limits)))
            } catch {
                decoded = .failure(RPCError(mapping: error, language: .default))
            }
            let router = shared.router
            perform(state.headersReceived(callID: frame.callID, decoded, methodExists: { router.entry(for: $0) != nil },
                                          now: now, clock: ContinuousClock.now), context: context)
        case .message:
            switch state.messageReceived(callID: frame.callID, endStream: frame.flags.contains(.endStream)) {
            case .actions(let actions): perform(actions, context: context)
            case .start(let call): startCall(frame.callID, call, payload: frame.payload, context: context)
            }
        case .cancel:
            perform(state.cancelReceived(callID: frame.callID, now: now), context: context)
        case .ping:
            let actions = state.pingReceived(now: now)
            if case .answerPing = actions.first {
                var pong = context.channel.allocator.buffer(capacity: Frame.headerSize + 8)
                FrameEncoder.write(Frame(kind: .pong, callID: 0, payload: frame.payload), into: &pong)
                write(pong, context: context)
            }
            perform(actions, context: context)
        case .pong:
            let payload = frame.payload.getInteger(at: frame.payload.readerIndex, as: UInt64.self)
            perform(state.pongReceived(payload: payload), context: context)
        case .goAway:
            perform(state.goAwayReceived(), context: context)
        case .trailers:
            perform(state.protocolError("TRAILERS frame from a client"), context: context)
        }
    }

    /// Runs an accepted call whose request arrived: starts the handler's task (which resolves
    /// the caller, checks the access table, then spends the per-source budgets).
    private func startCall(_ id: UInt32, _ call: ConnectionState.Call, payload: ByteBuffer, context: ChannelHandlerContext) {
        let entry = shared.router.entry(for: call.method)!
        let deadline = call.deadline
        let writer = ConnectionWriter(eventLoop: context.eventLoop, handler: NIOLoopBound(self, eventLoop: context.eventLoop),
                                      allocator: context.channel.allocator, budget: budget, callID: id,
                                      maxFrameBytes: Int(shared.limits.maxFrameBytes), language: call.language)
        let shared = self.shared
        let clientRequestID = call.clientRequestID
        let requestID = state.requestID(of: call)
        let execution = CallExecution.Call(method: call.method, metadata: call.metadata, requestID: requestID, deadline: deadline,
                                           language: call.language, connectionCaller: connectionCaller, peerAddress: peerAddress)
        state.callStarting(id, requestBytes: payload.readableBytes)
        // Task.immediate runs the handler right here on the event loop until it first suspends:
        // a handler that answers without waiting costs no executor hop. Handlers never block.
        let task = Task.immediate {
            let box = OutBox(writer.allocator.buffer(capacity: 512))
            let failure = await CallExecution.run(execution, entry: entry, payload: payload, shared: shared, sink: writer.sink(box))
            writer.finish(box: box, failure: failure, requestID: failure == nil ? clientRequestID : requestID)
        }
        // The handler may already have finished inline (and the call left the table).
        state.callStarted(id, task: task)
    }

    private func logged(_ text: String) -> String {
        LogField.escape(text, maxBytes: shared.limits.maxLoggedFieldBytes)
    }

    // MARK: Writing

    /// Writes bytes produced on the event loop (control frames, trailers of ended calls).
    private func write(_ bytes: ByteBuffer, context: ChannelHandlerContext) {
        budget.add(bytes.readableBytes)
        writeCounted(bytes, context: context)
    }

    /// Writes bytes already counted in the budget (by a call's task).
    private func writeCounted(_ bytes: ByteBuffer, context: ChannelHandlerContext) {
        if unflushedBytes == 0, budget.queued == bytes.readableBytes { state.writeProgress(now: context.eventLoop.now) }
        unflushedBytes += bytes.readableBytes
        if let held = heldWrite { context.write(wrapOutboundOut(held), promise: nil) }
        heldWrite = bytes
        if !flushScheduled {
            // The first write of a tick goes out at once; later ones join one flush at its end.
            flushScheduled = true
            flushCounted(context: context)
            context.eventLoop.assumeIsolated().execute { [self] in
                flushScheduled = false
                if unflushedBytes > 0, let context = self.context { flushCounted(context: context) }
            }
        }
        if budget.isOver { readingPaused = true }
    }

    /// Flushes; once the socket has taken these bytes they leave the budget.
    private func flushCounted(context: ChannelHandlerContext) {
        let bytes = unflushedBytes
        unflushedBytes = 0
        guard bytes > 0, let last = heldWrite else {
            context.flush()
            return
        }
        heldWrite = nil
        let written = context.eventLoop.makePromise(of: Void.self)
        context.write(wrapOutboundOut(last), promise: written)
        context.flush()
        written.futureResult.assumeIsolated().whenComplete { [weak self] _ in
            guard let self else { return }
            self.budget.release(bytes)
            guard let context = self.context else { return }
            self.state.writeProgress(now: context.eventLoop.now)
            if self.readingPaused, !self.state.closed { self.updateReading(context: context) }
        }
    }

    // MARK: Completion (from tasks, on the event loop)

    /// Writes what a finished call produced, unless the call already ended (cancelled, timed out).
    func finished(callID: UInt32, bytes: ByteBuffer, code: StatusCode) {
        guard let context, let actions = state.callFinished(callID, code: code) else {
            budget.release(bytes.readableBytes)
            return
        }
        writeCounted(bytes, context: context)
        perform(actions, context: context)
    }

    /// Writes part of a streaming response.
    func streamed(callID: UInt32, bytes: ByteBuffer) {
        guard let context, state.isOpen(callID) else {
            budget.release(bytes.readableBytes)
            return
        }
        writeCounted(bytes, context: context)
    }

    private func logCall(_ call: ConnectionState.Call, code: StatusCode) {
        guard shared.logger.logLevel <= .info else { return }
        let micros = (ContinuousClock.now - call.started).microseconds
        shared.logger.info("call", metadata: [
            "method": "\(logged(call.method))", "caller": "\(connectionCaller?.kind ?? (call.metadata[Metadata.Key.authorization] == nil ? "anonymous" : "session"))",
            "status": "\(code.name)", "us": "\(micros)", "request-id": "\(logged(state.requestID(of: call)))",
        ])
    }

    static func writeTrailers(into out: inout ByteBuffer, callID: UInt32, error: RPCError?, requestID: String?) {
        guard error != nil || requestID != nil else {
            // OK with nothing to say: an empty CallTrailers message, no encoding needed.
            FrameEncoder.write(Frame(kind: .trailers, callID: callID, payload: ByteBuffer()), into: &out)
            return
        }
        var trailers = Wire.RPC.CallTrailers()
        if let error {
            trailers.code = error.code.rawValue
            trailers.message = error.message
            trailers.messageCode = error.messageCode
            trailers.violations = error.violations.map { Wire.Common.FieldViolation(field: $0.field, reason: $0.reason, code: $0.code) }
        }
        if let requestID { trailers.metadata = [Wire.RPC.MetadataEntry(key: Metadata.Key.requestID, value: requestID)] }
        FrameEncoder.write(kind: .trailers, callID: callID, into: &out) { trailers.encode(into: &$0) }
    }

    // MARK: Timers, keepalive, drain

    private func sendPing(context: ChannelHandlerContext, payload: UInt64) {
        var out = context.channel.allocator.buffer(capacity: Frame.headerSize + 8)
        FrameEncoder.write(kind: .ping, callID: 0, into: &out) { $0.writeInteger(payload) }
        write(out, context: context)
    }

    private func sendGoAway(context: ChannelHandlerContext, lastCallID: UInt32, reason: GoAwayReason, message: String) {
        var out = context.channel.allocator.buffer(capacity: 64)
        let goAway = Wire.RPC.GoAway(lastCallID: lastCallID, reason: reason.rawValue, message: message)
        FrameEncoder.write(kind: .goAway, callID: 0, into: &out) { goAway.encode(into: &$0) }
        write(out, context: context)
        flushCounted(context: context)
    }
}

@available(*, unavailable)
extension ConnectionHandler: Sendable {}

/// A call's task's handle on its connection: encodes off the event loop, counts the bytes in
/// the connection's budget, then hops once.
struct ConnectionWriter: Sendable {
    let eventLoop: any EventLoop
    let handler: NIOLoopBound<ConnectionHandler>
    let allocator: ByteBufferAllocator
    let budget: OutboundBudget
    let callID: UInt32
    let maxFrameBytes: Int
    /// The call's language (a response over the frame limit is said in it).
    let language: Language

    func sink(_ box: OutBox) -> ResponseSink {
        let callID = self.callID
        let maxFrameBytes = self.maxFrameBytes
        let language = self.language
        let budget = self.budget
        return ResponseSink(
            send: { encode throws(RPCError) in
                // Unary responses stay in the box and leave with the trailers; streamed ones go now.
                let start = box.buffer.writerIndex
                FrameEncoder.write(kind: .message, callID: callID, into: &box.buffer, payload: encode)
                let size = box.buffer.writerIndex - start - Frame.headerSize
                guard size <= maxFrameBytes else {
                    box.buffer.moveWriterIndex(to: start)
                    throw RPCError(code: .resourceExhausted, Text(.responseTooLarge, "\(size)", "\(maxFrameBytes)"), language: language)
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
        let callID = self.callID
        run { handler.value.streamed(callID: callID, bytes: bytes) }
    }

    func finish(box: OutBox, failure: RPCError?, requestID: String?) {
        var buffer = box.buffer
        ConnectionHandler.writeTrailers(into: &buffer, callID: callID, error: failure, requestID: requestID)
        let bytes = buffer
        budget.add(bytes.readableBytes)
        let handler = self.handler
        let callID = self.callID
        let code = failure?.code ?? .ok
        run { handler.value.finished(callID: callID, bytes: bytes, code: code) }
    }

    private func run(_ body: @escaping @Sendable () -> Void) {
        if eventLoop.inEventLoop { body() } else { eventLoop.execute(body) }
    }
}

/// The bytes one call's task has produced but not yet handed to the connection.
final class OutBox: @unchecked Sendable {
    // @unchecked: owned by exactly one call task, which uses it sequentially; it is handed to
    // the event loop only by value (the ByteBuffer is copied out before the hop).
    var buffer: ByteBuffer
    var messages = 0
    var streaming = false
    init(_ buffer: ByteBuffer) { self.buffer = buffer }
}

extension Int {
    var isZero: Bool { self == 0 }
}
