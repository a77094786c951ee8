import Foundation
import GRDB

/// `sms_codes` and `sms_outbox` on SQLite.
struct SQLiteSMSStore: SMSStore {
    let db: Database

    func lastSent(to phone: String) throws -> Double? {
        try Double.fetchOne(db, sql: "SELECT MAX(created_at) FROM sms_codes WHERE phone = ?", arguments: [phone])
    }

    func sentCount(to phone: String, since: Double) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sms_codes WHERE phone = ? AND created_at > ?", arguments: [phone, since]) ?? 0
    }

    func insertCode(phone: String, purpose: SMSPurpose, codeHash: Data, createdAt: Double, expiresAt: Double) throws {
        try db.execute(sql: """
            INSERT INTO sms_codes (phone, purpose, code_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)
            """, arguments: [phone, purpose.rawValue, codeHash, createdAt, expiresAt])
    }

    func newestLiveCode(phone: String, purpose: SMSPurpose) throws -> StoredSMSCode? {
        try Row.fetchOne(db, sql: """
            SELECT id, code_hash, attempts, expires_at FROM sms_codes
            WHERE phone = ? AND purpose = ? AND consumed = 0 ORDER BY created_at DESC LIMIT 1
            """, arguments: [phone, purpose.rawValue]).map {
            StoredSMSCode(id: $0["id"], codeHash: $0["code_hash"], attempts: $0["attempts"], expiresAt: $0["expires_at"])
        }
    }

    func countAttempt(codeID: Int64) throws {
        try db.execute(sql: "UPDATE sms_codes SET attempts = attempts + 1 WHERE id = ?", arguments: [codeID])
    }

    func consume(codeID: Int64) throws {
        try db.execute(sql: "UPDATE sms_codes SET consumed = 1 WHERE id = ?", arguments: [codeID])
    }

    func queue(phone: String, text: String, at: Date) throws {
        try db.execute(sql: "INSERT INTO sms_outbox (phone, text, created_at) VALUES (?, ?, ?)",
                       arguments: [phone, text, at.timeIntervalSince1970])
    }
}

/// `idempotency_keys` on SQLite (the single writer serialises retries of one key).
struct SQLiteIdempotencyStore: IdempotencyStore {
    let db: Database

    func stored(principal: String, key: String) throws -> (requestHash: Data, response: Data)? {
        try Row.fetchOne(db, sql: "SELECT request_hash, response FROM idempotency_keys WHERE principal = ? AND key = ?",
                         arguments: [principal, key]).map { ($0["request_hash"], $0["response"]) }
    }

    func save(principal: String, key: String, method: String, requestHash: Data, response: Data, at: Date) throws {
        try db.execute(sql: """
            INSERT INTO idempotency_keys (principal, key, method, request_hash, response, created_at) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [principal, key, method, requestHash, response, AuditLog.timestamp(at)])
    }
}
