import Crypto
import Foundation
import GRDB

/// The lockout state of one login key (an ID number or an account name), real or not.
///
/// Every attempt is counted *before* its password is hashed, in the same transaction that
/// checks the lock, so however many attempts arrive at once no more than the policy's failures
/// are ever evaluated before the key locks; the transaction that issues a session re-checks it.
/// Unknown keys lock exactly like real ones, so the answers never reveal which accounts exist.
struct LoginGuard {
    let kind: String
    let keyHash: Data

    init(kind: String, key: String) {
        self.kind = kind
        self.keyHash = Data(Digest.sha256(Array("\(kind):\(key)".utf8)))
    }

    enum Admission: Equatable {
        /// The attempt is counted: evaluate the password.
        case evaluate
        /// Locked until this time (seconds since 1970); `justLocked` when this attempt locked it.
        case locked(until: Double, justLocked: Bool)
    }

    /// Checks the lock and counts the attempt (call inside a write transaction).
    func admit(now: Double, policy: AccountPolicy, in db: Database) throws -> Admission {
        let row = try Row.fetchOne(db, sql: "SELECT failures, locked_until FROM login_guard WHERE kind = ? AND key_hash = ?",
                                   arguments: [kind, keyHash])
        if let until: Double = row?["locked_until"], until > now { return .locked(until: until, justLocked: false) }
        let failures: Int = row?["failures"] ?? 0
        if failures >= policy.lockAfterFailures {
            // As many attempts as the policy allows are in flight or failed: lock now.
            let until = try lock(now: now, policy: policy, in: db)
            return .locked(until: until, justLocked: true)
        }
        try db.execute(sql: """
            INSERT INTO login_guard (kind, key_hash, failures, locked_until) VALUES (?, ?, 1, NULL)
            ON CONFLICT (kind, key_hash) DO UPDATE SET failures = failures + 1, locked_until = NULL
            """, arguments: [kind, keyHash])
        return .evaluate
    }

    /// After a wrong password (already counted): locks once the policy's failures are reached.
    /// - Returns: the lock's end when the key is locked now.
    func failed(now: Double, policy: AccountPolicy, in db: Database) throws -> Double? {
        let row = try Row.fetchOne(db, sql: "SELECT failures, locked_until FROM login_guard WHERE kind = ? AND key_hash = ?",
                                   arguments: [kind, keyHash])
        if let until: Double = row?["locked_until"], until > now { return until }
        guard let failures: Int = row?["failures"], failures >= policy.lockAfterFailures else { return nil }
        return try lock(now: now, policy: policy, in: db)
    }

    /// After the right password: nil when the key may log in (and its count is cleared), else
    /// the end of a lock that came in while the password was being checked.
    func succeeded(now: Double, in db: Database) throws -> Double? {
        if let until = try Double.fetchOne(db, sql: "SELECT locked_until FROM login_guard WHERE kind = ? AND key_hash = ?",
                                           arguments: [kind, keyHash]), until > now {
            return until
        }
        try db.execute(sql: "DELETE FROM login_guard WHERE kind = ? AND key_hash = ?", arguments: [kind, keyHash])
        return nil
    }

    /// Clears the key's failures and lock (a password reset by its owner or the province).
    func clear(in db: Database) throws {
        try db.execute(sql: "DELETE FROM login_guard WHERE kind = ? AND key_hash = ?", arguments: [kind, keyHash])
    }

    /// True while the key is locked.
    func isLocked(now: Double, in db: Database) throws -> Bool {
        let until = try Double.fetchOne(db, sql: "SELECT locked_until FROM login_guard WHERE kind = ? AND key_hash = ?",
                                        arguments: [kind, keyHash])
        return (until ?? 0) > now
    }

    /// Clears the lock of an enterprise user's account (its password was reset).
    static func clear(enterpriseUser id: String, in db: Database) throws {
        guard let account = try String.fetchOne(db, sql: "SELECT account FROM enterprise_users WHERE id = ?", arguments: [id]) else { return }
        try LoginGuard(kind: "enterprise_user", key: account).clear(in: db)
    }

    private func lock(now: Double, policy: AccountPolicy, in db: Database) throws -> Double {
        let until = now + policy.lockDuration
        try db.execute(sql: """
            INSERT INTO login_guard (kind, key_hash, failures, locked_until) VALUES (?, ?, 0, ?)
            ON CONFLICT (kind, key_hash) DO UPDATE SET failures = 0, locked_until = excluded.locked_until
            """, arguments: [kind, keyHash, until])
        return until
    }
}
