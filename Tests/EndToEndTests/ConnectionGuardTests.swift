import NIOCore
import Proto
import RPCServer
import Testing

/// The connection's limits as plain values, without sockets: budgets, timeouts, back-pressure.
@Suite("Connection limits without sockets")
struct ConnectionGuardTests {
    static let t0 = NIODeadline.uptimeNanoseconds(1_000_000_000)

    static func limits(_ change: (inout Limits) -> Void = { _ in }) -> Limits {
        var l = Limits()
        l.cancelBurst = 3
        l.cancelsPerSecond = 1
        l.pingBurst = 2
        l.pingsPerSecond = 1
        l.firstCallTimeout = .seconds(10)
        l.frameReadTimeout = .seconds(5)
        l.writeStallTimeout = .seconds(7)
        change(&l)
        return l
    }

    @Test("A token bucket allows its burst, then its rate")
    func bucket() {
        var b = TokenBucket(burst: 2, perSecond: 1, now: Self.t0)
        var taken: [Bool] = []
        for offset in [0, 0, 0, 500, 1100] { taken.append(b.take(now: Self.t0 + .milliseconds(Int64(offset)))) }
        #expect(taken == [true, true, false, false, true])
    }

    @Test("Cancels and pings over their budget close the connection with reason 3")
    func budgets() {
        var g = ConnectionGuard(limits: Self.limits(), now: Self.t0)
        for _ in 0..<3 { #expect(g.cancelled(now: Self.t0) == .proceed) }
        #expect(g.cancelled(now: Self.t0) == .close(.resourceLimit, "too many cancelled or refused calls"))
        for _ in 0..<2 { #expect(g.pinged(now: Self.t0) == .proceed) }
        #expect(g.pinged(now: Self.t0) == .close(.resourceLimit, "too many pings"))
    }

    @Test("No call within the first-call timeout closes with reason 2; a call in time disarms it")
    func firstCall() {
        var g = ConnectionGuard(limits: Self.limits(), now: Self.t0)
        g.handshakeCompleted(now: Self.t0)
        #expect(g.tick(now: Self.t0 + .seconds(9), queuedBytes: 0) == .proceed)
        #expect(g.tick(now: Self.t0 + .seconds(10), queuedBytes: 0) == .close(.idle, "no call within the first-call timeout"))
        g.callOpened()
        #expect(g.tick(now: Self.t0 + .seconds(60), queuedBytes: 0) == .proceed)
    }

    @Test("The frame-read timeout runs per frame: a completed frame restarts it")
    func frameRead() {
        var g = ConnectionGuard(limits: Self.limits(), now: Self.t0)
        g.inbound(partialFrame: true, frameCompleted: false, now: Self.t0)
        g.inbound(partialFrame: true, frameCompleted: true, now: Self.t0 + .seconds(4))   // a frame completed, the next began
        #expect(g.tick(now: Self.t0 + .seconds(8), queuedBytes: 0) == .proceed)
        #expect(g.tick(now: Self.t0 + .seconds(9), queuedBytes: 0) == .close(.protocolError, "frame not completed within the frame-read timeout"))
        g.inbound(partialFrame: false, frameCompleted: true, now: Self.t0 + .seconds(9))
        #expect(g.tick(now: Self.t0 + .seconds(60), queuedBytes: 0) == .proceed)
    }

    @Test("Bytes queued with no write progress for the write-stall timeout close without GOAWAY")
    func writeStall() {
        var g = ConnectionGuard(limits: Self.limits(), now: Self.t0)
        #expect(g.tick(now: Self.t0 + .seconds(60), queuedBytes: 0) == .proceed)  // nothing queued: no stall
        g.writeProgress(now: Self.t0 + .seconds(60))
        #expect(g.tick(now: Self.t0 + .seconds(66), queuedBytes: 100) == .proceed)
        #expect(g.tick(now: Self.t0 + .seconds(67), queuedBytes: 100) == .close(nil, "peer stopped reading (write-stall timeout)"))
    }

    @Test("The outbound budget makes responses wait over its limit and wakes them below half of it")
    func outboundBudget() async throws {
        let budget = OutboundBudget(limit: 100)
        budget.add(60)
        try await budget.waitForRoom()          // under the limit: no wait
        budget.add(60)
        #expect(budget.isOver)
        let waiter = Task { try await budget.waitForRoom(); return budget.queued }
        try await Task.sleep(for: .milliseconds(50))
        budget.release(30)                      // 90: still above half
        try await Task.sleep(for: .milliseconds(50))
        budget.release(50)                      // 40: below half, the waiter goes
        #expect(try await waiter.value == 40)
        budget.add(200)
        let closed = Task { try await budget.waitForRoom() }
        try await Task.sleep(for: .milliseconds(50))
        budget.close()
        await #expect(throws: CancellationError.self) { try await closed.value }
    }
}
