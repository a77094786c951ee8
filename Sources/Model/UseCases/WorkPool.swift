public import Foundation

/// Runs CPU-heavy work (password hashing) off the event loops, at most `width` at a time; the
/// rest wait their turn instead of piling threads onto two cores.
public final class WorkPool: Sendable {
    private let queue: DispatchQueue
    private let slots: Slots

    public init(label: String, width: Int) {
        queue = DispatchQueue(label: label, attributes: .concurrent)
        slots = Slots(width)
    }

    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        await slots.acquire()
        defer { Task { await slots.release() } }
        return try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try work() }) }
        }
    }

    private actor Slots {
        private var free: Int
        private var waiters: [CheckedContinuation<Void, Never>] = []
        init(_ width: Int) { free = max(1, width) }

        func acquire() async {
            if free > 0 { free -= 1; return }
            await withCheckedContinuation { waiters.append($0) }
        }

        func release() {
            if waiters.isEmpty { free += 1 } else { waiters.removeFirst().resume() }
        }
    }
}
