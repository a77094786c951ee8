import Foundation
@testable import Model
import PostgresRegistry
import PostgresStore
import PostgresTestSupport
import Synchronization
import Testing

/// Several jzsd nodes on one PostgreSQL (issue #10, deliverable 3): each node is its own pool,
/// and what SQLite's single writer serialised must now be serialised by the database.
@Suite("PostgreSQL: two nodes on one database")
struct PostgresNodesTests {
    /// Two "nodes" (pools) on one fresh, migrated database.
    static func twoNodes() async throws -> (PostgresRegistryStore, PostgresRegistryStore) {
        let url = try await PostgresCluster.shared().makeDatabase()
        let a = try await PostgresRegistryStore.open(url: url, connections: 4)
        let b = try await PostgresRegistryStore.open(url: url, connections: 4)   // migrating again finds nothing to do
        return (a, b)
    }

    static func entry(_ node: String, _ i: Int) -> AuditEntry {
        AuditEntry(at: Date(), caller: "node-\(node)", tenant: "ministry", method: "/test", target: "t\(i)", result: "OK", requestID: "r\(i)")
    }

    @Test("Audit rows written from two nodes at once form one chain that verifies")
    func auditChainDoesNotFork() async throws {
        let (a, b) = try await Self.twoNodes()
        defer { a.pool.close(); b.pool.close() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<200 {
                let (node, name) = i.isMultiple(of: 2) ? (a, "a") : (b, "b")
                group.addTask {
                    try await node.write { tx in try tx.audit.append([Self.entry(name, i), Self.entry(name, i + 1000)]) }
                }
            }
            try await group.waitForAll()
        }
        #expect(try await a.verifyAudit() == .intact(rows: 400))
        #expect(try await b.verifyAudit() == .intact(rows: 400))
    }

    @Test("The audit log refuses UPDATE, DELETE and TRUNCATE (trigger), and verify names a forged row")
    func auditAppendOnly() async throws {
        let (a, b) = try await Self.twoNodes()
        defer { a.pool.close(); b.pool.close() }
        try await a.write { tx in try tx.audit.append([Self.entry("a", 1), Self.entry("a", 2)]) }
        for sql in ["UPDATE audit_log SET result = 'forged'", "DELETE FROM audit_log", "TRUNCATE audit_log"] {
            await #expect(throws: PGError.self) { try await a.pool.write { tx in try tx.execute(sql) } }
        }
        #expect(try await a.verifyAudit() == .intact(rows: 2))
        // Around the triggers (as a superuser could): the chain names the first forged row.
        try await a.pool.withConnection { c in
            try c.executeScript("""
                ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update;
                UPDATE audit_log SET result = 'forged' WHERE id = 2;
                ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update;
                """)
        }
        #expect(try await b.verifyAudit() == .broken(rowID: 2, reason: "content does not match its hash"))
    }

