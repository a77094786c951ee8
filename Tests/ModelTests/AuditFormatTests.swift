import Foundation
import GRDB
import Model
import Testing

/// The audit chain's field boundaries (issue #8): no value can shift one, and rows written in
/// the old format still verify.
@Suite("Audit chain format")
struct AuditFormatTests {
    func database() throws -> (RegistryDatabase, String) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("jzs-audit-\(UUID().uuidString).sqlite").path
        return (try RegistryDatabase(path: path), path)
    }

    func remove(_ path: String) { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }

    @Test("Format 2 tells apart values that only move a U+001F separator between fields; format 1 did not")
    func boundaries() {
        let a = AuditEntry(at: Date(), caller: "a\u{1F}b", tenant: "c", method: "m", target: "t", result: "r", requestID: "q")
        var b = a
        b.caller = "a"
        b.tenant = "b\u{1F}c"
        let previous = [UInt8](repeating: 0, count: 32)
        #expect(AuditLog.chainHash(previous: previous, id: 1, at: "x", entry: a, format: 1)
                == AuditLog.chainHash(previous: previous, id: 1, at: "x", entry: b, format: 1))
        #expect(AuditLog.chainHash(previous: previous, id: 1, at: "x", entry: a, format: 2)
                != AuditLog.chainHash(previous: previous, id: 1, at: "x", entry: b, format: 2))
    }

    @Test("Format 2 is SHA-256 over the previous hash, \"v2\", then each field as its 4-byte big-endian UTF-8 length and bytes (a fixed vector)")
    func knownAnswer() {
        let entry = AuditEntry(at: Date(), caller: "jzs:ministry operator=王五", tenant: "nationwide", method: "/jzs.ministry.v1.Ministry/Decide",
                               target: "application:a1", result: "approved → awaiting_announcement 京11120260000", requestID: "req-\u{1F}-1")
        let hash = AuditLog.chainHash(previous: (0..<32).map { UInt8($0) }, id: 7, at: "2026-11-29T12:00:00.000Z", entry: entry, format: 2)
        #expect(hash.map { String(format: "%02x", $0) }.joined() == "bc162d618eb8bc149685209591272e1872a4420b72b5775f94937c2cb0ef95d3")
    }

    @Test("Moving a boundary in a stored row breaks the chain; old-format rows before it still verify")
    func tampering() async throws {
        let (db, path) = try database()
        defer { remove(path) }
        try await db.pool.write { d in
            // An old row, as v10 wrote it: format 1.
            let old = AuditEntry(at: Date(), caller: "jzs:ministry", tenant: "-", method: "/m", target: "t", result: "old", requestID: "r0")
            let at = "2026-01-01T00:00:00.000Z"
            let hash = AuditLog.chainHash(previous: [UInt8](repeating: 0, count: 32), id: 1, at: at, entry: old, format: 1)
            try d.execute(sql: """
                INSERT INTO audit_log (id, at, caller, tenant, method, target, result, request_id, previous_hash, hash, format)
                VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
                """, arguments: [at, old.caller, old.tenant, old.method, old.target, old.result, old.requestID,
                                 Data(repeating: 0, count: 32), Data(hash)])
            try AuditLog.append(AuditEntry(at: Date(), caller: "jzs:province:37 operator=a\u{1F}b", tenant: "c", method: "/m",
                                           target: "t", result: "new", requestID: "r1"), in: d)
        }
        #expect(try await db.pool.read { try AuditLog.verify(in: $0) } == .intact(rows: 2))
        try await db.pool.write { d in
            try d.execute(sql: "DROP TRIGGER audit_log_no_update")
            try d.execute(sql: "UPDATE audit_log SET caller = 'jzs:province:37 operator=a', tenant = 'b\u{1F}c' WHERE id = 2")
        }
        #expect(try await db.pool.read { try AuditLog.verify(in: $0) } == .broken(rowID: 2, reason: "content does not match its hash"))
    }
}
