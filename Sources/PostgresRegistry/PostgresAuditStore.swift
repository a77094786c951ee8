public import Model
internal import PostgresStore

/// `audit_log` on PostgreSQL: the same hash chain as on SQLite (``AuditLog/chainHash``), with one
/// serialisation point for every node: appending takes a transaction advisory lock, reads the
/// chain's head and inserts after it, and the lock is held until COMMIT. Two nodes writing at
/// once therefore take turns and their chains never fork; READ COMMITTED lets the second see the
/// first's committed head as soon as it holds the lock.
struct PostgresAuditStore: AuditStore {
    let tx: PGTransaction

    /// The advisory lock key of the audit chain's head ("jzs-audit").
    static let headLock: Int64 = 0x6A7A_732D_6175

    /// The chain is worked out here, after the head is held, and every row goes in one INSERT.
    func append(_ entries: [AuditEntry]) throws {
        guard !entries.isEmpty else { return }
        _ = try tx.query("SELECT pg_advisory_xact_lock($1)", Self.headLock)
        let last = try tx.queryOne("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
        var id = try last?.decode(Int64.self, "id") ?? 0
        var previous = try last.map { try $0.decode([UInt8].self, "hash") } ?? AuditLog.genesis
        var rows = PGRowSet(["id": "int8", "at": "text", "caller": "text", "tenant": "text", "method": "text", "target": "text", "result": "text",
                             "request_id": "text", "previous_hash": "bytea", "hash": "bytea"])
        for entry in entries {
            id += 1
            let at = AuditLog.timestamp(entry.at)
            let hash = AuditLog.chainHash(previous: previous, id: id, at: at, entry: entry, format: 2)
            rows.append(id, at, entry.caller, entry.tenant, entry.method, entry.target, entry.result, entry.requestID, previous, hash)
            previous = hash
        }
        try tx.execute("""
            INSERT INTO audit_log (id, at, caller, tenant, method, target, result, request_id, previous_hash, hash, format)
            SELECT *, 2 FROM \(rows.table("v"))
            """, parameters: rows.parameters)
    }

    func verify() throws -> AuditLog.Verification {
        try Self.verify(in: tx)
    }

    /// Recomputes the whole chain (`jzsd audit verify` on PostgreSQL), 10,000 rows per query.
    static func verify(in tx: PGTransaction) throws -> AuditLog.Verification {
        var verifier = AuditLog.ChainVerifier()
        var after: Int64 = 0
        while true {
            let rows = try tx.query("""
                SELECT id, at, caller, tenant, method, target, result, request_id, previous_hash, hash, format
                FROM audit_log WHERE id > $1 ORDER BY id LIMIT 10000
                """, after)
            guard let last = rows.last else { return .intact(rows: verifier.count) }
            for row in rows {
                let stored = AuditLog.StoredRow(
                    id: try row.decode("id"), at: try row.decode("at"), caller: try row.decode("caller"), tenant: try row.decode("tenant"),
                    method: try row.decode("method"), target: try row.decode("target"), result: try row.decode("result"),
                    requestID: try row.decode("request_id"), previousHash: try row.decode("previous_hash"), hash: try row.decode("hash"),
                    format: try row.decode("format"))
                if let broken = verifier.check(stored) { return broken }
            }
            after = try last.decode("id")
        }
    }
}
