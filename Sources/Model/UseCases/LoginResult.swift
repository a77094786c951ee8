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

    static func find(account: String, in accounts: any AccountStore) throws -> ReturnedSignup? {
        try accounts.returnedSignupAdministrator(account: account).map { ReturnedSignup(passwordHash: $0.passwordHash, reason: $0.reason) }
    }
}

extension Accounts {
    /// The caller of a session token (``session(forToken:)`` without the temporary-password flag).
    public func caller(forToken token: String) async throws(RegistryError) -> Caller {
        try await session(forToken: token).caller
    }
}
