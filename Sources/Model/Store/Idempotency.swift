import Foundation
import GRDB

/// Idempotency keys: a mutating call retried with the same key returns the stored answer and
/// applies nothing twice. The key belongs to the caller (principal); reusing it for a different
/// request is refused.
enum Idempotency {
    /// The stored response of an earlier call with this key, or nil if the key is new.
    static func lookup(principal: String, key: String, requestHash: Data, in db: Database) throws -> Data? {
        guard let row = try Row.fetchOne(db, sql: "SELECT request_hash, response FROM idempotency_keys WHERE principal = ? AND key = ?",
                                         arguments: [principal, key]) else { return nil }
        guard row["request_hash"] as Data == requestHash else {
            throw RegistryError.failedPrecondition("idempotency-key \(key) was already used for a different request")
        }
        return row["response"] as Data
    }

    static func store(principal: String, key: String, method: String, requestHash: Data, response: Data, at: Date, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO idempotency_keys (principal, key, method, request_hash, response, created_at) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [principal, key, method, requestHash, response, AuditLog.timestamp(at)])
    }
}
