internal import Dispatch
internal import Synchronization
internal import Pooling

/// A bounded pool of ``PGConnection``s whose units of work run off the caller's thread.
///
/// libpq blocks, so every unit of work runs on its connection's own serial dispatch queue (one
/// thread while busy), never on a NIO event loop or Swift's cooperative pool — the way GRDB
/// runs SQLite's units of work. At most `size` units run at once; up to `queueLimit` callers
/// wait for a turn (then ``PGError/poolBusy``); a caller cancelled while waiting leaves the queue.
///
/// ```swift
/// let pool = PGPool(url: "postgresql://jzs@db1:5432,db2:5432/jzs?target_session_attrs=read-write", size: 8)
/// let id = try await pool.write { tx in
///     try tx.queryOne("INSERT INTO t (name) VALUES ($1) RETURNING id", "名称")!.decode(Int64.self, at: 0)
/// }
/// ```
///
/// Connections open lazily and reopen by themselves: a connection that broke (server restart,
/// failover) is dropped after its unit of work, and when BEGIN finds a pooled connection dead
/// the unit is started again once on a new connection (nothing had run yet). libpq walks the
/// URL's hosts on each new connection, so a promoted standby is found without configuration.
/// A connection lost after BEGIN is not retried here: the unit of work fails with
/// ``PGError/connectionLost(_:)`` (nothing committed) or ``PGError/commitOutcomeUnknown(_:)``.
///
/// A unit of work that the server rolled back because of another transaction (a deadlock
/// between two nodes' writers, a serialization failure) runs again whole, after a short random
/// pause, up to ``conflictAttempts`` times in all: nothing of it was committed, and its body is
/// a `@Sendable` closure that keeps no state between runs.
public final class PGPool: Sendable {
    /// One connection and the queue its work runs on.
    /// `@unchecked Sendable`: `connection` is touched only on `queue`, which is serial.
    private final class Slot: @unchecked Sendable {
        let queue: DispatchQueue
        var connection: PGConnection?
        var hadConnection = false
        init(index: Int) { queue = DispatchQueue(label: "jzs.postgres.\(index)") }
    }

    /// How many times in all a unit of work runs when the server rolls it back for a conflict
    /// with another transaction (``PGError/isConflict``).
    public static let conflictAttempts = 3

    /// The libpq URL (or `key=value` string) every connection is opened with.
    public let url: String
    private let slots: [Slot]
    /// Lends the slots' indexes, one caller at a time, with the bounded queue of waiting callers.
    private let free: SlotQueue<Int>
    private let reconnectCount = Atomic<Int>(0)
    private let conflictRetryCount = Atomic<Int>(0)

    /// - Parameters:
    ///   - url: a libpq connection URL, multi-host allowed.
    ///   - size: connections at most (and units of work at once).
    ///   - queueLimit: callers that may wait for a connection before ``PGError/poolBusy``.
    public init(url: String, size: Int = 4, queueLimit: Int = 1024) {
        self.url = url
        let size = max(1, size)
        slots = (0..<size).map(Slot.init)
        free = SlotQueue(slots: Array((0..<size).reversed()), queueLimit: queueLimit)
    }

    /// How many times a connection was opened again after one broke (for tests and metrics).
    public var reconnects: Int { reconnectCount.load(ordering: .relaxed) }

    /// How many units of work ran again after a conflict (for tests and metrics).
    public var conflictRetries: Int { conflictRetryCount.load(ordering: .relaxed) }

    /// Whether a probe's connection attempt is under way (for tests and metrics).
    public var isProbing: Bool { probing.load(ordering: .acquiring) }

    /// Callers waiting for a connection now (for tests and metrics).
    public var waitingCallers: Int { free.waiting }

    /// Runs `body` in a write transaction; COMMIT when it returns, ROLLBACK when it throws.
    /// - Throws: what `body` throws, or ``PGError`` (see ``PGConnection/transaction(_:_:)``).
    @discardableResult
    public func write<T: Sendable>(isolation: PGIsolation = .readCommitted,
                                   _ body: @escaping @Sendable (PGTransaction) throws -> T) async throws -> T {
        try await unit(.write(isolation), body)
    }

    /// Runs `body` in a read-only transaction.
    /// - Throws: what `body` throws, or ``PGError``.
    @discardableResult
    public func read<T: Sendable>(_ body: @escaping @Sendable (PGTransaction) throws -> T) async throws -> T {
        try await unit(.read, body)
    }

    /// Lends a connection outside any transaction (migrations, `CREATE DATABASE`, maintenance).
    /// - Throws: what `body` throws, or ``PGError/connectionFailed(_:)``.
    @discardableResult
    public func withConnection<T: Sendable>(_ body: @escaping @Sendable (PGConnection) throws -> T) async throws -> T {
        try await onSlot { slot in
            let connection = try self.connection(in: slot)
            return try body(connection)
        }
    }

