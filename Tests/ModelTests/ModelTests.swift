import Foundation
import GRDB
import Model
import Testing

@Suite("Callers and provinces")
struct CallerTests {
    @Test("Certificate URIs resolve to callers", arguments: [
        ("jzs:province:37", Caller.province(ProvinceCode(37)!)),
        ("jzs:province:66", Caller.province(ProvinceCode(66)!)),
        ("jzs:ministry", Caller.ministry),
    ])
    func uris(uri: String, caller: Caller) {
        #expect(Caller.fromCertificateURI(uri) == caller)
    }

    @Test("Unknown or malformed URIs resolve to nothing", arguments: ["jzs:province:99", "jzs:province:", "jzs:province:37x", "jzs:admin", "https://x"])
    func badURIs(uri: String) {
        #expect(Caller.fromCertificateURI(uri) == nil)
    }

    @Test("There are 32 review authorities, the corps code is configurable")
    func provinces() {
        #expect(Province.allCodes().count == 32)
        #expect(Set(Province.allCodes()).count == 32)
        #expect(Province.name(of: 66) == "新疆生产建设兵团")
        #expect(Province.name(of: 90, corpsCode: 90) == "新疆生产建设兵团")
        #expect(ProvinceCode(66, corpsCode: 90) == nil)
        #expect(Caller.province(ProvinceCode(11)!).principal == "jzs:province:11")
    }
}

@Suite("Database")
struct DatabaseTests {
    @Test("A new database is WAL with synchronous=FULL, and the audit log is append-only")
    func durability() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("jzs-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let database = try RegistryDatabase(path: path)
        let settings = try database.durabilitySettings()
        #expect(settings.journalMode == "wal")
        #expect(settings.synchronous == 2)
        try database.pool.write { db in
            try db.execute(sql: "INSERT INTO audit_log (at, caller, tenant, method, target, result, request_id, previous_hash, hash) VALUES ('t','c','t','m','x','ok','r', x'00', x'01')")
        }
        #expect(throws: (any Error).self) {
            try database.pool.write { db in try db.execute(sql: "UPDATE audit_log SET result = 'forged'") }
        }
        #expect(throws: (any Error).self) {
            try database.pool.write { db in try db.execute(sql: "DELETE FROM audit_log") }
        }
        // Reopening runs no migration twice.
        _ = try RegistryDatabase(path: path)
    }
}
