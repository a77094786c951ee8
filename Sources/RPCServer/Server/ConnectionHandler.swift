internal import Proto
internal import Model
internal import NIOCore
internal import Logging
internal import Foundation

/// One connection's call multiplexer: decodes frames, turns them into calls, runs each call's
/// handler in its own task (so a slow call never holds up others), and writes responses and
/// trailers back, within the connection's limits:
///
/// - **Back-pressure.** Every byte written counts in the ``OutboundBudget`` until the socket
///   has taken it. Over the budget (or with too many request bytes in running calls) the
///   connection stops decoding and reading frames, and responses wait in their tasks.
/// - **Clock limits and abuse budgets** live in ``ConnectionGuard``, checked on every CANCEL and
///   PING and by one periodic tick.
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

    private struct Call {
        var headers: Wire.RPC.CallHeaders
        var metadata: Metadata
        /// The client's `request-id`, if it sent one (echoed in the trailers).
        var clientRequestID: String?
        var number: UInt64
        var started: ContinuousClock.Instant
        var deadline: ContinuousClock.Instant
        var expiry: NIODeadline
        var requestBytes = 0
        var running = false
        var task: Task<Void, Never>?
        /// The language of the call's messages (`accept-language`).
        var language: Language { Language(acceptLanguage: metadata[Metadata.Key.acceptLanguage]) }
    }

    private enum Drain_ { case none, announced, final(lastCallID: UInt32) }

    private let shared: ServerShared
    private let connectionID: String
    /// Classifies the connection once TLS is done (per-address limits); nil admits everyone.
    private let admission: (@Sendable (_ certificateSerial: String?) -> Bool)?
    private var context: ChannelHandlerContext?
    private var calls: [UInt32: Call] = [:]
    private var lastCallID: UInt32 = 0
    private var requestCounter: UInt64 = 0
    private var connectionCaller: Caller?
    private var drain = Drain_.none
    private var closed = false
    private var peerGoingAway = false
    private var handshakeDone = false
    /// The client's IP address (per-source budgets, denial audit).
    private var peerAddress = "?"

    // Inbound: bytes not yet decoded into frames, and whether reading is held back.
    private var inbound: ByteBuffer?
    private var readingPaused = false
    private var readPending = false
    private var inboundBytesInFlight = 0

    // Outbound: the shared budget and the bytes written since the last flush. The last write
    // before a flush is held back and carries the flush's promise (no extra empty write).
    let budget: OutboundBudget
    private var unflushedBytes = 0
    private var heldWrite: ByteBuffer?
    private var flushScheduled = false

    private var limitGuard: ConnectionGuard
    private var tickTimer: Scheduled<Void>?
    private var handshakeTimer: Scheduled<Void>?
    private var idleTimer: Scheduled<Void>?
    private var drainTimer: Scheduled<Void>?
    /// One timer per connection, armed for the earliest call deadline (not one per call).
    private let deadlineTimer = DeadlineTimer()
    private var keepaliveTimer: Scheduled<Void>?
    private var receivedSinceKeepalive = false
    private var pingOutstanding: NIODeadline?

    static let drainPingPayload: UInt64 = 0x6A7A_7364_7261_696E  // "jzsdrain"
    /// Call ids are 31-bit; 0x7FFFFFFF in a first GOAWAY means "all of them".
    static let maxCallID: UInt32 = 0x7FFF_FFFF

    init(shared: ServerShared, connectionID: String, admission: (@Sendable (String?) -> Bool)? = nil) {
        self.shared = shared
        self.connectionID = connectionID
        self.admission = admission
        self.budget = OutboundBudget(limit: shared.limits.maxOutboundBytes)
        self.limitGuard = ConnectionGuard(limits: shared.limits, now: .now())
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        peerAddress = context.channel.remoteAddress?.ipAddress ?? "?"
        handshakeTimer = context.eventLoop.assumeIsolated().scheduleTask(in: ConnectionGuard.amount(shared.limits.handshakeTimeout)) { [weak self] in
            guard let self, let context = self.context else { return }
            self.shared.logger.debug("handshake timeout", metadata: ["connection": "\(self.connectionID)"])
            context.close(promise: nil)
        }
        scheduleTick(context: context)
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
            handshakeDone = true
            connectionCaller = shared.callers.certificateCaller(done.peer)
            if let admission, !admission(connectionCaller != nil ? done.peer.serialHex : nil) {
                shared.logger.notice("connection refused: too many connections from its address", metadata: ["connection": "\(connectionID)"])
                sendGoAway(context: context, lastCallID: 0, reason: .resourceLimit, message: "too many connections from this address")
                context.close(promise: nil)
                return
            }
            limitGuard.handshakeCompleted(now: .now())
            shared.logger.debug("connection ready", metadata: [
                "connection": "\(connectionID)", "tls": "\(done.protocolVersion) \(done.cipher)",
                "caller": "\(connectionCaller?.principal ?? "anonymous")",
            ])
            startKeepalive(context: context)
            armIdleTimer()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        if event is Drain {
            beginDrain()
            promise?.succeed()
            return
        }
        if event is Revoked {
            _ = enforce(.close(.resourceLimit, "client certificate revoked"), context: context)
            promise?.succeed()
            return
        }
        context.triggerUserOutboundEvent(event, promise: promise)
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        for (_, call) in calls { call.task?.cancel() }
        calls.removeAll()
        inbound = nil
        budget.close()
        deadlineTimer.cancel()
        tickTimer?.cancel()
        handshakeTimer?.cancel()
        idleTimer?.cancel()
        drainTimer?.cancel()
        keepaliveTimer?.cancel()
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

    // MARK: Reading and back-pressure

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        guard !closed else { return }
        if inbound == nil { inbound = bytes } else { inbound!.writeBuffer(&bytes) }
        decodeFrames(context: context)
    }

    /// Decodes and handles every complete frame, unless over a budget (then the bytes wait).
    private func decodeFrames(context: ChannelHandlerContext) {
        var decoded = false
        while !closed, !overBudget, var buffer = inbound {
            inbound = nil  // keep the buffer uniquely referenced while reading from it
            let frame: Frame?
            do {
                frame = try FrameDecoder.next(from: &buffer, maximumPayload: shared.limits.maxFrameBytes)
            } catch {
                protocolError(context: context, "\(error)")
                return
            }
            inbound = buffer
            guard let frame else { break }
            decoded = true
            handle(frame, context: context)
        }
        compactInbound(context: context)
        limitGuard.inbound(partialFrame: inbound.map { $0.readableBytes > 0 && !overBudget } ?? false,
                           frameCompleted: decoded, now: .now())
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
        budget.isOver || inboundBytesInFlight > shared.limits.maxInboundBytesInFlight
    }

    /// Under both budgets with room to spare: the outbound queue below half its limit.
    private var drained: Bool {
        budget.hasDrained && inboundBytesInFlight <= shared.limits.maxInboundBytesInFlight
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
        receivedSinceKeepalive = true
        pingOutstanding = nil  // any frame proves the peer is alive
        switch frame.kind {
        case .headers: openCall(frame, context: context)
        case .message: startCall(frame, context: context)
        case .cancel:
            if enforce(limitGuard.cancelled(now: .now()), context: context) { cancelCall(frame.callID) }
        case .ping:
            guard enforce(limitGuard.pinged(now: .now()), context: context) else { return }
            var pong = context.channel.allocator.buffer(capacity: Frame.headerSize + 8)
            FrameEncoder.write(Frame(kind: .pong, callID: 0, payload: frame.payload), into: &pong)
            write(pong, context: context)
        case .pong:
            pingOutstanding = nil
            if frame.payload.getInteger(at: frame.payload.readerIndex, as: UInt64.self) == Self.drainPingPayload,
               case .announced = drain {
                finalGoAway(context: context)
            }
        case .goAway:
            // The client is going away; nothing new will arrive. Finish what is open, then close.
            peerGoingAway = true
            if calls.isEmpty { context.close(promise: nil) }
        case .trailers:
            protocolError(context: context, "TRAILERS frame from a client")
        }
    }

    /// Does what a verdict of the guard says; false when the connection is closing.
    private func enforce(_ verdict: ConnectionGuard.Verdict, context: ChannelHandlerContext) -> Bool {
        guard case .close(let reason, let why) = verdict else { return true }
        guard !closed else { return false }
        shared.logger.notice("closing connection", metadata: ["connection": "\(connectionID)", "reason": "\(why)"])
        if let reason { sendGoAway(context: context, lastCallID: lastCallID, reason: reason, message: why) }
        closed = true
        for (_, call) in calls { call.task?.cancel() }
        context.close(promise: nil)
        return false
    }

    private func scheduleTick(context: ChannelHandlerContext) {
        tickTimer = context.eventLoop.assumeIsolated().scheduleTask(in: limitGuard.tickInterval) { [weak self] in
            self?.tick()
        }
    }

    private func tick() {
        guard let context, !closed else { return }
        if enforce(limitGuard.tick(now: .now(), queuedBytes: budget.queued), context: context) {
            scheduleTick(context: context)
        }
    }

    private func openCall(_ frame: Frame, context: ChannelHandlerContext) {
        let id = frame.callID
        guard id > lastCallID, id <= Self.maxCallID else {
            protocolError(context: context, "call id \(id) not above \(lastCallID) or above \(Self.maxCallID)")
            return
        }
        lastCallID = id
        limitGuard.callOpened()
        let headers: Wire.RPC.CallHeaders
        let metadata: Metadata
        do {
            headers = try Wire.RPC.CallHeaders(buffer: frame.payload)
            metadata = try validatedMetadata(headers.metadata)
        } catch {
            reject(id, RPCError(mapping: error, language: .default), requestID: nil, context: context)
            return
        }
        let requestID = metadata[Metadata.Key.requestID]
        let language = Language(acceptLanguage: metadata[Metadata.Key.acceptLanguage])
        if case .final(let last) = drain, id > last {
            reject(id, RPCError(code: .unavailable, Text(.serverShuttingDown), language: language), requestID: requestID, context: context)
            return
        }
        guard calls.count < shared.limits.maxConcurrentCallsPerConnection else {
            reject(id, RPCError(code: .resourceExhausted, Text(.tooManyCalls, "\(shared.limits.maxConcurrentCallsPerConnection)"), language: language), requestID: requestID, context: context)
            _ = enforce(limitGuard.cancelled(now: .now()), context: context)
            return
        }
        guard shared.router.entry(for: headers.method) != nil else {
            reject(id, RPCError(code: .unimplemented, Text(.unknownMethod, "\(logged(headers.method))"), language: language), requestID: requestID, context: context)
            return
        }
        requestCounter += 1
        // The deadline runs from HEADERS, so a call whose MESSAGE never comes still ends.
        let timeout = Int64(clamping: headers.timeoutMicros == 0
            ? shared.limits.maxCallDuration.microseconds
            : min(headers.timeoutMicros, shared.limits.maxCallDuration.microseconds))
        let started = ContinuousClock.now
        let expiry = NIODeadline.now() + .microseconds(timeout)
        calls[id] = Call(headers: headers, metadata: metadata, clientRequestID: requestID, number: requestCounter,
                         started: started, deadline: started + .microseconds(timeout), expiry: expiry)
        armDeadlineTimer(at: expiry, context: context)
        idleTimer?.cancel()
        idleTimer = nil
    }

    private func validatedMetadata(_ entries: [Wire.RPC.MetadataEntry]) throws(RPCError) -> Metadata {
        let language = Language(acceptLanguage: entries.last { $0.key == Metadata.Key.acceptLanguage }?.value)
        guard entries.count <= shared.limits.maxMetadataEntries else {
            throw RPCError(code: .resourceExhausted, Text(.metadataTooMany, "\(shared.limits.maxMetadataEntries)"), language: language)
        }
        var metadata = Metadata()
        for (i, e) in entries.enumerated() {
            guard Metadata.isValidKey(e.key) else {
                throw RPCError(field: "metadata[\(i)].key", Text(.metadataKey), language: language)
            }
            guard e.value.utf8.count <= shared.limits.maxMetadataValueBytes else {
                throw RPCError(code: .resourceExhausted, Text(.metadataValueTooLong, "\(e.key)", "\(shared.limits.maxMetadataValueBytes)"), language: language)
            }
            metadata[e.key] = e.value
        }
        if let op = metadata[Metadata.Key.operator], let problem = Self.operatorProblem(op) {
            throw RPCError(field: "metadata.operator", problem, language: language)
        }
        return metadata
    }

    /// Why an `operator` entry (a person's name, written into audit rows) is refused, if it is.
    static func operatorProblem(_ name: String) -> Text? {
        if name.allSatisfy(\.isWhitespace) { return Text(.operatorMissing) }
        if name.count > 64 { return Text(.tooLong, "64") }
        let bad = name.unicodeScalars.contains { s in
            s.value < 0x20 || (0x7F...0x9F).contains(s.value)
                || s.properties.generalCategory == .format || s.properties.generalCategory == .lineSeparator
                || s.properties.generalCategory == .paragraphSeparator || s.properties.generalCategory == .privateUse
        }
        return bad ? Text(.operatorControl) : nil
    }

    private func startCall(_ frame: Frame, context: ChannelHandlerContext) {
        let id = frame.callID
        guard id <= lastCallID else {
            protocolError(context: context, "MESSAGE for call \(id) that was never opened")
            return
        }
        // A message for a call that already ended (rejected, cancelled, timed out) is dropped.
        guard var call = calls[id], !call.running else { return }
        guard frame.flags.contains(.endStream) else {
            calls.removeValue(forKey: id)
            // Only the client's own request-id is echoed (§6.3).
            reject(id, RPCError(code: .unimplemented, Text(.clientStreaming), language: call.language),
                   requestID: call.clientRequestID, context: context)
            callEnded()
            return
        }
        if connectionCaller == nil, let spent = shared.sources.spend(method: call.headers.method, address: peerAddress) {
            _ = removeCall(id)
            reject(id, RPCError(code: .resourceExhausted, SourceLimiter.message(spent), language: call.language), requestID: call.clientRequestID, context: context)
            logCall(call, code: .resourceExhausted)
            callEnded()
            return
        }
        let entry = shared.router.entry(for: call.headers.method)!
        let deadline = call.deadline
        let writer = ConnectionWriter(eventLoop: context.eventLoop, handler: NIOLoopBound(self, eventLoop: context.eventLoop),
                                      allocator: context.channel.allocator, budget: budget, callID: id,
                                      maxFrameBytes: Int(shared.limits.maxFrameBytes))
        let shared = self.shared
        let connectionCaller = self.connectionCaller
        let method = call.headers.method
        let metadata = call.metadata
        let clientRequestID = call.clientRequestID
        let language = call.language
        let requestID = clientRequestID ?? "\(connectionID)-\(call.number)"
        let payload = frame.payload
        call.running = true
        call.requestBytes = payload.readableBytes
        inboundBytesInFlight += payload.readableBytes
        calls[id] = call
        // Task.immediate runs the handler right here on the event loop until it first suspends:
        // a handler that answers without waiting costs no executor hop. Handlers never block.
        let peerAddress = self.peerAddress
        let task = Task.immediate {
            var failure: RPCError?
            var resolved: Caller?
            let box = OutBox(writer.allocator.buffer(capacity: 512))
            do {
                let caller = try await shared.callers.resolve(connectionCaller: connectionCaller, metadata: metadata, method: method)
                resolved = caller
                let callContext = CallContext(caller: caller, method: method, metadata: metadata, requestID: requestID,
                                              deadline: deadline, logger: shared.logger)
                try await entry(payload, callContext, writer.sink(box))
            } catch {
                failure = RPCError(mapping: error, language: language)
                if failure?.code == .internalError {
                    shared.logger.error("handler failed", metadata: [
                        "method": "\(LogField.escape(method, maxBytes: shared.limits.maxLoggedFieldBytes))",
                        "request-id": "\(LogField.escape(requestID, maxBytes: shared.limits.maxLoggedFieldBytes))",
                        "error": "\(LogField.escape("\(error)", maxBytes: 4 * shared.limits.maxLoggedFieldBytes))",
                    ])
                }
            }
            if let failure, failure.code == .permissionDenied || failure.code == .unauthenticated, let onDenied = shared.onDenied {
                // Every denial is audited (who, from where, what was refused; never the request).
                let who = resolved?.principal ?? (metadata[Metadata.Key.authorization] == nil ? "anonymous" : "session (unresolved)")
                onDenied(AuditEntry(at: Date(), caller: who, tenant: "-", method: method, target: "from \(peerAddress)",
                                    result: "denied: \(failure.code.name): \(failure.message)", requestID: requestID))
            }
            writer.finish(box: box, failure: failure, requestID: failure == nil ? clientRequestID : requestID)
        }
        // The handler may already have finished inline (and the call left `calls`).
        calls[id]?.task = task
    }

    private func cancelCall(_ id: UInt32) {
        guard let call = removeCall(id) else { return }
        call.task?.cancel()
        logCall(call, code: .cancelled)
        callEnded()
    }

    /// Removes a call and returns its request bytes to the inbound budget.
    private func removeCall(_ id: UInt32) -> Call? {
        guard let call = calls.removeValue(forKey: id) else { return nil }
        if call.requestBytes > 0 {
            inboundBytesInFlight -= call.requestBytes
            if readingPaused, let context { updateReading(context: context) }
        }
        return call
    }

    private func armDeadlineTimer(at expiry: NIODeadline, context: ChannelHandlerContext) {
        deadlineTimer.arm(at: expiry, on: context.eventLoop) { [weak self] in self?.sweepDeadlines() }
    }

    /// Ends every call past its deadline and re-arms the timer for the earliest remaining one.
    private func sweepDeadlines() {
        guard let context else { return }
        let next = DeadlineTimer.sweep(calls.map { ($0.key, $0.value.expiry) }) { deadlineExceeded($0) }
        if let next { armDeadlineTimer(at: next, context: context) }
    }

    private func deadlineExceeded(_ id: UInt32) {
        guard let context, let call = removeCall(id) else { return }
        call.task?.cancel()
        var out = context.channel.allocator.buffer(capacity: 96)
        Self.writeTrailers(into: &out, callID: id, error: RPCError(code: .deadlineExceeded, Text(.deadlineExceeded), language: call.language),
                           requestID: call.clientRequestID ?? "\(connectionID)-\(call.number)")
        write(out, context: context)
        logCall(call, code: .deadlineExceeded)
        callEnded()
    }

    private func reject(_ id: UInt32, _ error: RPCError, requestID: String?, context: ChannelHandlerContext) {
        var out = context.channel.allocator.buffer(capacity: 128)
        Self.writeTrailers(into: &out, callID: id, error: error, requestID: requestID)
        write(out, context: context)
        if shared.logger.logLevel <= .info {
            shared.logger.info("call rejected", metadata: ["call": "\(id)", "status": "\(error.code.name)", "message": "\(logged(error.message))",
                                                           "request-id": "\(requestID.map(logged) ?? "-")"])
        }
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
        if unflushedBytes == 0, budget.queued == bytes.readableBytes { limitGuard.writeProgress(now: .now()) }
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
            self.limitGuard.writeProgress(now: .now())
            if self.readingPaused, let context = self.context, !self.closed { self.updateReading(context: context) }
        }
    }

    // MARK: Completion (from tasks, on the event loop)

    /// Writes what a finished call produced, unless the call already ended (cancelled, timed out).
    func finished(callID: UInt32, bytes: ByteBuffer, code: StatusCode) {
        guard let context, !closed, let call = removeCall(callID) else {
            budget.release(bytes.readableBytes)
            return
        }
        writeCounted(bytes, context: context)
        logCall(call, code: code)
        callEnded()
    }

    /// Writes part of a streaming response.
    func streamed(callID: UInt32, bytes: ByteBuffer) {
        guard let context, !closed, calls[callID] != nil else {
            budget.release(bytes.readableBytes)
            return
        }
        writeCounted(bytes, context: context)
    }

    private func logCall(_ call: Call, code: StatusCode) {
        guard shared.logger.logLevel <= .info else { return }
        let micros = (ContinuousClock.now - call.started).microseconds
        shared.logger.info("call", metadata: [
            "method": "\(logged(call.headers.method))", "caller": "\(connectionCaller?.kind ?? (call.metadata[Metadata.Key.authorization] == nil ? "anonymous" : "session"))",
            "status": "\(code.name)", "us": "\(micros)", "request-id": "\(logged(call.clientRequestID ?? "\(connectionID)-\(call.number)"))",
        ])
    }

    private func callEnded() {
        if calls.isEmpty {
            if peerGoingAway, let context {
                context.flush()
                context.close(promise: nil)
                return
            }
            if case .final = drain, let context {
                context.flush()
                context.close(promise: nil)
                return
            }
            armIdleTimer()
        }
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

    private func armIdleTimer() {
        guard let context, idleTimer == nil, calls.isEmpty, handshakeDone else { return }
        idleTimer = context.eventLoop.assumeIsolated().scheduleTask(in: ConnectionGuard.amount(shared.limits.idleTimeout)) { [weak self] in
            guard let self, let context = self.context, self.calls.isEmpty else { return }
            self.sendGoAway(context: context, lastCallID: self.lastCallID, reason: .idle, message: "idle timeout")
            context.close(promise: nil)
        }
    }

    private func startKeepalive(context: ChannelHandlerContext) {
        let interval = ConnectionGuard.amount(shared.limits.keepaliveInterval)
        let timeout = ConnectionGuard.amount(shared.limits.keepaliveTimeout)
        keepaliveTimer = context.eventLoop.assumeIsolated().scheduleTask(in: interval) { [weak self] in
            guard let self, let context = self.context, !self.closed else { return }
            // While reading is held back (back-pressure) the peer's frames wait unread: no PING.
            if !self.receivedSinceKeepalive && self.pingOutstanding == nil && !self.readingPaused {
                let sent = NIODeadline.now()
                self.pingOutstanding = sent
                self.sendPing(context: context, payload: 0)
                // No PONG (or any other frame) within the keepalive timeout: the peer is gone.
                context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [weak self] in
                    guard let self, let context = self.context, self.pingOutstanding == sent, !self.readingPaused else { return }
                    self.shared.logger.debug("keepalive timeout", metadata: ["connection": "\(self.connectionID)"])
                    context.close(promise: nil)
                }
            }
            self.receivedSinceKeepalive = false
            self.startKeepalive(context: context)
        }
    }

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

    private func protocolError(context: ChannelHandlerContext, _ what: String) {
        let what = logged(what)
        shared.logger.notice("protocol error, closing connection", metadata: ["connection": "\(connectionID)", "error": "\(what)"])
        sendGoAway(context: context, lastCallID: lastCallID, reason: .protocolError, message: "protocol error: \(what)")
        closed = true
        for (_, call) in calls { call.task?.cancel() }
        context.close(promise: nil)
    }

    /// Graceful shutdown, phase one: announce it (GOAWAY with the maximum id) and PING; the PONG
    /// (or one second) starts phase two.
    private func beginDrain() {
        guard let context, case .none = drain else { return }
        drain = .announced
        sendGoAway(context: context, lastCallID: 0x7FFF_FFFF, reason: .shutdown, message: "server shutting down")
        sendPing(context: context, payload: Self.drainPingPayload)
        drainTimer = context.eventLoop.assumeIsolated().scheduleTask(in: .seconds(1)) { [weak self] in
            guard let self, let context = self.context, case .announced = self.drain else { return }
            self.finalGoAway(context: context)
        }
    }

    /// Phase two: no call above the last id seen will be processed; close when the rest finish
    /// (cancelling them after the drain timeout).
    private func finalGoAway(context: ChannelHandlerContext) {
        drain = .final(lastCallID: lastCallID)
        drainTimer?.cancel()
        sendGoAway(context: context, lastCallID: lastCallID, reason: .shutdown, message: "server shutting down")
        if calls.isEmpty {
            context.close(promise: nil)
            return
        }
        drainTimer = context.eventLoop.assumeIsolated().scheduleTask(in: ConnectionGuard.amount(shared.limits.drainTimeout)) { [weak self] in
            guard let self, let context = self.context else { return }
            for id in Array(self.calls.keys) { self.deadlineExceeded(id) }
            context.flush()
            context.close(promise: nil)
        }
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

    func sink(_ box: OutBox) -> ResponseSink {
        let callID = self.callID
        let maxFrameBytes = self.maxFrameBytes
        let budget = self.budget
        return ResponseSink(
            send: { encode throws(RPCError) in
                // Unary responses stay in the box and leave with the trailers; streamed ones go now.
                let start = box.buffer.writerIndex
                FrameEncoder.write(kind: .message, callID: callID, into: &box.buffer, payload: encode)
                let size = box.buffer.writerIndex - start - Frame.headerSize
                guard size <= maxFrameBytes else {
                    box.buffer.moveWriterIndex(to: start)
                    throw RPCError(code: .resourceExhausted, Text(.responseTooLarge, "\(size)", "\(maxFrameBytes)"), language: .default)
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
