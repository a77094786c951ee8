public import Foundation
internal import Synchronization

/// Audit rows for refused calls (PERMISSION_DENIED, UNAUTHENTICATED), written in batches.
///
/// A denial changes nothing, so it needs no transaction of its own: rows wait in a bounded
/// buffer and one write appends up to `batch` of them. A flood of denials therefore costs one
/// durable write per batch, not per call; past `capacity` waiting rows the surplus is counted
/// and recorded as one summary row, so the log says that it happened without letting an
/// attacker drive the single writer.
public final class DenialAudit: Sendable {
    private struct State {
        var pending: [AuditEntry] = []
        var dropped = 0
        var flushing = false
        var writing = 0
    }

    private let store: any RegistryStore
    private let capacity: Int
    private let batch: Int
    private let state = Mutex(State())

    public convenience init(database: RegistryDatabase, capacity: Int = 10_000, batch: Int = 500) {
        self.init(store: database.store, capacity: capacity, batch: batch)
    }

    /// - Parameter store: the engine the rows are appended through (``AuditStore``).
    public init(store: any RegistryStore, capacity: Int = 10_000, batch: Int = 500) {
        self.store = store
        self.capacity = capacity
        self.batch = batch
    }

    /// Queues one row; a background write appends it shortly.
    public func record(_ entry: AuditEntry) {
        let start = state.withLock { s -> Bool in
            if s.pending.count >= capacity { s.dropped += 1 } else { s.pending.append(entry) }
            guard !s.flushing else { return false }
            s.flushing = true
            return true
        }
        if start { Task { await flush() } }
    }

    /// Writes everything queued, and returns once every row queued before the call is written
    /// (tests call it to wait for the rows).
    public func flush() async {
        while true {
            let (rows, dropped) = state.withLock { s -> ([AuditEntry], Int) in
                let rows = Array(s.pending.prefix(batch))
                s.pending.removeFirst(rows.count)
                let dropped = s.dropped
                s.dropped = 0
                if rows.isEmpty && dropped == 0 { s.flushing = false } else { s.writing += 1 }
                return (rows, dropped)
            }
            if rows.isEmpty && dropped == 0 { break }
            var entries = rows
            if dropped > 0 {
                entries.append(AuditEntry(at: Date(), caller: "jzsd", tenant: "-", method: "-", target: "-",
                                          result: "\(dropped) further denials not recorded one by one (audit queue full)", requestID: "-"))
            }
            let toWrite = entries
            try? await store.write { tx in try tx.audit.append(toWrite) }
            state.withLock { $0.writing -= 1 }
        }
        // Another flush may still be writing rows it took earlier.
        while state.withLock({ $0.writing > 0 }) {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }
}
