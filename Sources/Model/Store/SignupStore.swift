// The sign-up part of the enterprises table group: `enterprises` while a sign-up is under way,
// `attachments`, `identity_locks`. The engine implementations own the SQL (SQLite: Store/SQLite/).

/// How a sign-up is found.
public enum SignupKey: Sendable, Hashable {
    /// The SHA-256 of its draft token.
    case draftTokenHash([UInt8])
    case id(String)
    /// The identity lock it authenticated with.
    case lockSerial(String)
}

/// A draft as the wizard's steps check it.
public struct StoredDraft: Sendable, Equatable {
    public var id: String
    public var status: SignupStatus
    /// The bound mobile phone, empty before step 4.
    public var phone: String
    public var createdAt: Double

    /// For the engines (the store protocols hand these back).
    public init(id: String, status: SignupStatus, phone: String, createdAt: Double) {
        self.id = id
        self.status = status
        self.phone = phone
        self.createdAt = createdAt
    }
}

/// What the identity-lock check reads of a sign-up.
public struct LockChallenge: Sendable, Equatable {
    public var creditCode: String
    public var name: String
    public var challenge: [UInt8]?
    public var expires: Double?

    /// For the engines (the store protocols hand these back).
    public init(creditCode: String, name: String, challenge: [UInt8]?, expires: Double?) {
        self.creditCode = creditCode
        self.name = name
        self.challenge = challenge
        self.expires = expires
    }
}

/// Sign-ups: drafts (reached with their token, which reserves nothing), on-site requests the
/// province decides, authentication.
///
/// Sign-ups are visible to the provinces by one rule (``Scope``: a province its own, the ministry
/// all, nobody else any); the draft steps reach theirs by the draft token. Invariants every
/// engine keeps: one live (pending or authenticated) enterprise per credit code
/// (``StoreInvariant/oneLiveEnterprisePerCreditCode``) and an identity lock consumed once, ever
/// (``StoreInvariant/lockUsedOnce``).
public protocol SignupStore {
    /// Forgets drafts started before `cutoff` (seconds since 1970) with their documents and administrator.
    func purgeDrafts(createdBefore cutoff: Double) throws
    func insertDraft(id: String, info: EnterpriseBasicInfo, provinceCode: UInt32, draftTokenHash: [UInt8], at: Double) throws
    func draft(tokenHash: [UInt8]) throws -> StoredDraft?
    func signup(_ key: SignupKey) throws -> SignupState?
    func signup(_ id: String, visibleTo scope: Scope) throws -> SignupState?
    /// Oldest first, at most `limit`.
    func signups(visibleTo scope: Scope, status: SignupStatus, limit: Int) throws -> [SignupState]
    /// Ids of other sign-ups for `creditCode` in one of `statuses`.
    func signups(creditCode: String, in statuses: Set<SignupStatus>, except id: String) throws -> [String]

    /// Step 1 corrected: the given fields (trimmed values; the province code as digits).
    func updateInfo(_ id: String, fields: [SignupInfoField: String]) throws
    func setContact(_ id: String, email: String, phone: String) throws
    func setLockChallenge(_ id: String, challenge: [UInt8], expires: Double) throws
    func lockChallenge(of id: String) throws -> LockChallenge?
    func lockUsed(serial: String) throws -> Bool
    func consumeLock(serial: String, creditCode: String, enterpriseID: String, at: Double) throws

    /// On-site authentication requested (``SignupStatus/pending``).
    func requestOnSite(_ id: String, method: AuthenticationMethod, lockSerial: String?) throws
    /// Authenticated: with the identity lock (its serial kept, the challenge cleared) or on site;
    /// the draft token stops working.
    func authenticate(_ id: String, withLock serial: String?, at: Double) throws
    /// Returned with `reason`; `endDraft` also ends the draft token (a superseded sign-up).
    func markReturned(_ id: String, reason: String, endDraft: Bool) throws

    /// The administrator of an authenticated enterprise visible to `scope`, by credit code.
    func authenticatedAdministrator(creditCode: String, visibleTo scope: Scope) throws -> (enterpriseID: String, name: String, account: String)?
    /// The administrator's user id of an authenticated enterprise visible to `scope`.
    func authenticatedAdministratorID(enterpriseID: String, visibleTo scope: Scope) throws -> String?
}
