internal import Synchronization

/// A fixed set of slots lent one caller at a time, with a bounded, cancellable queue of callers
/// waiting for one: what ``WorkPool`` (password hashing) and `PGPool` (PostgreSQL connections)
/// both need, written once.
///
/// Bounded so that nobody can stop the service by flooding it: a full queue refuses at once
/// (``Refusal/full``), a caller whose task is cancelled while it waits leaves the queue (the
/// slot goes to the next one), and ``close()`` refuses every waiting and later caller.
/// Slots are handed over in the order callers asked.
///
/// ```swift
/// let connections = SlotQueue(slots: [0, 1, 2, 3], queueLimit: 1024)
/// let index = try await connections.acquire()
/// defer { connections.release(index) }
/// ```
public final class SlotQueue<Slot: Sendable>: Sendable {
    /// Why ``acquire()`` gave no slot (besides `CancellationError`).
    public enum Refusal: Error, Sendable {
        /// `queueLimit` callers already wait.
        case full
        /// ``close()`` was called.
        case closed
    }

    private struct State {
        var free: [Slot]
        var nextWaiter = 0
        var waiters: [(id: Int, continuation: CheckedContinuation<Slot, any Error>)] = []
        var closed = false
    }

    /// What ``acquire()`` does, decided under the lock.
    private enum Decision {
        case go(Slot)
        case refuse(Refusal)
        case wait(Int)
    }

    private let queueLimit: Int
    private let state: Mutex<State>

    /// - Parameters:
    ///   - slots: what is lent; the last one goes out first.
    ///   - queueLimit: callers that may wait at once (0: none).
    public init(slots: [Slot], queueLimit: Int) {
        self.queueLimit = max(0, queueLimit)
        state = Mutex(State(free: slots))
    }

    /// Callers waiting now (for tests and metrics).
    public var waiting: Int { state.withLock { $0.waiters.count } }

    /// A free slot, waiting for one if need be. Give it back with ``release(_:)``.
    /// - Throws: ``Refusal``, or `CancellationError` when the caller's task is cancelled first.
    public func acquire() async throws -> Slot {
        let decision: Decision = state.withLock { s in
            if s.closed { return .refuse(.closed) }
            if let slot = s.free.popLast() { return .go(slot) }
            if s.waiters.count >= queueLimit { return .refuse(.full) }
            s.nextWaiter += 1
            return .wait(s.nextWaiter)
        }
        switch decision {
        case .go(let slot): return slot
        case .refuse(let refusal): throw refusal
        case .wait(let id):
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (c: CheckedContinuation<Slot, any Error>) in
                    let refusal = state.withLock { s -> (any Error)? in
                        if s.closed { return Refusal.closed }
                        if Task.isCancelled { return CancellationError() }
                        s.waiters.append((id, c))
                        return nil
                    }
                    if let refusal { c.resume(throwing: refusal) }
                }
            } onCancel: {
                let c = state.withLock { s -> CheckedContinuation<Slot, any Error>? in
                    guard let i = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                    return s.waiters.remove(at: i).continuation
                }
                c?.resume(throwing: CancellationError())
            }
        }
    }

    /// Hands `slot` to the next waiter, or frees it.
    public func release(_ slot: Slot) {
        let next = state.withLock { s -> CheckedContinuation<Slot, any Error>? in
            if s.waiters.isEmpty {
                s.free.append(slot)
                return nil
            }
            return s.waiters.removeFirst().continuation
        }
        next?.resume(returning: slot)
    }

    /// Refuses every waiting caller and every later ``acquire()`` with ``Refusal/closed``.
    public func close() {
        let waiters = state.withLock { s in
            s.closed = true
            defer { s.waiters.removeAll() }
            return s.waiters
        }
        for waiter in waiters { waiter.continuation.resume(throwing: Refusal.closed) }
    }
}
