internal import Synchronization

/// Bytes a connection has queued for its peer but not yet written to the socket, shared by the
/// connection (event loop) and its calls' tasks.
///
/// Every answer, stream message and control frame is counted from the moment it is produced
/// (``add(_:)``, before the hop to the event loop) until the socket has taken it
/// (``release(_:)``). Responses call ``waitForRoom()`` first: over the limit they suspend
/// instead of queueing, and resume once the queue has drained below half of it.
package final class OutboundBudget: Sendable {
    private struct State {
        var queued = 0
        var closed = false
        var nextWaiter = 0
        var waiters: [Int: CheckedContinuation<Void, any Error>] = [:]
    }

    package let limit: Int
    private let state = Mutex(State())

    package init(limit: Int) {
        self.limit = max(limit, 1)
    }

    /// Bytes queued now.
    package var queued: Int { state.withLock { $0.queued } }

    /// True while the queue is at or over the limit.
    package var isOver: Bool { state.withLock { $0.queued >= limit } }

    /// True once the queue is below half the limit (where paused reading resumes).
    package var hasDrained: Bool { state.withLock { $0.queued < limit / 2 } }

    /// Counts `bytes` as queued.
    package func add(_ bytes: Int) {
        state.withLock { $0.queued += bytes }
    }

    /// Counts `bytes` as written; wakes the waiting responses once below half the limit.
    /// - Returns: true when the queue just went below half the limit (reading may resume).
    @discardableResult
    package func release(_ bytes: Int) -> Bool {
        let woken: [CheckedContinuation<Void, any Error>]? = state.withLock { s in
            let wasAbove = s.queued >= limit / 2
            s.queued = max(0, s.queued - bytes)
            guard wasAbove, s.queued < limit / 2 else { return nil }
            let w = Array(s.waiters.values)
            s.waiters.removeAll()
            return w
        }
        guard let woken else { return false }
        for w in woken { w.resume() }
        return true
    }

    /// Returns at once while under the limit; otherwise suspends until the queue drains below
    /// half of it, the connection closes (throws), or the task is cancelled (throws).
    package func waitForRoom() async throws {
        if state.withLock({ $0.queued < limit && !$0.closed }) { return }
        let id = state.withLock { s -> Int in s.nextWaiter += 1; return s.nextWaiter }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                let action: Result<Void, any Error>? = state.withLock { s in
                    if s.closed { return .failure(CancellationError()) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if s.queued < limit { return .success(()) }
                    s.waiters[id] = c
                    return nil
                }
                if let action { c.resume(with: action) }
            }
        } onCancel: {
            let c = state.withLock { $0.waiters.removeValue(forKey: id) }
            c?.resume(throwing: CancellationError())
        }
    }

    /// The connection closed: every waiter fails, and no one waits again.
    package func close() {
        let woken = state.withLock { s in
            s.closed = true
            let w = Array(s.waiters.values)
            s.waiters.removeAll()
            return w
        }
        for w in woken { w.resume(throwing: CancellationError()) }
    }
}
