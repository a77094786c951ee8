public import Foundation
internal import Synchronization

/// Runs CPU-heavy work (password hashing) off the event loops, at most `width` at a time, with
/// at most `queueLimit` callers waiting for a turn.
///
/// Bounded so that nobody can stop all logins by flooding it: a full queue refuses at once
/// (``Full``), and a caller that gives up (its task is cancelled: deadline, CANCEL, closed
/// connection) leaves the queue, and its work never runs.
public final class WorkPool: Sendable {
    /// The queue is full: try again later.
    public struct Full: Error, Sendable {}

    private struct State {
        var free: Int
        var nextWaiter = 0
        var waiters: [(id: Int, continuation: CheckedContinuation<Void, any Error>)] = []
        var completed = 0
    }

    private let queue: DispatchQueue
    private let queueLimit: Int
    private let state: Mutex<State>

    public init(label: String, width: Int, queueLimit: Int = 32) {
        queue = DispatchQueue(label: label, attributes: .concurrent)
        self.queueLimit = max(0, queueLimit)
        state = Mutex(State(free: max(1, width)))
    }

    /// Works that have run to completion (for tests: what was really evaluated).
    public var completed: Int { state.withLock { $0.completed } }

    /// Runs `work` when a slot is free.
    /// - Throws: ``Full`` when `queueLimit` callers already wait; `CancellationError` when the
    ///   caller's task is cancelled before the work starts; or what `work` throws.
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await acquire()
        do {
            try Task.checkCancellation()  // the caller may have gone while it waited
        } catch {
            release()
            throw error
        }
        defer { release() }
        let result = try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
        state.withLock { $0.completed += 1 }
        return result
    }

    private func acquire() async throws {
        enum Decision { case go, full, wait(Int) }
        let decision: Decision = state.withLock { s in
            if s.free > 0 { s.free -= 1; return .go }
            if s.waiters.count >= queueLimit { return .full }
            s.nextWaiter += 1
            return .wait(s.nextWaiter)
        }
        switch decision {
        case .go: return
        case .full: throw Full()
        case .wait(let id):
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                    let cancelled = state.withLock { s -> Bool in
                        if Task.isCancelled { return true }
                        s.waiters.append((id, c))
                        return false
                    }
                    if cancelled { c.resume(throwing: CancellationError()) }
                }
            } onCancel: {
                let c = state.withLock { s -> CheckedContinuation<Void, any Error>? in
                    guard let i = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                    return s.waiters.remove(at: i).continuation
                }
                c?.resume(throwing: CancellationError())
            }
        }
    }

    /// Hands the slot to the next waiter, or frees it.
    private func release() {
        let next = state.withLock { s -> CheckedContinuation<Void, any Error>? in
            if s.waiters.isEmpty { s.free += 1; return nil }
            return s.waiters.removeFirst().continuation
        }
        next?.resume()
    }
}
