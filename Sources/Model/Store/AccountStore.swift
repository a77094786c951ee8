public import Foundation

// The accounts-and-sessions table group: `individuals`, `enterprise_users` (their credentials),
// `sessions`, `login_guard`. The engine implementations own the SQL (SQLite: Store/SQLite/).

/// The two kinds of password accounts (also `sessions.principal_kind` and the login-guard kind).
public enum AccountKind: String, Sendable, Hashable {
    case individual = "individual"
    case enterpriseUser = "enterprise_user"
}

/// A row of `individuals` as the use cases need it.
public struct StoredIndividual: Sendable, Equatable {
    public var id: String
    public var idNumber: String
    public var name: String
    public var phone: String
    public var passwordHash: String
    public var mustChangePassword: Bool

    public init(id: String, idNumber: String, name: String, phone: String, passwordHash: String, mustChangePassword: Bool) {
        self.id = id
        self.idNumber = idNumber
        self.name = name
        self.phone = phone
        self.passwordHash = passwordHash
        self.mustChangePassword = mustChangePassword
    }
}

/// A row of `enterprise_users`.
public struct StoredEnterpriseUser: Sendable, Equatable {
    public var id: String
    public var enterpriseID: String
    public var account: String
    public var name: String
    public var passwordHash: String
    public var isAdministrator: Bool
    public var enabled: Bool
    public var mustChangePassword: Bool

    public init(id: String, enterpriseID: String, account: String, name: String, passwordHash: String, isAdministrator: Bool,
                enabled: Bool, mustChangePassword: Bool) {
        self.id = id
        self.enterpriseID = enterpriseID
        self.account = account
        self.name = name
        self.passwordHash = passwordHash
        self.isAdministrator = isAdministrator
        self.enabled = enabled
        self.mustChangePassword = mustChangePassword
    }
}

/// What a password login needs of an account of either kind.
public struct LoginCredentials: Sendable, Equatable {
    public var id: String
    public var passwordHash: String
    public var enabled: Bool
    /// nil for individuals.
    public var enterpriseID: String?
    public var isAdministrator: Bool
    public var mustChangePassword: Bool

    public init(id: String, passwordHash: String, enabled: Bool, enterpriseID: String?, isAdministrator: Bool, mustChangePassword: Bool) {
        self.id = id
        self.passwordHash = passwordHash
        self.enabled = enabled
        self.enterpriseID = enterpriseID
        self.isAdministrator = isAdministrator
        self.mustChangePassword = mustChangePassword
    }
}

/// The administrator of an authenticated enterprise, found by account (forgotten password).
public struct AuthenticatedAdministrator: Sendable, Equatable {
    public var userID: String
    public var account: String
    public var enterpriseID: String
    /// The enterprise's bound phone.
    public var phone: String

    public init(userID: String, account: String, enterpriseID: String, phone: String) {
        self.userID = userID
        self.account = account
        self.enterpriseID = enterpriseID
        self.phone = phone
    }
}

/// How an enterprise user is named: by account or by id.
public enum EnterpriseUserKey: Sendable, Hashable {
    case account(String)
    case id(String)
}

/// `individuals` and `enterprise_users`. Enterprise users are visible by one rule
/// (``Scope``: an enterprise its own users, a province those of its enterprises, the ministry
/// all, nobody else any): an out-of-scope user answers nil, exactly like an absent one.
public protocol AccountStore {
    // Individuals
    func individual(id: String) throws -> StoredIndividual?
    func individual(idNumber: String) throws -> StoredIndividual?
    func insertIndividual(_ individual: StoredIndividual, createdAt: Date) throws
    /// The owner takes the account back (a province checked them in person).
    func reassignIndividual(id: String, name: String, phone: String, passwordHash: String, mustChangePassword: Bool) throws
    func setIndividualPassword(id: String, passwordHash: String, mustChangePassword: Bool) throws

    // Login
    /// The account a login key names: an ID number (individuals) or an account (enterprise users).
    func credentials(_ kind: AccountKind, key: String) throws -> LoginCredentials?
    /// The administrator of the newest returned sign-up whose freed account was `account`
    /// (their password hash and the province's reason).
    func returnedSignupAdministrator(account: String) throws -> (passwordHash: String, reason: String)?

