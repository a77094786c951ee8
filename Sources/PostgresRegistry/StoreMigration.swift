public import Foundation
public import Model
internal import GRDB
internal import PostgresStore

/// `jzsd migrate-store`: copies an embedded SQLite deployment into an empty PostgreSQL database
/// (issue #10, deliverable 5), then proves the copy: every table's row count on both sides, and
/// the audit chain recomputed on PostgreSQL ending in the very hash SQLite's ends in.
///
/// The copy is one PostgreSQL transaction: either everything arrives or nothing does. The SQLite
/// file is only read (the server must be stopped; `jzsd migrate-store` checks the serve lock).
public enum StoreMigration {
    public struct Report: Sendable, Equatable {
        /// Rows per table, in ``PostgresSchema/tables`` order (equal on both sides).
        public var rows: [(table: String, count: Int)]
        public var auditRows: Int
        /// The hex of the audit chain's last hash (genesis when empty), the same on both sides.
        public var auditHead: String

        public static func == (l: Report, r: Report) -> Bool {
            l.rows.elementsEqual(r.rows, by: { $0 == $1 }) && l.auditRows == r.auditRows && l.auditHead == r.auditHead
        }
    }

    public enum Failure: Error, CustomStringConvertible {
        case targetNotEmpty(table: String, rows: Int)
        case countMismatch(table: String, sqlite: Int, postgresql: Int)
        case auditBroken(String)
        case auditHeadMismatch(sqlite: String, postgresql: String)

        public var description: String {
            switch self {
            case .targetNotEmpty(let table, let rows): "the PostgreSQL database is not empty (\(table) has \(rows) rows); migrate into a new database"
            case .countMismatch(let table, let s, let p): "\(table): \(s) rows in SQLite but \(p) in PostgreSQL"
            case .auditBroken(let reason): "the copied audit chain does not verify: \(reason)"
            case .auditHeadMismatch(let s, let p): "the audit chain ends in \(s) on SQLite but \(p) on PostgreSQL"
            }
        }
    }

    /// Rows sent per INSERT statement (each row's values are parameters; PostgreSQL allows 65,535).
    static let rowsPerStatement = 200

    /// Copies `database` into `target` (migrated, empty) and verifies the copy.
    /// - Throws: ``Failure`` (nothing is left in PostgreSQL then), `PGError`, GRDB errors.
    public static func copy(from database: RegistryDatabase, to target: PostgresRegistryStore) async throws -> Report {
        try await PostgresSchema.migrate(target.pool)
        let source = try await database.pool.read { db in try Self.snapshot(db) }
        try await target.pool.write { tx in
            for table in PostgresSchema.tables {
                let count = try tx.queryOne("SELECT COUNT(*) FROM \(table)")!.decode(Int.self, at: 0)
                guard count == 0 else { throw Failure.targetNotEmpty(table: table, rows: count) }
            }
            for table in source.tables {
                try Self.insert(table, into: tx)
            }
            // Identity columns continue after the copied ids.
            for (table, column) in [("sms_codes", "id"), ("sms_outbox", "id"), ("application_events", "id")] {
                _ = try tx.query("SELECT setval(pg_get_serial_sequence($1, $2), GREATEST((SELECT MAX(\(column)) FROM \(table)), 1))", table, column)
            }
        }
        let copied = try await target.pool.read { tx in
            try PostgresSchema.tables.map { table in (table, try tx.queryOne("SELECT COUNT(*) FROM \(table)")!.decode(Int.self, at: 0)) }
        }
        for (table, count) in copied {
            let expected = source.tables.first { $0.name == table }?.rows.count ?? 0
            guard expected == count else { throw Failure.countMismatch(table: table, sqlite: expected, postgresql: count) }
        }
        switch try await target.verifyAudit() {
        case .broken(let row, let reason): throw Failure.auditBroken("row \(row): \(reason)")
        case .intact(let rows):
            let head = try await target.pool.read { tx in
                try tx.queryOne("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")?.decode([UInt8].self, at: 0)
            }
            let postgresHead = hex(head ?? AuditLog.genesis)
            guard postgresHead == source.auditHead else { throw Failure.auditHeadMismatch(sqlite: source.auditHead, postgresql: postgresHead) }
            return Report(rows: copied.map { ($0.0, $0.1) }, auditRows: rows, auditHead: postgresHead)
        }
    }

    /// One table read from SQLite: its column names and rows as PostgreSQL parameters.
    struct Table {
        let name: String
        let columns: [String]
        let rows: [[PGValue]]
    }

    /// Every table of ``PostgresSchema/tables`` in one read transaction (one consistent snapshot).
    static func snapshot(_ db: Database) throws -> (tables: [Table], auditHead: String) {
        var tables: [Table] = []
        for name in PostgresSchema.tables {
            let columns = try db.columns(in: name).map(\.name)
            let list = columns.map { "\"\($0)\"" }.joined(separator: ", ")
            let rows = try Row.fetchAll(db, sql: "SELECT \(list) FROM \(name)").map { row in
                columns.indices.map { value(row[$0] as DatabaseValue) }
            }
            tables.append(Table(name: name, columns: columns, rows: rows))
        }
        let head = try Data.fetchOne(db, sql: "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").map { Array($0) } ?? AuditLog.genesis
        return (tables, hex(head))
    }

    static func value(_ value: DatabaseValue) -> PGValue {
        switch value.storage {
        case .null: .null
        case .int64(let i): .integer(i)
        case .double(let d): .real(d)
        case .string(let s): .text(s)
        case .blob(let b): .bytes(Array(b))
        }
    }

    static func insert(_ table: Table, into tx: PGTransaction) throws {
        let columns = table.columns.map { "\"\($0)\"" }.joined(separator: ", ")
        var start = 0
        while start < table.rows.count {
            let chunk = table.rows[start..<min(start + rowsPerStatement, table.rows.count)]
            var parameters: [PGValue] = []
            var tuples: [String] = []
            for row in chunk {
                let first = parameters.count
                tuples.append("(" + row.indices.map { "$\(first + $0 + 1)" }.joined(separator: ", ") + ")")
                parameters += row
            }
            try tx.execute("INSERT INTO \(table.name) (\(columns)) VALUES \(tuples.joined(separator: ", "))", parameters: parameters)
            start += chunk.count
        }
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
