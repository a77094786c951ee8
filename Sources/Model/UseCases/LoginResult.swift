import GRDB

/// What a successful login gives: the session token, whether the user is the enterprise's
/// administrator, and whether the password was set by someone else and must be changed first.
public struct LoginResult: Sendable {
    public let token: String
    public let admin: Bool
    public let mustChangePassword: Bool
}

/// The caller a session stands for; a session opened with a temporary password may only change
/// it (and log out) until it is changed.
public struct SessionCaller: Sendable {
    public let caller: Caller
    public let mustChangePassword: Bool

    public init(caller: Caller, mustChangePassword: Bool) {
        self.caller = caller
        self.mustChangePassword = mustChangePassword
    }
}

/// A returned sign-up's administrator account: its name was freed (``EnterpriseSignup``), but
/// the administrator who logs in with the old password is told the province's reason.
struct ReturnedSignup: Sendable {
    let passwordHash: String
    let reason: String

    static func find(account: String, in db: Database) throws -> ReturnedSignup? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT u.password_hash, e.return_reason FROM enterprise_users u JOIN enterprises e ON e.id = u.enterprise_id
            WHERE u.account = ? || '#returned-' || u.id AND u.is_admin = 1 AND e.status = 'returned'
            ORDER BY e.created_at DESC LIMIT 1
            """, arguments: [account]) else { return nil }
        return ReturnedSignup(passwordHash: row["password_hash"], reason: row["return_reason"] ?? "")
    }
}

extension Accounts {
    /// The caller of a session token (``session(forToken:)`` without the temporary-password flag).
    public func caller(forToken token: String) async throws(RegistryError) -> Caller {
        try await session(forToken: token).caller
    }
}