    // Enterprise users
    /// Users visible to `scope`, administrators first, then by creation.
    func enterpriseUsers(visibleTo scope: Scope) throws -> [StoredEnterpriseUser]
    func enterpriseUser(_ key: EnterpriseUserKey, visibleTo scope: Scope) throws -> StoredEnterpriseUser?
    /// An enterprise user with its enterprise's name and province (`jzs whoami`).
    func enterpriseUserIdentity(id: String, visibleTo scope: Scope) throws -> (user: StoredEnterpriseUser, enterpriseName: String, provinceCode: UInt32)?
    /// True when any enterprise user (of any enterprise) has `account`.
    func accountTaken(_ account: String) throws -> Bool
    func insertEnterpriseUser(_ user: StoredEnterpriseUser, createdAt: Date) throws
    func renameEnterpriseUser(id: String, name: String) throws
    func setEnterpriseUserPassword(id: String, passwordHash: String, mustChangePassword: Bool) throws
    func deleteEnterpriseUser(id: String) throws
    /// The administrator with `account` of an enterprise that is ``SignupStatus/authenticated``.
    func authenticatedAdministrator(account: String) throws -> AuthenticatedAdministrator?
    /// The administrator of `enterpriseID` (enabled or not).
    func administrator(of enterpriseID: String) throws -> StoredEnterpriseUser?
    /// A draft's administrator replaced: the old one goes.
    func deleteAdministrator(of enterpriseID: String) throws
    /// The enterprise was authenticated: its administrator may log in.
    func enableAdministrator(of enterpriseID: String) throws
    /// A returned sign-up's users are disabled and their accounts freed for a new sign-up
    /// (renamed `account#returned-<id>`, which ``returnedSignupAdministrator(account:)`` reads).
    func releaseAccounts(of enterpriseID: String) throws
}

/// A row of `sessions` (the token itself is never stored, only its SHA-256).
public struct StoredSession: Sendable, Equatable {
    public var tokenHash: Data
    public var kind: AccountKind
    public var principalID: String
    public var enterpriseID: String?
    public var isAdministrator: Bool
    public var createdAt: Double
    public var lastSeen: Double
    public var revoked: Bool
    public var passwordChangeRequired: Bool

    public init(tokenHash: Data, kind: AccountKind, principalID: String, enterpriseID: String?, isAdministrator: Bool,
                createdAt: Double, lastSeen: Double, revoked: Bool = false, passwordChangeRequired: Bool) {
        self.tokenHash = tokenHash
        self.kind = kind
        self.principalID = principalID
        self.enterpriseID = enterpriseID
        self.isAdministrator = isAdministrator
        self.createdAt = createdAt
        self.lastSeen = lastSeen
        self.revoked = revoked
        self.passwordChangeRequired = passwordChangeRequired
    }
}

/// `sessions`: shared by every node (a session from node A works on node B).
public protocol SessionStore {
    func insert(_ session: StoredSession) throws
    func session(tokenHash: Data) throws -> StoredSession?
    func touch(tokenHash: Data, at: Double) throws
    /// - Returns: true when the token is known (revoked now or before).
    func revoke(tokenHash: Data) throws -> Bool
    /// Ends every session of one account.
    func revokeAll(of kind: AccountKind, principalID: String) throws
}

/// One login key of the lockout: its kind and the SHA-256 of "kind:key", so unknown keys are
/// counted like real ones without being stored.
public struct LoginGuardKey: Sendable, Hashable {
    public let kind: AccountKind
    public let hash: Data

    public init(kind: AccountKind, hash: Data) {
        self.kind = kind
        self.hash = hash
    }
}

/// `login_guard`: failures and lock of one login key.
///
/// ``state(of:)`` is the read the whole admission decision rests on: it must keep the row
/// to itself until the unit of work ends. SQLite's single writer does that already; an engine
/// with concurrent writers locks the row (PostgreSQL: insert-if-absent, then `SELECT … FOR UPDATE`).
public protocol LoginGuardStore {
    func state(of key: LoginGuardKey) throws -> (failures: Int, lockedUntil: Double?)?
    /// One more attempt counted (failures + 1, no lock).
    func countAttempt(_ key: LoginGuardKey) throws
    /// An attempt counted but never evaluated taken back (failures − 1, not below 0; a lock stays).
    func uncountAttempt(_ key: LoginGuardKey) throws
    /// Locked until `until`, failures back to 0.
    func lock(_ key: LoginGuardKey, until: Double) throws
    /// Failures and lock cleared.
    func clear(_ key: LoginGuardKey) throws
}
