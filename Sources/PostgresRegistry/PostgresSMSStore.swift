public import Foundation
public import Model
internal import PostgresStore

/// `sms_codes` and `sms_outbox` on PostgreSQL. The per-phone limits are read-then-insert rules
/// (SMSCodes): ``lastSent(to:)`` first takes a transaction advisory lock on the phone, so two
/// nodes sending to one phone at once take turns and both see the other's code.
struct PostgresSMSStore: SMSStore {
    let tx: PGTransaction

    func lastSent(to phone: String) throws -> Double? {
        try lockPhone(phone)
        return try tx.queryOne("SELECT MAX(created_at) FROM sms_codes WHERE phone = $1", phone)?.decode(Double?.self, at: 0)
    }

    func sentCount(to phone: String, since: Double) throws -> Int {
        try tx.queryOne("SELECT COUNT(*) FROM sms_codes WHERE phone = $1 AND created_at > $2", phone, since)?.decode(Int.self, at: 0) ?? 0
    }

    func insertCode(phone: String, purpose: SMSPurpose, codeHash: Data, createdAt: Double, expiresAt: Double) throws {
        try tx.execute("INSERT INTO sms_codes (phone, purpose, code_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
                       phone, purpose.rawValue, codeHash, createdAt, expiresAt)
    }

    /// Takes the phone's advisory lock first: a code's attempts are counted and it is consumed
    /// once, whichever node asks.
    func newestLiveCode(phone: String, purpose: SMSPurpose) throws -> StoredSMSCode? {
        try lockPhone(phone)
        return try tx.queryOne("""
            SELECT id, code_hash, attempts, expires_at FROM sms_codes
            WHERE phone = $1 AND purpose = $2 AND consumed = 0 ORDER BY created_at DESC LIMIT 1
            """, phone, purpose.rawValue).map {
            StoredSMSCode(id: try $0.decode(Int64.self, "id"), codeHash: try $0.decode(Data.self, "code_hash"),
                          attempts: try $0.decode(Int.self, "attempts"), expiresAt: try $0.decode(Double.self, "expires_at"))
        }
    }

    func countAttempt(codeID: Int64) throws {
        try tx.execute("UPDATE sms_codes SET attempts = attempts + 1 WHERE id = $1", codeID)
    }

    func consume(codeID: Int64) throws {
        try tx.execute("UPDATE sms_codes SET consumed = 1 WHERE id = $1", codeID)
    }

    /// One phone's turn, held until the transaction ends (re-entrant within it).
    private func lockPhone(_ phone: String) throws {
        _ = try tx.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", "jzs-sms\u{1F}" + phone)
    }

    func queue(phone: String, text: String, at: Date) throws {
        try tx.execute("INSERT INTO sms_outbox (phone, text, created_at) VALUES ($1, $2, $3)", phone, text, at.timeIntervalSince1970)
    }
}

/// `idempotency_keys` on PostgreSQL. ``stored(principal:key:)`` first takes a transaction
/// advisory lock on (principal, key): a retry arriving on another node while the first attempt
/// runs waits for it, then finds its stored answer, instead of running the change twice.
struct PostgresIdempotencyStore: IdempotencyStore {
    let tx: PGTransaction

    func stored(principal: String, key: String) throws -> (requestHash: Data, response: Data)? {
        _ = try tx.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", "jzs-idempotency\u{1F}\(principal)\u{1F}\(key)")
        return try tx.queryOne("SELECT request_hash, response FROM idempotency_keys WHERE principal = $1 AND key = $2", principal, key)
            .map { (try $0.decode(Data.self, "request_hash"), try $0.decode(Data.self, "response")) }
    }

    func save(principal: String, key: String, method: String, requestHash: Data, response: Data, at: Date) throws {
        try tx.execute("""
            INSERT INTO idempotency_keys (principal, key, method, request_hash, response, created_at) VALUES ($1, $2, $3, $4, $5, $6)
            """, principal, key, method, requestHash, response, AuditLog.timestamp(at))
    }
}
