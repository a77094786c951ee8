import Crypto
import Foundation

/// The lockout state of one login key (an ID number or an account name), real or not.
///
/// Every attempt is counted *before* its password is hashed, in the same unit of work that
/// checks the lock, so however many attempts arrive at once no more than the policy's failures
/// are ever evaluated before the key locks; the unit of work that issues a session re-checks it.
/// Unknown keys lock exactly like real ones, so the answers never reveal which accounts exist.
/// The rules live here; the rows in ``LoginGuardStore``.
struct LoginGuard {
    let key: LoginGuardKey

    init(kind: AccountKind, key: String) {
        self.key = LoginGuardKey(kind: kind, hash: Data(Digest.sha256(Array("\(kind.rawValue):\(key)".utf8))))
    }

    enum Admission: Equatable {
        /// The attempt is counted: evaluate the password.
        case evaluate
        /// Locked until this time (seconds since 1970); `justLocked` when this attempt locked it.
        case locked(until: Double, justLocked: Bool)
    }

    /// Checks the lock and counts the attempt (call inside a write unit of work).
    func admit(now: Double, policy: AccountPolicy, in store: any LoginGuardStore) throws -> Admission {
        let state = try store.state(of: key)
        if let until = state?.lockedUntil, until > now { return .locked(until: until, justLocked: false) }
        if (state?.failures ?? 0) >= policy.lockAfterFailures {
            // As many attempts as the policy allows are in flight or failed: lock now.
            let until = try lock(now: now, policy: policy, in: store)
            return .locked(until: until, justLocked: true)
        }
        try store.countAttempt(key)
        return .evaluate
    }

    /// After a wrong password (already counted): locks once the policy's failures are reached.
    /// - Returns: the lock's end when the key is locked now.
    func failed(now: Double, policy: AccountPolicy, in store: any LoginGuardStore) throws -> Double? {
        let state = try store.state(of: key)
        if let until = state?.lockedUntil, until > now { return until }
        guard let failures = state?.failures, failures >= policy.lockAfterFailures else { return nil }
        return try lock(now: now, policy: policy, in: store)
    }

    /// The attempt was counted but its password never checked (the hashing pool was full, or
    /// the caller gave up): it does not count against the key.
    func abandoned(in store: any LoginGuardStore) throws {
        try store.uncountAttempt(key)
    }

    /// After the right password: nil when the key may log in (and its count is cleared), else
    /// the end of a lock that came in while the password was being checked.
    func succeeded(now: Double, in store: any LoginGuardStore) throws -> Double? {
        if let until = try store.state(of: key)?.lockedUntil, until > now {
            return until
        }
        try store.clear(key)
        return nil
    }

    /// Clears the key's failures and lock (a password reset by its owner or the province).
    func clear(in store: any LoginGuardStore) throws {
        try store.clear(key)
    }

    /// True while the key is locked.
    func isLocked(now: Double, in store: any LoginGuardStore) throws -> Bool {
        (try store.state(of: key)?.lockedUntil ?? 0) > now
    }

    private func lock(now: Double, policy: AccountPolicy, in store: any LoginGuardStore) throws -> Double {
        let until = now + policy.lockDuration
        try store.lock(key, until: until)
        return until
    }
}