    /// Whether a writable primary answers within `timeout`: a new connection of its own (not a
    /// pooled one, so a pool busy with long units of work does not read as an outage),
    /// `pg_is_in_recovery()` false. The blocking libpq calls run on the probe's own dispatch queue;
    /// an answer later than `timeout` (a host that accepts and then hangs, a network black hole)
    /// counts as unreachable, and while that probe still hangs the next ones answer false at once
    /// instead of queueing behind it. A cancelled caller gets false at once. For health checks
    /// (``PostgresRegistryStore/probe()``).
    public func probe(timeout: Duration = .seconds(3)) async -> Bool {
        guard probing.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return false }
        let url = self.url
        let answer = ProbeAnswer()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                answer.wait(continuation)
                Self.probeQueue.async {
                    let writable = (try? PGConnection(url: url).query("SELECT pg_is_in_recovery()").first?.decode(Bool.self, at: 0)) == false
                    self.probing.store(false, ordering: .releasing)
                    answer.give(writable)
                }
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(Int(timeout / .milliseconds(1)))) { answer.give(false) }
            }
        } onCancel: {
            answer.give(false)   // a server shutting down does not wait for a hanging host
        }
    }

    private static let probeQueue = DispatchQueue(label: "jzs.postgres.probe")
    private let probing = Atomic<Bool>(false)

    /// The first of the probe's result and its timeout resumes the caller; the other is ignored.
    private final class ProbeAnswer: Sendable {
        private let state = Mutex<(continuation: CheckedContinuation<Bool, Never>?, given: Bool?)>((nil, nil))

        func wait(_ continuation: CheckedContinuation<Bool, Never>) {
            let given = state.withLock { s -> Bool? in
                if s.given == nil { s.continuation = continuation }
                return s.given
            }
            if let given { continuation.resume(returning: given) }
        }

        func give(_ value: Bool) {
            let continuation = state.withLock { s -> CheckedContinuation<Bool, Never>? in
                guard s.given == nil else { return nil }
                s.given = value
                defer { s.continuation = nil }
                return s.continuation
            }
            continuation?.resume(returning: value)
        }
    }

    /// Closes every connection; waiting and later callers get ``PGError/poolClosed``.
    public func close() {
        free.close()
        for slot in slots { slot.queue.async { slot.connection = nil } }
    }

    // MARK: - Internals

    private func unit<T: Sendable>(_ mode: PGTransactionMode,
                                   _ body: @escaping @Sendable (PGTransaction) throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await unitOnce(mode, body)
            } catch let error as PGError where error.isConflict && attempt < Self.conflictAttempts {
                conflictRetryCount.add(1, ordering: .relaxed)
                try await Task.sleep(for: .milliseconds(Int.random(in: 1...20) * attempt))
                attempt += 1
            }
        }
    }

    private func unitOnce<T: Sendable>(_ mode: PGTransactionMode,
                                       _ body: @escaping @Sendable (PGTransaction) throws -> T) async throws -> T {
        try await onSlot { slot in
            var connection = try self.connection(in: slot)
            do {
                try connection.executeScript(mode.begin)
            } catch let error as PGError where error.needsReconnect {
                slot.connection = nil   // died while idle (restart, failover): BEGIN again on a new one
                connection = try self.connection(in: slot)
                try connection.executeScript(mode.begin)
            }
            return try connection.finishTransaction(body)
        }
    }

    /// The slot's connection, opened if missing or broken. Runs on the slot's queue.
    private func connection(in slot: Slot) throws(PGError) -> PGConnection {
        if let connection = slot.connection, !connection.isBroken { return connection }
        slot.connection = nil
        let connection = try PGConnection(url: url)
        if slot.hadConnection { reconnectCount.add(1, ordering: .relaxed) }
        slot.hadConnection = true
        slot.connection = connection
        return connection
    }

    /// Takes a free slot (waiting for one), runs `work` on its queue, drops a broken connection, frees the slot.
    private func onSlot<T: Sendable>(_ work: @escaping @Sendable (Slot) throws -> T) async throws -> T {
        let index = try await acquire()
        defer { free.release(index) }
        let slot = slots[index]
        return try await withCheckedThrowingContinuation { continuation in
            slot.queue.async {
                let result = Result { try work(slot) }
                if slot.connection?.isBroken == true { slot.connection = nil }   // the next unit opens a new one
                continuation.resume(with: result)
            }
        }
    }

    private func acquire() async throws -> Int {
        do {
            return try await free.acquire()
        } catch SlotQueue<Int>.Refusal.full {
            throw PGError.poolBusy
        } catch SlotQueue<Int>.Refusal.closed {
            throw PGError.poolClosed
        }
    }
}
