import Model
import NIOCore
import Proto
import RPCServer
import Testing

/// The connection's state machine as plain values, without sockets: the call table, the
/// concurrent-call limit, request bytes in flight, deadlines, the two-phase drain, idle and
/// keepalive. Each transition returns the actions the transport performs; these tests read them.
@Suite("Connection state without sockets")
struct ConnectionStateTests {
    static let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000)
    static let c0 = ContinuousClock.now

    static func limits(_ change: (inout Limits) -> Void = { _ in }) -> Limits {
        var l = Limits()
        l.maxConcurrentCallsPerConnection = 2
        l.cancelBurst = 2
        l.cancelsPerSecond = 1
        l.maxCallDuration = .seconds(30)
        l.idleTimeout = .seconds(60)
        l.drainTimeout = .seconds(5)
        l.keepaliveTimeout = .seconds(3)
        l.maxInboundBytesInFlight = 100
        change(&l)
        return l
    }

    static func state(_ change: (inout Limits) -> Void = { _ in }) -> ConnectionState {
        var s = ConnectionState(limits: limits(change), connectionID: "c", now: t0)
        _ = s.handshakeCompleted(now: t0)
        return s
    }

    /// The actions as short words, so a test reads like the sequence of events.
    static func words(_ actions: [ConnectionState.Action]) -> [String] {
        actions.map { action in
            switch action {
            case .sendTrailers(let id, let error, let requestID, let rejected):
                "trailers \(id) \(error.code.name) \(requestID ?? "-")\(rejected ? " rejected" : "")"
            case .sendGoAway(let last, let reason, _): "goaway \(last) \(reason)"
            case .sendPing(let payload): "ping \(payload == 0 ? "keepalive" : "drain")"
            case .answerPing: "pong"
            case .cancel: "cancel task"
            case .logCall(_, let code): "log \(code.name)"
            case .log: "note"
            case .inboundReleased: "released"
            case .armDeadlineTimer(let at): "deadline at +\((at - t0).nanoseconds / 1_000_000_000)s"
            case .armIdleTimer(let amount): "idle timer \(amount.nanoseconds / 1_000_000_000)s"
            case .cancelIdleTimer: "no idle timer"
            case .armDrainTimer(let amount): "drain timer \(amount.nanoseconds / 1_000_000)ms"
            case .cancelDrainTimer: "no drain timer"
            case .armKeepaliveTimeout(let amount, _): "keepalive timeout \(amount.nanoseconds / 1_000_000_000)s"
            case .close: "close"
            }
        }
    }

    static func headers(_ method: String = "/m", timeout: Duration = .zero, requestID: String? = nil)
        -> Result<(method: String, timeoutMicros: UInt64, metadata: Metadata), RPCError> {
        var metadata = Metadata()
        if let requestID { metadata[Metadata.Key.requestID] = requestID }
        return .success((method, UInt64(timeout.microseconds), metadata))
    }

    static func open(_ s: inout ConnectionState, _ id: UInt32, _ method: String = "/m", timeout: Duration = .zero,
                     requestID: String? = nil, at now: NIODeadline = t0) -> [String] {
        words(s.headersReceived(callID: id, headers(method, timeout: timeout, requestID: requestID),
                                methodExists: { $0 == "/m" }, now: now, clock: c0))
    }

    /// Opens call `id` and starts it with `bytes` of request.
    static func run(_ s: inout ConnectionState, _ id: UInt32, bytes: Int = 10, timeout: Duration = .zero) {
        _ = open(&s, id, timeout: timeout)
        guard case .start = s.messageReceived(callID: id, endStream: true) else { Issue.record("call \(id) did not start"); return }
        s.callStarting(id, requestBytes: bytes)
    }

    @Test("A call opens (deadline armed, idle timer off), runs and ends (logged, idle timer on)")
    func callLifecycle() {
        var s = Self.state()
        #expect(Self.open(&s, 1, timeout: .seconds(5)) == ["deadline at +5s", "no idle timer"])
        guard case .start(let call) = s.messageReceived(callID: 1, endStream: true) else { Issue.record("not started"); return }
        #expect(call.method == "/m" && s.requestID(of: call) == "c-1")
        s.callStarting(1, requestBytes: 10)
        #expect(s.inboundBytesInFlight == 10)
        // A second MESSAGE for a running call is dropped.
        guard case .actions(let none) = s.messageReceived(callID: 1, endStream: true) else { Issue.record("started twice"); return }
        #expect(none.isEmpty)
        #expect(s.callFinished(1, code: .ok).map(Self.words) == ["released", "log OK", "idle timer 60s"])
        #expect(s.inboundBytesInFlight == 0 && s.calls.isEmpty)
        #expect(s.callFinished(1, code: .ok) == nil)  // already ended: its bytes are dropped
    }

    @Test("Call ids must increase: a repeated or lower id, or a MESSAGE for an id never opened, is a protocol error")
    func callIDs() {
        var s = Self.state()
        _ = Self.open(&s, 5)
        #expect(Self.open(&s, 5) == ["note", "goaway 5 protocolError", "close"])
        #expect(s.closed)
        var t = Self.state()
        guard case .actions(let actions) = t.messageReceived(callID: 3, endStream: true) else { Issue.record("started"); return }
        #expect(Self.words(actions) == ["note", "goaway 0 protocolError", "close"])
        var u = Self.state()
        #expect(Self.open(&u, 0x8000_0000) == ["note", "goaway 0 protocolError", "close"])
    }

    @Test("Rejections: undecodable headers, unknown method, too many calls (spending the cancel budget), client streaming")
    func rejections() {
        var s = Self.state()
        #expect(Self.words(s.headersReceived(callID: 1, .failure(RPCError(code: .invalidArgument, message: "x")), methodExists: { _ in true },
                                             now: Self.t0, clock: Self.c0)) == ["trailers 1 INVALID_ARGUMENT - rejected"])
        #expect(Self.open(&s, 2, "/nope", requestID: "r2") == ["trailers 2 UNIMPLEMENTED r2 rejected"])
        _ = Self.open(&s, 3)
        _ = Self.open(&s, 4)
        #expect(Self.open(&s, 5, requestID: "r5") == ["trailers 5 RESOURCE_EXHAUSTED r5 rejected"])
        #expect(Self.open(&s, 6) == ["trailers 6 RESOURCE_EXHAUSTED - rejected"])
        // The cancel budget (2) is spent: the third refusal closes with reason 3.
        #expect(Self.open(&s, 7) == ["trailers 7 RESOURCE_EXHAUSTED - rejected", "note", "goaway 7 resourceLimit", "close"])

        var c = Self.state()
        _ = Self.open(&c, 1, requestID: "r1")
        guard case .actions(let actions) = c.messageReceived(callID: 1, endStream: false) else { Issue.record("started"); return }
        #expect(Self.words(actions) == ["released", "trailers 1 UNIMPLEMENTED r1 rejected", "idle timer 60s"])
        #expect(c.calls.isEmpty)
    }

    @Test("CANCEL ends a running call (task cancelled, bytes released); a flood of cancels closes the connection")
    func cancel() {
        var s = Self.state()
        Self.run(&s, 1)
        s.callStarted(1, task: Task {})
        #expect(Self.words(s.cancelReceived(callID: 1, now: Self.t0)) == ["released", "cancel task", "log CANCELLED", "idle timer 60s"])
        #expect(s.callFinished(1, code: .ok) == nil)
        #expect(Self.words(s.cancelReceived(callID: 9, now: Self.t0)).isEmpty)  // unknown call: spends a token, nothing else
        #expect(Self.words(s.cancelReceived(callID: 9, now: Self.t0)) == ["note", "goaway 1 resourceLimit", "close"])
    }

    @Test("Request bytes held by running calls count against the inbound budget until the calls end")
    func inboundBudget() {
        var s = Self.state()
        Self.run(&s, 1, bytes: 60)
        #expect(!s.inboundOverLimit)
        Self.run(&s, 2, bytes: 60)
        #expect(s.inboundOverLimit)
        _ = s.callFinished(2, code: .ok)
        #expect(!s.inboundOverLimit && s.inboundBytesInFlight == 60)
    }

    @Test("An open call holds its metadata in the inbound budget from HEADERS on, MESSAGE or not (found by an outside attacker: 1,000 open calls of 512 KiB metadata held 512 MiB)")
    func metadataHeld() {
        var s = Self.state()   // inbound budget: 100 bytes
        var big = Metadata()
        big["x-pad"] = String(repeating: "a", count: 55)   // 5 + 55 = 60 bytes held
        for id: UInt32 in [1, 2] {
            _ = s.headersReceived(callID: id, .success(("/m", 0, big)), methodExists: { $0 == "/m" }, now: Self.t0, clock: Self.c0)
        }
        #expect(s.inboundBytesInFlight == 120 && s.inboundOverLimit)   // no MESSAGE yet: reading stops
        guard case .start = s.messageReceived(callID: 1, endStream: true) else { Issue.record("call 1 did not start"); return }
        s.callStarting(1, requestBytes: 10)
        #expect(s.inboundBytesInFlight == 130)
        _ = s.callFinished(1, code: .ok)
        #expect(s.inboundBytesInFlight == 60 && !s.inboundOverLimit)
        #expect(Self.words(s.deadlineTimerFired(now: Self.t0 + .seconds(400))).first == "released")   // call 2 ends at its deadline
        #expect(s.inboundBytesInFlight == 0)
    }

    @Test("The deadline timer ends the calls past their deadline with DEADLINE_EXCEEDED and re-arms for the next")
    func deadlines() {
        var s = Self.state()
        Self.run(&s, 1, timeout: .seconds(5))
        _ = Self.open(&s, 2, timeout: .seconds(20), requestID: "r2")
        #expect(Self.words(s.deadlineTimerFired(now: Self.t0 + .seconds(4))) == ["deadline at +5s"])
        #expect(Self.words(s.deadlineTimerFired(now: Self.t0 + .seconds(5)))
                == ["released", "trailers 1 DEADLINE_EXCEEDED c-1", "log DEADLINE_EXCEEDED", "deadline at +20s"])
        #expect(Self.words(s.deadlineTimerFired(now: Self.t0 + .seconds(21)))
                == ["released", "trailers 2 DEADLINE_EXCEEDED r2", "log DEADLINE_EXCEEDED", "idle timer 60s"])
        // No timeout asked: the server's maximum call duration applies.
        #expect(Self.open(&s, 3) == ["deadline at +30s", "no idle timer"])
    }

    @Test("Drain: GOAWAY for every id and a PING; the PONG sends the final GOAWAY; new calls are refused; the last call closes")
    func drain() {
        var s = Self.state()
        Self.run(&s, 1)
        #expect(Self.words(s.beginDrain()) == ["goaway 2147483647 shutdown", "ping drain", "drain timer 1000ms"])
        #expect(s.beginDrain().isEmpty)  // once
        _ = Self.open(&s, 2)  // still accepted: the client may not have seen the first GOAWAY
        #expect(Self.words(s.pongReceived(payload: 0)).isEmpty)  // a keepalive PONG
        #expect(Self.words(s.pongReceived(payload: 0x6A7A_7364_7261_696E)) == ["no drain timer", "goaway 2 shutdown", "drain timer 5000ms"])
        #expect(s.drain == .final(lastCallID: 2))
        #expect(Self.open(&s, 3, requestID: "r3") == ["trailers 3 UNAVAILABLE r3 rejected"])
        #expect(s.callFinished(1, code: .ok).map(Self.words) == ["released", "log OK"])
        guard case .start = s.messageReceived(callID: 2, endStream: true) else { Issue.record("call 2 did not start"); return }
        s.callStarting(2, requestBytes: 0)
        #expect(s.callFinished(2, code: .ok).map(Self.words) == ["log OK", "close"])
    }

    @Test("Drain without a PONG goes to phase two after its timer; phase two's timeout ends what is left")
    func drainTimeouts() {
        var s = Self.state()
        Self.run(&s, 1)
        _ = s.beginDrain()
        #expect(Self.words(s.drainTimerFired()) == ["no drain timer", "goaway 1 shutdown", "drain timer 5000ms"])
        #expect(Self.words(s.drainTimerFired()) == ["released", "trailers 1 DEADLINE_EXCEEDED c-1", "log DEADLINE_EXCEEDED", "close", "close"])
        var idle = Self.state()
        _ = idle.beginDrain()
        #expect(Self.words(idle.drainTimerFired()) == ["no drain timer", "goaway 0 shutdown", "close"])
    }

    @Test("Idle: the timer runs only with no call open, and closes with GOAWAY reason 2")
    func idle() {
        var s = ConnectionState(limits: Self.limits(), connectionID: "c", now: Self.t0)
        #expect(Self.words(s.handshakeCompleted(now: Self.t0)) == ["idle timer 60s"])
        Self.run(&s, 1)
        #expect(s.idleTimerFired().isEmpty)  // a call is open
        _ = s.callFinished(1, code: .ok)
        #expect(Self.words(s.idleTimerFired()) == ["goaway 1 idle", "close"])
    }

    @Test("A client's GOAWAY closes once its open calls end")
    func peerGoAway() {
        var s = Self.state()
        Self.run(&s, 1)
        #expect(s.goAwayReceived().isEmpty)
        #expect(s.callFinished(1, code: .ok).map(Self.words) == ["released", "log OK", "close"])
        var quiet = Self.state()
        #expect(Self.words(quiet.goAwayReceived()) == ["close"])
    }

    @Test("Keepalive: a silent peer gets a PING, and no answer within the timeout closes; any frame answers")
    func keepalive() {
        var s = Self.state()
        let sent = Self.t0 + .seconds(30)
        #expect(Self.words(s.keepaliveFired(now: sent, readingPaused: false)) == ["ping keepalive", "keepalive timeout 3s"])
        #expect(s.keepaliveFired(now: sent + .seconds(1), readingPaused: false).isEmpty)  // one PING outstanding at a time
        #expect(Self.words(s.keepaliveTimeoutFired(pingSent: sent, readingPaused: false)) == ["note", "close"])

        var t = Self.state()
        _ = t.keepaliveFired(now: sent, readingPaused: false)
        t.frameReceived()
        #expect(t.keepaliveTimeoutFired(pingSent: sent, readingPaused: false).isEmpty)
        #expect(t.keepaliveFired(now: sent + .seconds(30), readingPaused: false).isEmpty)  // it spoke since
        #expect(t.keepaliveFired(now: sent + .seconds(60), readingPaused: true).isEmpty)   // its frames wait unread
    }

    @Test("Guard verdicts close once, cancelling every running call; a closed connection drops finished calls")
    func closing() {
        var s = Self.state()
        Self.run(&s, 1)
        s.callStarted(1, task: Task {})
        #expect(Self.words(s.enforce(.close(.resourceLimit, "client certificate revoked"))) == ["note", "goaway 1 resourceLimit", "cancel task", "close"])
        #expect(s.enforce(.close(.resourceLimit, "again")).isEmpty)
        #expect(s.callFinished(1, code: .ok) == nil)
        #expect(s.tick(now: Self.t0 + .seconds(3600), queuedBytes: 0).isEmpty)
        var t = Self.state { $0.firstCallTimeout = .seconds(10) }
        #expect(Self.words(t.tick(now: Self.t0 + .seconds(10), queuedBytes: 0)) == ["note", "goaway 0 idle", "close"])
    }

    @Test("Metadata: too many entries, a bad key, an overlong value and a bad operator are refused")
    func metadata() throws {
        var l = Self.limits()
        l.maxMetadataValueBytes = 4
        let entry = { (k: String, v: String) in Wire.RPC.MetadataEntry(key: k, value: v) }
        #expect(try ConnectionState.validatedMetadata([entry("a", "1")], limits: l)["a"] == "1")
        let tooMany = (0...l.maxMetadataEntries).map { entry("k\($0)", "v") }
        #expect(throws: RPCError.self) { try ConnectionState.validatedMetadata(tooMany, limits: l) }
        #expect(throws: RPCError.self) { try ConnectionState.validatedMetadata([entry("Bad Key", "1")], limits: l) }
        #expect(throws: RPCError.self) { try ConnectionState.validatedMetadata([entry("a", "12345")], limits: l) }
        #expect(ConnectionState.operatorProblem("张三") == nil)
        #expect(ConnectionState.operatorProblem("  ") != nil)
        #expect(ConnectionState.operatorProblem("a\u{202E}b") != nil)
    }
}
