import Foundation
import GRDB
@testable import Model
import PostgresRegistry
import PostgresStore
import PostgresTestSupport
import Testing

/// `jzsd migrate-store` (issue #10, deliverable 5): an embedded deployment copied into PostgreSQL.
@Suite("Moving up: SQLite copied into PostgreSQL")
struct StoreMigrationTests {
    @Test("A seeded SQLite database arrives whole: equal row counts, the same audit head, and PostgreSQL goes on from there")
    func copiesAndVerifies() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("jzs-migrate-\(UUID().uuidString).sqlite").path
        defer { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
        let database = try RegistryDatabase(path: path)
        _ = try Seeder.seed(database, persons: 300, enterprises: 20, benchPending: 50, benchMinistry: 20, password: "Seed-Password-1")
        try await database.store.write { tx in
            for i in 0..<25 {
                try tx.audit.append(AuditEntry(at: Date(), caller: "ministry", tenant: "ministry", method: "/seed", target: "t\(i)",
                                               result: "OK", requestID: "r\(i)"))
            }
            try tx.sms.insertCode(phone: "13800138000", purpose: .passwordReset, codeHash: Data([1]), createdAt: 1, expiresAt: 2)
        }
        let audited = try await database.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM audit_log") ?? 0 }
        #expect(audited >= 25)
        let url = try await PostgresCluster.shared().makeDatabase()
        let target = try await PostgresRegistryStore.open(url: url, connections: 2)
        defer { target.pool.close() }
        let report = try await StoreMigration.copy(from: database, to: target)
        #expect(report.auditRows == audited)
        let counts = Dictionary(uniqueKeysWithValues: report.rows.map { ($0.table, $0.count) })
        #expect(counts["individuals"] == 300 && counts["enterprises"] == 20 && counts["sms_codes"] == 1)
        #expect((counts["applications"] ?? 0) >= 70)

        // The copy is a working store: the chain and the identity columns go on after the copied rows.
        try await target.write { tx in
            try tx.audit.append(AuditEntry(at: Date(), caller: "ministry", tenant: "ministry", method: "/after", target: "t",
                                           result: "OK", requestID: "r"))
            try tx.sms.insertCode(phone: "13800138000", purpose: .passwordReset, codeHash: Data([2]), createdAt: 3, expiresAt: 4)
        }
        #expect(try await target.verifyAudit() == .intact(rows: audited + 1))

        // A second copy into the same database is refused and leaves it as it was.
        await #expect(throws: StoreMigration.Failure.self) { try await StoreMigration.copy(from: database, to: target) }
        #expect(try await target.verifyAudit() == .intact(rows: audited + 1))
    }
}
