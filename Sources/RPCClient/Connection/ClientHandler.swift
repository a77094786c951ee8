internal import NIOCore
internal import Proto
internal import Model

/// One connection's call demultiplexer on the client: assigns call ids, writes request frames,
/// routes MESSAGE and TRAILERS frames to their calls, answers PING, honours GOAWAY.
final class ClientHandler: ChannelInboundHandler {
    typealias InboundIn = Frame
    typealias OutboundOut = ByteBuffer

    /// Message prefix of calls the server never processed (above a GOAWAY's last id, or not yet
    /// sent on a draining connection): the client retries these on a new connection.
    static let refusedByGoAway = "refused by GOAWAY: "

    private var context: ChannelHandlerContext?
    private var calls: [UInt32: PendingCall] = [:]
    private var nextCallID: UInt32 = 1
    private let flusher = FlushCoalescer()
    private(set) var goAwayLastID: UInt32?
    private var closedError: RPCError?
    let ready: EventLoopPromise<Void>
    /// Called once when the connection should no longer take new calls.
    let onUnusable: @Sendable () -> Void

    init(ready: EventLoopPromise<Void>, onUnusable: @escaping @Sendable () -> Void) {
        self.ready = ready
        self.onUnusable = onUnusable
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    /// Drops the context when the channel goes: it holds this handler, so keeping it would be a
    /// retain cycle that leaks every closed connection (found by LeakSanitizer).
    func handlerRemoved(context: ChannelHandlerContext) {
        deadlineTimer.cancel()
        self.context = nil
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is TLSHandshakeCompleted { ready.succeed() }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let rpc: RPCError
        switch error {
        case let tls as TLSError: rpc = RPCError(code: .unavailable, message: TransportErrorText.tls(tls), messageCode: ClientCode.tls)
        case let frame as FrameError: rpc = RPCError(code: .internalError, message: "protocol error from server: \(frame)")
        default: rpc = RPCError(code: .unavailable, message: "connection failed: \(TransportErrorText.reason(error))", messageCode: ClientCode.connectionLost)
        }
        closedError = closedError ?? rpc
        ready.fail(rpc)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        let error = closedError ?? RPCError(code: .unavailable, message: "connection closed", messageCode: ClientCode.connectionLost)
        ready.fail(error)
        let open = calls
        calls.removeAll()
        deadlineTimer.cancel()
        for (_, call) in open { call.fail(error) }
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
        guard goAwayLastID == nil else {
            // Never sent: safe to retry on a new connection.
            call.fail(RPCError(code: .unavailable, message: Self.refusedByGoAway + "connection is draining", messageCode: ClientCode.draining))
            return
        }
        guard let context, context.channel.isActive else {
            call.fail(closedError ?? RPCError(code: .unavailable, message: "connection closed", messageCode: ClientCode.connectionLost))
            return
        }
        guard nextCallID < 0x7FFF_FFFF else {
            onUnusable()
            call.fail(RPCError(code: .unavailable, message: "connection out of call ids"))
            return
        }
        let id = nextCallID
        nextCallID += 1
        call.callID = id
        calls[id] = call
        // Patch the call id into both frames (HEADERS at 0, MESSAGE right after it).
        var frames = call.frames
        call.frames = ByteBuffer()
        let base = frames.readerIndex
        frames.setInteger(id, at: base + 6)
        let headersLength = Int(frames.getInteger(at: base, as: UInt32.self)!)
        frames.setInteger(id, at: base + Frame.headerSize + headersLength + 6)
        context.write(wrapOutboundOut(frames), promise: nil)
        scheduleFlush(context: context)
        call.expiry = NIODeadline.now() + .microseconds(Int64(clamping: call.timeout.microseconds))
        armDeadlineTimer(at: call.expiry, context: context)
    }

    private let deadlineTimer = DeadlineTimer()

    private func armDeadlineTimer(at expiry: NIODeadline, context: ChannelHandlerContext) {
        deadlineTimer.arm(at: expiry, on: context.eventLoop) { [weak self] in self?.sweepDeadlines() }
    }

    /// Abandons every call past its deadline and re-arms for the earliest remaining one.
    private func sweepDeadlines() {
        guard let context else { return }
        let next = DeadlineTimer.sweep(calls.values.map { ($0, $0.expiry) }) {
            abandon($0, error: RPCError(code: .deadlineExceeded, message: "deadline exceeded", messageCode: ClientCode.deadline))
        }
        if let next { armDeadlineTimer(at: next, context: context) }
    }

    /// Ends a call locally (deadline, task cancelled) and tells the server with CANCEL.
    func abandon(_ call: PendingCall, error: RPCError) {
        guard call.outcome != nil else {
            call.cancelledEarly = error  // not started yet: start() fails it
            return
        }
        guard let context else { return }
        call.fail(error)
        guard call.callID != 0, calls.removeValue(forKey: call.callID) != nil else { return }
        var out = context.channel.allocator.buffer(capacity: Frame.headerSize)
        FrameEncoder.write(Frame(kind: .cancel, callID: call.callID, payload: ByteBuffer()), into: &out)
        context.write(wrapOutboundOut(out), promise: nil)
        scheduleFlush(context: context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.kind {
        case .message:
            calls[frame.callID]?.yield(frame.payload)
        case .trailers:
            guard let call = calls.removeValue(forKey: frame.callID) else { return }
            finish(call, trailers: frame.payload)
            if let last = goAwayLastID, last != 0x7FFF_FFFF, calls.isEmpty { context.close(promise: nil) }
        case .ping:
            var pong = context.channel.allocator.buffer(capacity: Frame.headerSize + 8)
            FrameEncoder.write(Frame(kind: .pong, callID: 0, payload: frame.payload), into: &pong)
            context.write(wrapOutboundOut(pong), promise: nil)
            scheduleFlush(context: context)
        case .goAway:
            let goAway = (try? Wire.RPC.GoAway(buffer: frame.payload)) ?? Wire.RPC.GoAway()
            receivedGoAway(goAway, context: context)
        case .pong:
            break
        case .headers, .cancel:
            closedError = RPCError(code: .internalError, message: "protocol error: \(frame.kind) frame from the server")
            context.close(promise: nil)
        }
    }

    private func finish(_ call: PendingCall, trailers payload: ByteBuffer) {
        let trailers: Wire.RPC.CallTrailers
        do {
            trailers = try Wire.RPC.CallTrailers(buffer: payload)
        } catch {
            call.fail(RPCError(code: .internalError, message: "undecodable trailers from the server"))
            return
        }
        let code = StatusCode(wireValue: trailers.code)
        guard code == .ok else {
            call.fail(RPCError(code: code, message: trailers.message, messageCode: trailers.messageCode,
                               violations: trailers.violations.map { .init(field: $0.field, code: $0.code, reason: $0.reason) }))
            return
        }
        if case .unary = call.outcome, call.response == nil {
            call.fail(RPCError(code: .internalError, message: "server sent no response message"))
            return
        }
        call.succeed(call.response ?? ByteBuffer())
    }

    private func receivedGoAway(_ goAway: Wire.RPC.GoAway, context: ChannelHandlerContext) {
        let last = min(goAway.lastCallID, goAwayLastID ?? .max)
        goAwayLastID = last
        onUnusable()
        // Calls above the last id were never processed: fail them as retryable.
        for (id, call) in calls where id > last {
            calls.removeValue(forKey: id)
            call.fail(RPCError(code: .unavailable, message: Self.refusedByGoAway + goAway.message, messageCode: ClientCode.draining))
        }
        if calls.isEmpty && last != 0x7FFF_FFFF { context.close(promise: nil) }
    }

    /// Closes the connection once the calls in flight have finished.
    var isIdle: Bool { calls.isEmpty }

    private func scheduleFlush(context: ChannelHandlerContext) {
        flusher.wrote(context)
    }
}

@available(*, unavailable)
extension ClientHandler: Sendable {}
