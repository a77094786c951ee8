public import Foundation
public import GRDB

/// Checks a database file without writing to it: SQLite's own integrity check, the audit chain and
/// the row count of every table.
///
/// `jzsd backup` runs the full check on the copy it makes, `jzsd restore` on the backup before it
/// touches anything and on the restored file, `jzsd serve` runs the quick form before it opens the
/// database. The file is opened read-only, so a check may run beside a server.
public enum DatabaseCheck {
    public enum Depth: Sendable {
        /// `PRAGMA quick_check`: every page and b-tree, without matching indexes to their tables.
        case quick
        /// `PRAGMA integrity_check`, then the audit chain and the row counts.
        case full
    }

    public struct Report: Sendable {
        /// What SQLite found wrong (empty when it said "ok"); "not a database" included.
        public var problems: [String] = []
        /// The audit chain (full checks of a sound file only).
        public var audit: AuditLog.Verification?
        /// Rows per table, by table name (full checks of a sound file only).
        public var rowCounts: [(table: String, rows: Int)] = []
        /// The size of the file, in bytes.
        public var bytes: Int64 = 0

        /// True when SQLite found nothing wrong and the audit chain (when verified) is intact.
        public var isSound: Bool {
            guard problems.isEmpty else { return false }
            if case .broken = audit { return false }
            return true
        }

        public var auditRows: Int? {
            if case .intact(let rows) = audit { rows } else { nil }
        }

        /// One line for people: integrity, audit chain, sizes.
        public var summary: String {
            guard problems.isEmpty else {
                return "integrity check FAILED: " + problems.prefix(3).joined(separator: "; ")
                    + (problems.count > 3 ? " (and \(problems.count - 3) more)" : "")
            }
            var parts = ["integrity ok"]
            switch audit {
            case .intact(let rows): parts.append("audit chain intact (\(rows) rows)")
            case .broken(let row, let reason): parts.append("audit chain BROKEN at row \(row): \(reason)")
            case nil: break
            }
            if !rowCounts.isEmpty {
                let total = rowCounts.reduce(0) { $0 + $1.rows }
                let nonEmpty = rowCounts.filter { $0.rows > 0 && $0.table != "audit_log" }.map { "\($0.table) \($0.rows)" }
                parts.append("\(total) rows in \(rowCounts.count) tables" + (nonEmpty.isEmpty ? "" : " (" + nonEmpty.joined(separator: ", ") + ")"))
            }
            return parts.joined(separator: "; ")
        }
    }

    /// Checks the database file at `path`, read-only.
    ///
    /// A file that is not a database, or that SQLite finds damaged, gives a report with
    /// ``Report/problems``; a full check of a file without the jzs schema does too.
    /// - Throws: when the file cannot be opened or read at all (missing, permissions).
    public static func run(path: String, depth: Depth) throws -> Report {
        var report = Report()
        report.bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
        do {
            let queue = try RegistryDatabase.readOnly(path: path)
            defer { try? queue.close() }
            try queue.read { db in try check(db, depth: depth, into: &report) }
        } catch let error as DatabaseError where [.SQLITE_NOTADB, .SQLITE_CORRUPT].contains(error.resultCode.primaryResultCode) {
            report.problems = [error.message ?? "\(error.resultCode)"]
        }
        return report
    }

    private static func check(_ db: Database, depth: Depth, into report: inout Report) throws {
        let answer = try String.fetchAll(db, sql: depth == .quick ? "PRAGMA quick_check" : "PRAGMA integrity_check")
        guard answer == ["ok"] else {
            // Rows read "*** in database main ***\nPage 35: btreeInitPage() returns error code 11".
            report.problems = answer.map { $0.replacingOccurrences(of: "*** in database main ***\n", with: "")
                                            .replacingOccurrences(of: "\n", with: " ") }
            return
        }
        guard depth == .full else { return }
        guard try db.tableExists("audit_log") else {
            report.problems = ["not a jzs database: it has no audit_log table"]
            return
        }
        report.audit = try AuditLog.verify(in: db)
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        report.rowCounts = try tables.map { table in
            (table, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table.quotedDatabaseIdentifier)") ?? 0)
        }
    }
}
