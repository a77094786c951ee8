public import Foundation
internal import Synchronization
internal import Pooling

/// Runs CPU-heavy work (password hashing) off the event loops, at most `width` at a time, with
/// at most `queueLimit` callers waiting for a turn.
///
/// Bounded so that nobody can stop all logins by flooding it: a full queue refuses at once
/// (``Full``), and a caller that gives up (its task is cancelled: deadline, CANCEL, closed
/// connection) leaves the queue, and its work never runs.
public final class WorkPool: Sendable {
    /// The queue is full: try again later.
    public struct Full: Error, Sendable {}

    private let queue: DispatchQueue
    private let turns: SlotQueue<Int>
    private let completedCount = Mutex(0)

    public init(label: String, width: Int, queueLimit: Int = 32) {
        queue = DispatchQueue(label: label, attributes: .concurrent)
        turns = SlotQueue(slots: Array(0..<max(1, width)), queueLimit: queueLimit)
    }

    /// Callers waiting for a turn now (for tests).
    package var waiting: Int { turns.waiting }

    /// Works that have run to completion (for tests: what was really evaluated).
    public var completed: Int { completedCount.withLock { $0 } }

    /// Runs `work` when a slot is free.
    /// - Throws: ``Full`` when `queueLimit` callers already wait; `CancellationError` when the
    ///   caller's task is cancelled before the work starts; or what `work` throws.
    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let turn: Int
        do {
            turn = try await turns.acquire()
        } catch is SlotQueue<Int>.Refusal {
            throw Full()   // a WorkPool is never closed: the only refusal is a full queue
        }
        defer { turns.release(turn) }
        try Task.checkCancellation()  // the caller may have gone while it waited
        let result = try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
        completedCount.withLock { $0 += 1 }
        return result
    }
}
