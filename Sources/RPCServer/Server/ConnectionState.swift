package import Proto
package import Model
package import NIOCore
package import Logging

/// The state of one connection, apart from its sockets: the call table (call ids, open and
/// running calls, the concurrent-call limit, request bytes in flight), the two-phase drain, the
/// idle, keepalive and deadline bookkeeping, and the clock-driven limits of ``ConnectionGuard``.
///
/// A plain value with pure transitions: the transport reports what happened (a frame, a timer,
/// a finished call) with the time it read from its event loop, and performs the returned
/// ``Action``s in order (write trailers, GOAWAY or PING, cancel a task, arm a timer, close).
/// Tested without sockets (`ConnectionStateTests`); ``ConnectionHandler`` is the jzs/1 glue.
package struct ConnectionState {
    /// One call whose HEADERS were accepted and that has not ended yet.
    package struct Call {
        package var method: String
        package var metadata: Metadata
        /// The client's `request-id`, if it sent one (echoed in the trailers).
        package var clientRequestID: String?
        /// The call's number on this connection (server-generated request ids).
        package var number: UInt64
        package var started: ContinuousClock.Instant
        package var deadline: ContinuousClock.Instant
        package var expiry: NIODeadline
        /// What the call holds of the inbound budget: its metadata from HEADERS on, then its
        /// request message too (a call whose MESSAGE never comes still holds its metadata).
        package var requestBytes = 0
        package var running = false
        package var task: Task<Void, Never>?
        /// The language of the call's messages (`accept-language`).
        package var language: Language { Language(acceptLanguage: metadata[Metadata.Key.acceptLanguage]) }
    }

    package enum Drain: Equatable, Sendable {
        case none
        /// Phase one: GOAWAY with the maximum id and a PING sent; waiting for the PONG (or 1 s).
        case announced
        /// Phase two: no call above `lastCallID` is processed; close when the rest finish.
        case final(lastCallID: UInt32)
    }

    /// What the transport must do, in order.
    package enum Action {
        /// Write TRAILERS ending `callID`; `rejected` when the call never ran (logged as such).
        case sendTrailers(callID: UInt32, RPCError, requestID: String?, rejected: Bool)
        case sendGoAway(lastCallID: UInt32, GoAwayReason, String)
        case sendPing(payload: UInt64)
        /// Answer the PING just received with a PONG carrying its payload.
        case answerPing
        case cancel(Task<Void, Never>)
        /// Log a call that ended (its status).
        case logCall(Call, StatusCode)
        case log(Logger.Level, String)
        /// Request bytes left the inbound budget: reading may resume.
        case inboundReleased
        /// Arm the one deadline timer for `at` (unless armed for an earlier time).
        case armDeadlineTimer(at: NIODeadline)
        case armIdleTimer(TimeAmount)
        case cancelIdleTimer
        case armDrainTimer(TimeAmount)
        case cancelDrainTimer
        case armKeepaliveTimeout(TimeAmount, pingSent: NIODeadline)
        /// Flush what is written, then close.
        case close
    }

    /// What a MESSAGE frame leads to.
    package enum MessageOutcome {
        /// Run the call (or refuse it before it runs, see ``refuseBeforeStart(_:_:)``).
        case start(Call)
        case actions([Action])
    }

    static let drainPingPayload: UInt64 = 0x6A7A_7364_7261_696E  // "jzsdrain"
    /// Call ids are 31-bit; 0x7FFFFFFF in a first GOAWAY means "all of them".
    static let maxCallID: UInt32 = 0x7FFF_FFFF

    package let limits: Limits
    package let connectionID: String
    package private(set) var calls: [UInt32: Call] = [:]
    package private(set) var lastCallID: UInt32 = 0
    private var requestCounter: UInt64 = 0
    package private(set) var inboundBytesInFlight = 0
    package private(set) var drain = Drain.none
    package private(set) var closed = false
    package private(set) var peerGoingAway = false
    package private(set) var handshakeDone = false
    private var idleTimerArmed = false
    private var receivedSinceKeepalive = false
    private var pingOutstanding: NIODeadline?
    private var limitGuard: ConnectionGuard

    package init(limits: Limits, connectionID: String, now: NIODeadline) {
        self.limits = limits
        self.connectionID = connectionID
        self.limitGuard = ConnectionGuard(limits: limits, now: now)
    }

    /// The request id of a call: the client's, else `<connection>-<number>`.
    package func requestID(of call: Call) -> String {
        call.clientRequestID ?? "\(connectionID)-\(call.number)"
    }

    /// Over the budget of request bytes held by running calls.
    package var inboundOverLimit: Bool { inboundBytesInFlight > limits.maxInboundBytesInFlight }

    // MARK: Connection events

    package mutating func handshakeCompleted(now: NIODeadline) -> [Action] {
        handshakeDone = true
        limitGuard.handshakeCompleted(now: now)
        return armIdleTimerIfIdle()
    }

    /// The channel went away: every running call's task is cancelled.
    package mutating func channelClosed() -> [Action] {
        closed = true
        let tasks = calls.values.compactMap(\.task)
        calls.removeAll()
        inboundBytesInFlight = 0
        return tasks.map { .cancel($0) }
    }

    /// Closes for a verdict of the guard (or a revoked certificate). Empty when it says proceed.
    package mutating func enforce(_ verdict: ConnectionGuard.Verdict) -> [Action] {
        guard case .close(let reason, let why) = verdict, !closed else { return [] }
        var actions: [Action] = [.log(.notice, "closing connection: \(why)")]
        if let reason { actions.append(.sendGoAway(lastCallID: lastCallID, reason, why)) }
        return actions + closeNow()
    }

    /// A frame the peer may not send, or a call id out of order: GOAWAY reason 1 and close.
    package mutating func protocolError(_ what: String) -> [Action] {
        let what = LogField.escape(what, maxBytes: limits.maxLoggedFieldBytes)
        return [.log(.notice, "protocol error, closing connection: \(what)"),
                .sendGoAway(lastCallID: lastCallID, .protocolError, "protocol error: \(what)")] + closeNow()
    }

    private mutating func closeNow() -> [Action] {
        closed = true
        return calls.values.compactMap(\.task).map { .cancel($0) } + [.close]
    }

    /// After reading: whether a frame is left partly received, and whether one completed.
    package mutating func inbound(partialFrame: Bool, frameCompleted: Bool, now: NIODeadline) {
        limitGuard.inbound(partialFrame: partialFrame, frameCompleted: frameCompleted, now: now)
    }

    /// The socket took bytes, or the queue was empty when bytes were added.
    package mutating func writeProgress(now: NIODeadline) {
        limitGuard.writeProgress(now: now)
    }

    /// How often ``tick(now:queuedBytes:)`` should run.
    package var tickInterval: TimeAmount { limitGuard.tickInterval }

    // MARK: Frames

    /// Any frame proves the peer is alive.
    package mutating func frameReceived() {
        receivedSinceKeepalive = true
        pingOutstanding = nil
    }

    /// A HEADERS frame for `id`, decoded (or not) by the transport. Opens the call, or rejects it
    /// in the order of docs/PROTOCOL.md §5.6.
    package mutating func headersReceived(
        callID id: UInt32, _ decoded: Result<(method: String, timeoutMicros: UInt64, metadata: Metadata), RPCError>,
        methodExists: (String) -> Bool, now: NIODeadline, clock: ContinuousClock.Instant
    ) -> [Action] {
        guard id > lastCallID, id <= Self.maxCallID else {
            return protocolError("call id \(id) not above \(lastCallID) or above \(Self.maxCallID)")
        }
        lastCallID = id
        limitGuard.callOpened()
        let headers: (method: String, timeoutMicros: UInt64, metadata: Metadata)
        switch decoded {
        case .success(let h): headers = h
        case .failure(let error): return [.sendTrailers(callID: id, error, requestID: nil, rejected: true)]
        }
        let requestID = headers.metadata[Metadata.Key.requestID]
        let language = Language(acceptLanguage: headers.metadata[Metadata.Key.acceptLanguage])
        if case .final(let last) = drain, id > last {
            return [.sendTrailers(callID: id, RPCError(code: .unavailable, Text(.serverShuttingDown), language: language), requestID: requestID, rejected: true)]
        }
        guard calls.count < limits.maxConcurrentCallsPerConnection else {
            let error = RPCError(code: .resourceExhausted, Text(.tooManyCalls, "\(limits.maxConcurrentCallsPerConnection)"), language: language)
            // A refusal takes a token of the cancel budget (§10.3).
            return [.sendTrailers(callID: id, error, requestID: requestID, rejected: true)] + enforce(limitGuard.cancelled(now: now))
        }
        guard methodExists(headers.method) else {
            let name = LogField.escape(headers.method, maxBytes: limits.maxLoggedFieldBytes)
            return [.sendTrailers(callID: id, RPCError(code: .unimplemented, Text(.unknownMethod, "\(name)"), language: language), requestID: requestID, rejected: true)]
        }
        requestCounter += 1
        // The deadline runs from HEADERS, so a call whose MESSAGE never comes still ends.
        let maximum = limits.maxCallDuration.microseconds
        let timeout = Int64(clamping: headers.timeoutMicros == 0 ? maximum : min(headers.timeoutMicros, maximum))
        let expiry = now + .microseconds(timeout)
        let held = headers.metadata.heldBytes
        calls[id] = Call(method: headers.method, metadata: headers.metadata, clientRequestID: requestID, number: requestCounter,
                         started: clock, deadline: clock + .microseconds(timeout), expiry: expiry, requestBytes: held)
        inboundBytesInFlight += held
        idleTimerArmed = false
        return [.armDeadlineTimer(at: expiry), .cancelIdleTimer]
    }

    /// A MESSAGE frame for `id`: the request of an open call (only unary and server-streaming
    /// requests, so it must end the stream).
    package mutating func messageReceived(callID id: UInt32, endStream: Bool) -> MessageOutcome {
        guard id <= lastCallID else { return .actions(protocolError("MESSAGE for call \(id) that was never opened")) }
        // A message for a call that already ended (rejected, cancelled, timed out) is dropped.
        guard let call = calls[id], !call.running else { return .actions([]) }
        guard endStream else {
            let released = removeCall(id)?.1 ?? []
            // Only the client's own request-id is echoed (§6.3).
            return .actions(released + [.sendTrailers(callID: id, RPCError(code: .unimplemented, Text(.clientStreaming), language: call.language),
                                                      requestID: call.clientRequestID, rejected: true)] + callEnded())
        }
        return .start(call)
    }

    /// A call refused after its request arrived but before it ran (over h2: no request message, or one that could not be taken).
    package mutating func refuseBeforeStart(_ id: UInt32, _ error: RPCError) -> [Action] {
        guard let (call, released) = removeCall(id) else { return [] }
        return released + [.sendTrailers(callID: id, error, requestID: call.clientRequestID, rejected: true),
                           .logCall(call, error.code)] + callEnded()
    }

    /// The call's task is about to start with `requestBytes` of request (held until it ends,
    /// with its metadata).
    package mutating func callStarting(_ id: UInt32, requestBytes: Int) {
        guard calls[id] != nil else { return }
        calls[id]!.running = true
        calls[id]!.requestBytes += requestBytes
        inboundBytesInFlight += requestBytes
    }

    /// The call's task (it may already have finished inline and left the table).
    package mutating func callStarted(_ id: UInt32, task: Task<Void, Never>) {
        calls[id]?.task = task
    }

    /// A CANCEL frame: spends a token of the cancel budget, then ends the call.
    package mutating func cancelReceived(callID id: UInt32, now: NIODeadline) -> [Action] {
        let verdict = limitGuard.cancelled(now: now)
        guard verdict == .proceed else { return enforce(verdict) }
        guard let (call, released) = removeCall(id) else { return [] }
        return released + (call.task.map { [.cancel($0)] } ?? []) + [.logCall(call, .cancelled)] + callEnded()
    }

    package mutating func pingReceived(now: NIODeadline) -> [Action] {
        let verdict = limitGuard.pinged(now: now)
        return verdict == .proceed ? [.answerPing] : enforce(verdict)
    }

    package mutating func pongReceived(payload: UInt64?) -> [Action] {
        pingOutstanding = nil
        if payload == Self.drainPingPayload, drain == .announced { return finalGoAway() }
        return []
    }

    /// The client is going away; nothing new will arrive. Finish what is open, then close.
    package mutating func goAwayReceived() -> [Action] {
        peerGoingAway = true
        return calls.isEmpty ? [.close] : []
    }

    /// Whether a running call may still write (its response parts are dropped otherwise).
    package func isOpen(_ id: UInt32) -> Bool { !closed && calls[id] != nil }

    /// A call's task finished and its trailers are ready. Nil when the call had already ended
    /// (cancelled, timed out, connection closed): its bytes are dropped. Otherwise the transport
    /// writes the bytes, then performs the actions.
    package mutating func callFinished(_ id: UInt32, code: StatusCode) -> [Action]? {
        guard !closed, let (call, released) = removeCall(id) else { return nil }
        return released + [.logCall(call, code)] + callEnded()
    }

    // MARK: Timers

    /// The deadline timer fired: ends every call past its deadline, re-arms for the next one.
    package mutating func deadlineTimerFired(now: NIODeadline) -> [Action] {
        var actions: [Action] = []
        var next: NIODeadline?
        for (id, call) in calls.sorted(by: { $0.key < $1.key }) {
            if call.expiry <= now {
                actions += deadlineExceeded(id)
            } else {
                next = min(next ?? call.expiry, call.expiry)
            }
        }
        if let next { actions.append(.armDeadlineTimer(at: next)) }
        return actions
    }

    private mutating func deadlineExceeded(_ id: UInt32) -> [Action] {
        guard let (call, released) = removeCall(id) else { return [] }
        let error = RPCError(code: .deadlineExceeded, Text(.deadlineExceeded), language: call.language)
        return released + (call.task.map { [.cancel($0)] } ?? [])
            + [.sendTrailers(callID: id, error, requestID: requestID(of: call), rejected: false), .logCall(call, .deadlineExceeded)]
            + callEnded()
    }

    package mutating func idleTimerFired() -> [Action] {
        idleTimerArmed = false
        guard !closed, calls.isEmpty else { return [] }
        return [.sendGoAway(lastCallID: lastCallID, .idle, "idle timeout"), .close]
    }

    /// The periodic check of the clock-driven limits; empty when the connection goes on.
    package mutating func tick(now: NIODeadline, queuedBytes: Int) -> [Action] {
        guard !closed else { return [] }
        return enforce(limitGuard.tick(now: now, queuedBytes: queuedBytes))
    }

    /// The keepalive interval passed: PING a silent peer (unless reading is held back, when
    /// its frames wait unread), and arm the keepalive timeout for it.
    package mutating func keepaliveFired(now: NIODeadline, readingPaused: Bool) -> [Action] {
        var actions: [Action] = []
        if !receivedSinceKeepalive && pingOutstanding == nil && !readingPaused {
            pingOutstanding = now
            actions = [.sendPing(payload: 0), .armKeepaliveTimeout(ConnectionGuard.amount(limits.keepaliveTimeout), pingSent: now)]
        }
        receivedSinceKeepalive = false
        return actions
    }

    /// No PONG (or any other frame) within the keepalive timeout: the peer is gone.
    package mutating func keepaliveTimeoutFired(pingSent: NIODeadline, readingPaused: Bool) -> [Action] {
        guard !closed, pingOutstanding == pingSent, !readingPaused else { return [] }
        return [.log(.debug, "keepalive timeout"), .close]
    }

    /// Graceful shutdown, phase one: announce it (GOAWAY with the maximum id) and PING; the PONG
    /// (or one second) starts phase two.
    package mutating func beginDrain() -> [Action] {
        guard drain == .none, !closed else { return [] }
        drain = .announced
        return [.sendGoAway(lastCallID: Self.maxCallID, .shutdown, "server shutting down"),
                .sendPing(payload: Self.drainPingPayload), .armDrainTimer(.seconds(1))]
    }

    /// Phase one timed out without a PONG, or phase two's drain timeout passed (then the calls
    /// still open end with DEADLINE_EXCEEDED and the connection closes).
    package mutating func drainTimerFired() -> [Action] {
        switch drain {
        case .none: return []
        case .announced: return finalGoAway()
        case .final:
            var actions: [Action] = []
            for id in calls.keys.sorted() { actions += deadlineExceeded(id) }
            return actions + [.close]
        }
    }

    /// Phase two: no call above the last id seen will be processed; close when the rest finish.
    private mutating func finalGoAway() -> [Action] {
        drain = .final(lastCallID: lastCallID)
        let actions: [Action] = [.cancelDrainTimer, .sendGoAway(lastCallID: lastCallID, .shutdown, "server shutting down")]
        if calls.isEmpty { return actions + [.close] }
        return actions + [.armDrainTimer(ConnectionGuard.amount(limits.drainTimeout))]
    }

    // MARK: Calls ending

    /// Removes a call and returns its request bytes to the inbound budget.
    private mutating func removeCall(_ id: UInt32) -> (Call, [Action])? {
        guard let call = calls.removeValue(forKey: id) else { return nil }
        guard call.requestBytes > 0 else { return (call, []) }
        inboundBytesInFlight -= call.requestBytes
        return (call, [.inboundReleased])
    }

    /// The last call ended: close if the peer or the drain asked for it, else the idle timeout runs.
    private mutating func callEnded() -> [Action] {
        guard calls.isEmpty else { return [] }
        if peerGoingAway { return [.close] }
        if case .final = drain { return [.close] }
        return armIdleTimerIfIdle()
    }

    private mutating func armIdleTimerIfIdle() -> [Action] {
        guard !idleTimerArmed, calls.isEmpty, handshakeDone, !closed else { return [] }
        idleTimerArmed = true
        return [.armIdleTimer(ConnectionGuard.amount(limits.idleTimeout))]
    }

    // MARK: Metadata

    /// The metadata of a HEADERS frame, checked against the limits (§6).
    package static func validatedMetadata(_ entries: [Wire.RPC.MetadataEntry], limits: Limits) throws(RPCError) -> Metadata {
        let language = Language(acceptLanguage: entries.last { $0.key == Metadata.Key.acceptLanguage }?.value)
        // Over jzs/1 the element cap of CallHeaders.metadata refuses more while decoding; HTTP/2
        // headers have no such cap, so the same answer is given here.
        guard entries.count <= limits.maxMetadataEntries else {
            throw RPCError(field: "metadata", Text(.tooManyElements, "\(limits.maxMetadataEntries)"), language: language)
        }
        var metadata = Metadata()
        for (i, e) in entries.enumerated() {
            guard Metadata.isValidKey(e.key) else {
                throw RPCError(field: "metadata[\(i)].key", Text(.metadataKey), language: language)
            }
            guard e.value.utf8.count <= limits.maxMetadataValueBytes else {
                throw RPCError(code: .resourceExhausted, Text(.metadataValueTooLong, "\(e.key)", "\(limits.maxMetadataValueBytes)"), language: language)
            }
            metadata[e.key] = e.value
        }
        if let op = metadata[Metadata.Key.operator], let problem = operatorProblem(op) {
            throw RPCError(field: "metadata.operator", problem, language: language)
        }
        return metadata
    }

    /// Why an `operator` entry (a person's name, written into audit rows) is refused, if it is.
    package static func operatorProblem(_ name: String) -> Text? {
        if name.allSatisfy(\.isWhitespace) { return Text(.operatorMissing) }
        if name.count > 64 { return Text(.tooLong, "64") }
        let bad = name.unicodeScalars.contains { s in
            s.value < 0x20 || (0x7F...0x9F).contains(s.value)
                || s.properties.generalCategory == .format || s.properties.generalCategory == .lineSeparator
                || s.properties.generalCategory == .paragraphSeparator || s.properties.generalCategory == .privateUse
        }
        return bad ? Text(.operatorControl) : nil
    }
}

extension Metadata {
    /// The bytes a call's metadata holds while the call is open (keys and values), counted in
    /// the connection's inbound budget (``Limits/maxInboundBytesInFlight``).
    package var heldBytes: Int { entries.reduce(0) { $0 + $1.key.utf8.count + $1.value.utf8.count } }
}
