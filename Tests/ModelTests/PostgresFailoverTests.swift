import Foundation
@testable import Model
import PostgresRegistry
import PostgresStore
import PostgresTestSupport
import Testing

/// Issue #10, deliverable 4: the primary dies in the middle of a batch, the synchronous standby is
/// promoted, and the node carries on by itself through its multi-host URL. The batch is the
/// idempotent, audited kind the use cases run (`Idempotency.once` plus an audit row per item),
/// retried with the same keys the way a client retries after UNAVAILABLE.
@Suite("PostgreSQL: failover during a batch")
struct PostgresFailoverTests {
    @Test("Primary killed mid-batch, standby promoted: no acknowledged item lost, none applied twice, the audit chain verifies")
    func failoverDuringBatch() async throws {
        let primary = try await PostgresCluster.start()
        let url = try await primary.makeDatabase()
        let database = String(url.split(separator: "/").last!)
        let standby = try await primary.startStandby(name: "standby1", synchronous: true)
        defer { Task { await standby.destroy(); await primary.destroy() } }
        let hosts = "127.0.0.1:\(primary.port),127.0.0.1:\(standby.port)"
        let node = try await PostgresRegistryStore.open(url: "postgresql://\(PostgresCluster.superuser)@\(hosts)/\(database)", connections: 4)
        defer { node.close() }

        /// One batch item: applied once per key; the answer names the attempt that applied it.
        @Sendable func item(_ i: Int, attempt: Int) async throws -> String {
            try await node.write { tx in
                try Idempotency.once(principal: "ministry", key: "decide-\(i)", method: "/batch", request: "item \(i)", at: Date(),
                                     in: tx.idempotency) {
                    try tx.audit.append(AuditEntry(at: Date(), caller: "ministry", tenant: "nationwide", method: "/batch",
                                                   target: "item:\(i)", result: "applied", requestID: "attempt-\(attempt)"))
                    return "item \(i) applied by attempt \(attempt)"
                }
            }
        }

        var acknowledged: [Int: String] = [:]
        var failures = 0
        var promoted = false
        for i in 0..<200 {
            if i == 80 { try await primary.stop(mode: "immediate") }   // the crash, mid-batch
            var attempt = 0
            while acknowledged[i] == nil {
                attempt += 1
                do {
                    acknowledged[i] = try await item(i, attempt: attempt)
                } catch let error as RegistryError {
                    // The outage is told as one (UNAVAILABLE or UNKNOWN on the wire), never as INTERNAL.
                    switch error {
                    case .storeUnavailable, .outcomeUnknown: break
                    default: throw error
                    }
                    guard attempt < 200 else { throw error }
                    failures += 1
                    if failures == 5, !promoted {   // the operator (or a cluster manager) promotes the standby
                        try await standby.promote()
                        promoted = true
                    }
                    try await Task.sleep(for: .milliseconds(50))   // a client's retry with the same key
                }
            }
        }
        #expect(failures > 0, "the crash was felt")

        // Every acknowledged item is on the promoted standby exactly once, with the answer the client got.
        let stored = try await node.read { tx in
            try (0..<200).map { i in try tx.idempotency.stored(principal: "ministry", key: "decide-\(i)") != nil }
        }
        #expect(stored.allSatisfy { $0 })
        #expect(try await node.verifyAudit() == .intact(rows: 200))
        let retried = try await (0..<200).asyncMap { try await item($0, attempt: 999) }
        #expect(retried == (0..<200).map { acknowledged[$0]! })
        #expect(try await node.verifyAudit() == .intact(rows: 200))
    }
}

extension Sequence where Element: Sendable {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
