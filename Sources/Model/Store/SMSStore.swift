public import Foundation

/// The newest unconsumed SMS code of a phone and purpose.
public struct StoredSMSCode: Sendable, Equatable {
    public var id: Int64
    public var codeHash: Data
    public var attempts: Int
    public var expiresAt: Double

    public init(id: Int64, codeHash: Data, attempts: Int, expiresAt: Double) {
        self.id = id
        self.codeHash = codeHash
        self.attempts = attempts
        self.expiresAt = expiresAt
    }
}

/// `sms_codes` and `sms_outbox`: shared by every node, so the per-phone limits hold across nodes.
///
/// ``newestLiveCode(phone:purpose:)`` and the counts behind the limits are read-then-write
/// decisions: SQLite's single writer serialises them; an engine with concurrent writers locks
/// the phone for the unit of work (PostgreSQL: `pg_advisory_xact_lock` on the phone).
public protocol SMSStore {
    /// When the newest code to `phone` was sent (any purpose).
    func lastSent(to phone: String) throws -> Double?
    /// Codes sent to `phone` after `since`.
    func sentCount(to phone: String, since: Double) throws -> Int
    func insertCode(phone: String, purpose: SMSPurpose, codeHash: Data, createdAt: Double, expiresAt: Double) throws
    func newestLiveCode(phone: String, purpose: SMSPurpose) throws -> StoredSMSCode?
    func countAttempt(codeID: Int64) throws
    func consume(codeID: Int64) throws
    /// Queues a message in the outbox (`jzsd sms outbox` reads it).
    func queue(phone: String, text: String, at: Date) throws
}

/// `idempotency_keys`: the stored answer of a (principal, key).
///
/// An engine with concurrent writers must hold the key for the unit of work from
/// ``stored(principal:key:)`` on (PostgreSQL: `pg_advisory_xact_lock` on its hash), so two
/// nodes retrying the same batch at once apply it once.
public protocol IdempotencyStore {
    func stored(principal: String, key: String) throws -> (requestHash: Data, response: Data)?
    func save(principal: String, key: String, method: String, requestHash: Data, response: Data, at: Date) throws
}

/// `audit_log`: appends to the hash chain in the unit of work of the change it records. The
/// chain's head is one serialisation point (SQLite: the single writer; PostgreSQL: a row or
/// advisory lock), so chains written from two nodes never fork.
public protocol AuditStore {
    func append(_ entries: [AuditEntry]) throws
    /// Recomputes the whole chain (`jzsd audit verify`): intact with its row count, or the first
    /// row whose content or link does not match. The hash is ``AuditLog/chainHash(previous:id:at:entry:format:)``
    /// on every engine, so a chain copied between engines verifies the same.
    func verify() throws -> AuditLog.Verification
}

extension AuditStore {
    public func append(_ entry: AuditEntry) throws {
        try append([entry])
    }
}
