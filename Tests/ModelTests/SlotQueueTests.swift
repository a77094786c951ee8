import Pooling
import Testing

/// The bounded, cancellable queue that WorkPool and PGPool share: slots go to waiting callers
/// in the order they asked, a full queue refuses at once, a cancelled waiter leaves the queue
/// without taking a slot, and close refuses everyone waiting and everyone after.
@Suite("Slot queue")
struct SlotQueueTests {
    /// Waits until `queue` has `count` callers waiting (they queue from other tasks).
    static func waiters(_ queue: SlotQueue<Int>, _ count: Int) async throws {
        for _ in 0..<2_000 where queue.waiting != count { try await Task.sleep(for: .milliseconds(1)) }
        #expect(queue.waiting == count)
    }

    @Test("slots go to waiting callers in the order they asked; a full queue refuses at once")
    func orderAndBound() async throws {
        let queue = SlotQueue(slots: [7], queueLimit: 2)
        let held = try await queue.acquire()
        #expect(held == 7)
        let first = Task { try await queue.acquire() }
        try await Self.waiters(queue, 1)
        let second = Task { try await queue.acquire() }
        try await Self.waiters(queue, 2)
        await #expect(throws: SlotQueue<Int>.Refusal.full) { try await queue.acquire() }
        queue.release(held)
        let got = try await first.value
        #expect(got == 7)
        queue.release(got)
        #expect(try await second.value == 7)
    }

    @Test("a cancelled waiter leaves the queue and the slot goes to the next one")
    func cancelledWaiter() async throws {
        let queue = SlotQueue(slots: [1], queueLimit: 4)
        let held = try await queue.acquire()
        let gone = Task { try await queue.acquire() }
        try await Self.waiters(queue, 1)
        let next = Task { try await queue.acquire() }
        try await Self.waiters(queue, 2)
        gone.cancel()
        await #expect(throws: CancellationError.self) { try await gone.value }
        #expect(queue.waiting == 1)
        queue.release(held)
        #expect(try await next.value == 1)
    }

    @Test("close refuses the waiting callers and every later one")
    func close() async throws {
        let queue = SlotQueue(slots: [1], queueLimit: 4)
        _ = try await queue.acquire()
        let waiting = Task { try await queue.acquire() }
        try await Self.waiters(queue, 1)
        queue.close()
        await #expect(throws: SlotQueue<Int>.Refusal.closed) { try await waiting.value }
        await #expect(throws: SlotQueue<Int>.Refusal.closed) { try await queue.acquire() }
    }
}
