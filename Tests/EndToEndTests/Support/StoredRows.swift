import Foundation
import GRDB
import Model
import PostgresRegistry
import PostgresStore

/// Plain SQL on whichever engine a ``TestServer`` runs on (SQLite by default, PostgreSQL with
/// `JZS_TEST_ENGINE=postgresql`), so a test that checks what was stored (an audit line, an event
/// count) or writes a fixture runs on both. Placeholders are `?` on both engines; every value
/// comes back as text (integers and booleans as digits, blobs as hex); a NULL column is absent.
extension TestServer {
    /// Every row of `sql`, each a column name → text map (NULL columns left out).
    func rows(_ sql: String, _ arguments: [String] = []) async throws -> [[String: String]] {
        if let postgres = store as? PostgresRegistryStore {
            let numbered = Self.numberedPlaceholders(sql)
            return try await postgres.pool.read { tx in
                try tx.query(numbered, parameters: arguments.map { .text($0) }).map { row in
                    Self.row(zip(row.columns.names, row.values.map(Self.text)))
                }
            }
        }
        return try await database.pool.read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
                Self.row(row.columnNames.map { ($0, Self.text(row[$0] as DatabaseValue)) })
            }
        }
    }

    /// The one column of every row of `sql` (rows where it is NULL left out).
    func strings(_ sql: String, _ arguments: [String] = []) async throws -> [String] {
        try await rows(sql, arguments).compactMap(\.values.first)
    }

    /// The single number `sql` answers (a `COUNT(*)`); -1 when it answers nothing.
    func count(_ sql: String, _ arguments: [String] = []) async throws -> Int {
        try await strings(sql, arguments).first.flatMap { Int($0) } ?? -1
    }

    /// A fixture: `count` applications `a0`, `a1`, … (初始注册 of 建筑工程), each of its own person
    /// `p0`, `p1`, …, for `enterprise` in `province`, in `status`; returns their ids.
    func insertApplications(count: Int, enterprise: String, province: String, status: String) async throws -> [String] {
        for n in 0..<count {
            try await execute("INSERT INTO individuals (id, id_number, name, phone, password_hash, created_at) VALUES (?, ?, '人', '13800138000', 'x', 0)",
                              ["p\(n)", "ID\(n)"])
            try await execute("""
                INSERT INTO applications (id, individual_id, enterprise_id, province_code, type, specialties, qualification_certificate_no,
                    qualification_date, contract_start, contract_end, status, created_at, updated_at)
                VALUES (?, ?, ?, ?, '01', '建筑工程', 'Q', '2021-01-01', '2025-01-01', '2029-01-01', ?, ?, ?)
                """, ["a\(n)", "p\(n)", enterprise, province, status, "\(n)", "\(n)"])
        }
        return (0..<count).map { "a\($0)" }
    }

    /// `jzsd audit verify` on the server's store.
    func verifyAudit() async throws -> AuditLog.Verification {
        if let postgres = store as? PostgresRegistryStore { return try await postgres.verifyAudit() }
        return try await database.pool.read { try AuditLog.verify(in: $0) }
    }

    /// Runs `sql` (a fixture's INSERT, a DELETE) in a transaction of its own.
    func execute(_ sql: String, _ arguments: [String] = []) async throws {
        if let postgres = store as? PostgresRegistryStore {
            let numbered = Self.numberedPlaceholders(sql)
            _ = try await postgres.pool.write { tx in try tx.execute(numbered, parameters: arguments.map { .text($0) }) }
            return
        }
        try await database.pool.write { db in try db.execute(sql: sql, arguments: StatementArguments(arguments)) }
    }

    /// The engine the server runs on, for the few statements that differ (triggers).
    var engine: TestEngine { store is PostgresRegistryStore ? .postgresql : .sqlite }

    private static func row<S: Sequence<(String, String?)>>(_ columns: S) -> [String: String] {
        Dictionary(columns.compactMap { name, value in value.map { (name, $0) } }, uniquingKeysWith: { first, _ in first })
    }

    /// `?` → `$1`, `$2`, … outside quoted literals.
    static func numberedPlaceholders(_ sql: String) -> String {
        var out = "", n = 0, quoted = false
        for c in sql {
            if c == "'" { quoted.toggle() }
            if c == "?" && !quoted { n += 1; out += "$\(n)" } else { out.append(c) }
        }
        return out
    }

    private static func text(_ value: PGValue) -> String? {
        switch value {
        case .null: nil
        case .bool(let b): b ? "1" : "0"
        case .integer(let i): String(i)
        case .real(let d): String(d)
        case .numeric(let s), .text(let s): s
        case .bytes(let b): b.map { String(format: "%02x", $0) }.joined()
        }
    }

    private static func text(_ value: DatabaseValue) -> String? {
        switch value.storage {
        case .null: nil
        case .int64(let i): String(i)
        case .double(let d): String(d)
        case .string(let s): s
        case .blob(let b): b.map { String(format: "%02x", $0) }.joined()
        }
    }
}