    @Test("One idempotency key retried on both nodes at once runs its change once; both get the one answer")
    func idempotencyAcrossNodes() async throws {
        let (a, b) = try await Self.twoNodes()
        defer { a.pool.close(); b.pool.close() }
        let runs = RunCounter()
        let answers = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<20 {
                let node = i.isMultiple(of: 2) ? a : b
                group.addTask {
                    try await node.write { tx in
                        try Idempotency.once(principal: "enterprise:e1", key: "batch-7", method: "/m", request: "same", at: Date(),
                                             in: tx.idempotency) {
                            runs.count.add(1, ordering: .relaxed)
                            try tx.audit.append(Self.entry("x", i))
                            return "answer-\(i)"
                        }
                    }
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(runs.count.load(ordering: .relaxed) == 1)
        #expect(Set(answers).count == 1)
        #expect(try await a.verifyAudit() == .intact(rows: 1))
    }

    @Test("Two nodes allocating 注册编号 serials of one province at once never get the same one (2 × 100 → 200 distinct, 1…200)")
    func serialsAcrossNodes() async throws {
        let (a, b) = try await Self.twoNodes()
        defer { a.pool.close(); b.pool.close() }
        let serials = try await withThrowingTaskGroup(of: Int?.self) { group in
            for i in 0..<200 {
                let node = i.isMultiple(of: 2) ? a : b
                group.addTask { try await node.write { tx in try tx.registrations.nextSerial(province: 11, max: 99_999) } }
            }
            return try await group.reduce(into: [Int?]()) { $0.append($1) }
        }
        let given = serials.compactMap { $0 }
        #expect(given.count == 200)
        #expect(Set(given) == Set(1...200))
        // Both nodes see the same counter afterwards.
        #expect(try await b.write { tx in try tx.registrations.nextSerial(province: 11, max: 99_999) } == 201)
    }

    @Test("Two nodes allocating serials in runs at once never share one (runs of 1…7 from both nodes: one contiguous 1…N)")
    func serialRunsAcrossNodes() async throws {
        let (a, b) = try await Self.twoNodes()
        defer { a.pool.close(); b.pool.close() }
        let runs = try await withThrowingTaskGroup(of: [Int].self) { group in
            for i in 0..<60 {
                let node = i.isMultiple(of: 2) ? a : b
                group.addTask { try await node.write { tx in Array(try tx.registrations.nextSerials(province: 11, count: 1 + i % 7, max: 99_999)) } }
            }
            return try await group.reduce(into: [[Int]]()) { $0.append($1) }
        }
        let given = runs.flatMap { $0 }
        let wanted = (0..<60).reduce(0) { $0 + 1 + $1 % 7 }
        #expect(given.count == wanted && Set(given) == Set(1...wanted))
    }

    @Test("Two nodes deciding overlapping batches at once: each application is decided once, no 注册编号 twice, the audit chain verifies")
    func overlappingDecisionsAcrossNodes() async throws {
        let (a, b) = try await Self.twoNodes()
        defer { a.pool.close(); b.pool.close() }
        try await StoreContractTests.twoTenants(a)
        try await StoreContractTests.applicants(a, 1...60, status: .awaitingMinistry)
        let audit = AuditContext(caller: .ministry, method: "/decide", requestID: "r")
        // Node A decides 1…40 in order, node B 60…21 backwards, both twice over in small batches: every pair overlaps.
        let results = try await withThrowingTaskGroup(of: [DecisionResult].self) { group in
            for (name, node, ids) in [("a", a, Array(1...40)), ("b", b, Array((21...60).reversed()))] {
                for part in stride(from: 0, to: ids.count, by: 10) {
                    let batch = ids[part..<(part + 10)].map { MinistryDecision(applicationID: "a\($0)", approve: true, reason: "") }
                    group.addTask {
                        try await Applications(store: node).decide(batch, idempotencyKey: "k-\(name)-\(part)", by: .ministry, audit: audit)
                    }
                }
            }
            return try await group.reduce(into: [DecisionResult]()) { $0 += $1 }
        }
        let applied = results.filter { $0.error == nil }
        #expect(applied.count == 60 && Set(applied.map(\.applicationID)).count == 60)
        #expect(results.count == 80 && results.filter { $0.error != nil }.count == 20)
        let numbers = applied.compactMap(\.registrationNumber)
        #expect(numbers.count == 60 && Set(numbers).count == 60)
        #expect(try await a.verifyAudit() == .intact(rows: 60))
    }

    @Test("Two nodes numbering 公告 of one year at once take turns: every number is used once")
    func announcementNumbersAcrossNodes() async throws {
        let (a, b) = try await Self.twoNodes()
        defer { a.pool.close(); b.pool.close() }
        let numbers = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<40 {
                let node = i.isMultiple(of: 2) ? a : b
                group.addTask {
                    try await node.write { tx in
                        let number = String(format: "2026-%04d", try tx.announcements.nextSequence(year: 2026))
                        try tx.announcements.insert(StoredAnnouncement(id: "n\(i)", number: number, title: "公告", publishedAt: Double(i), itemCount: 0),
                                                    items: [])
                        return number
                    }
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(numbers) == Set((1...40).map { String(format: "2026-%04d", $0) }))
    }

    @Test("A session opened through one node is found, touched and revoked through the other")
    func sessionsAreShared() async throws {
        let (a, b) = try await Self.twoNodes()
        defer { a.pool.close(); b.pool.close() }
        let token = Data(repeating: 5, count: 32)
        try await a.write { tx in
            try tx.sessions.insert(StoredSession(tokenHash: token, kind: .individual, principalID: "p", enterpriseID: nil,
                                                 isAdministrator: false, createdAt: 1, lastSeen: 1, passwordChangeRequired: false))
        }
        #expect(try await b.read { tx in try tx.sessions.session(tokenHash: token)?.principalID } == "p")
        try await b.write { tx in try tx.sessions.touch(tokenHash: token, at: 9) }
        #expect(try await a.read { tx in try tx.sessions.session(tokenHash: token)?.lastSeen } == 9)
        #expect(try await b.write { tx in try tx.sessions.revoke(tokenHash: token) })
        #expect(try await a.read { tx in try tx.sessions.session(tokenHash: token)?.revoked } == true)
    }
}

/// A counter the nodes' tasks share (an `Atomic` itself cannot be captured by a sending closure).
final class RunCounter: Sendable {
    let count = Atomic<Int>(0)
}
