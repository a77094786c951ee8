import Crypto
public import Foundation

/// What an individual fills in to open an account.
public struct IndividualRegistration: Sendable {
    public var idNumber: String
    public var name: String
    public var phone: String
    public var password: String
    public var passwordAgain: String
    public var smsCode: String

    public init(idNumber: String, name: String, phone: String, password: String, passwordAgain: String, smsCode: String) {
        self.idNumber = idNumber
        self.name = name
        self.phone = phone
        self.password = password
        self.passwordAgain = passwordAgain
        self.smsCode = smsCode
    }
}

/// An individual's own view of the account (ID number masked).
public struct IndividualProfile: Sendable, Equatable {
    public let id: String
    public let maskedIDNumber: String
    public let name: String
    public let maskedPhone: String
}

/// Accounts and sessions: registration, login with lockout, session tokens (256 random bits,
/// stored hashed, idle and absolute expiry), logout, password change (DESIGN.md §4).
public final class Accounts: Sendable {
    let store: any RegistryStore
    public let policy: AccountPolicy
    let now: @Sendable () -> Date
    let gateway: any SMSGateway
    package let hashing: WorkPool

    /// - Parameter now: the clock (injectable, so expiry and lockout can be tested).
    public convenience init(database: RegistryDatabase, policy: AccountPolicy = AccountPolicy(), gateway: any SMSGateway = OutboxSMSGateway(),
                            now: @escaping @Sendable () -> Date = { Date() }, hashingWidth: Int = 2) {
        self.init(store: database.store, policy: policy, gateway: gateway, now: now, hashingWidth: hashingWidth)
    }

    /// - Parameter store: the engine (``SQLiteStore`` embedded, or another ``RegistryStore``).
    public init(store: any RegistryStore, policy: AccountPolicy = AccountPolicy(), gateway: any SMSGateway = OutboxSMSGateway(),
                now: @escaping @Sendable () -> Date = { Date() }, hashingWidth: Int = 2) {
        self.store = store
        self.policy = policy
        self.now = now
        self.gateway = gateway
        self.hashing = WorkPool(label: "jzs.password-hashing", width: hashingWidth)
    }

    // MARK: SMS

    public func sendSMSCode(phone: String, purpose: SMSPurpose, audit: AuditContext) async throws(RegistryError) {
        var v = Violations()
        let phone = v.check("phone") { () throws(InvalidValue) in try MobileNumber(validating: phone) }
        try v.throwIfAny()
        let now = self.now()
        let policy = self.policy
        let gateway = self.gateway
        try await store.write { tx in
            try SMSCodes.issue(to: phone!, purpose: purpose, now: now, policy: policy, gateway: gateway, in: tx)
            try tx.audit.append(audit.entry(at: now, tenant: "-", target: "sms:\(phone!.masked)", result: "sent \(purpose.rawValue)"))
        }
    }

    // MARK: Individuals

    /// Opens an individual account; the phone must have received an SMS code for registration.
    public func registerIndividual(_ r: IndividualRegistration, audit: AuditContext) async throws(RegistryError) -> String {
        let now = self.now()
        var v = Violations()
        let idNumber = v.check("id_number") { () throws(InvalidValue) in try IDNumber(validating: r.idNumber, today: now) }
        let name = v.check("name") { () throws(InvalidValue) in try PersonName(validating: r.name) }
        let phone = v.check("phone") { () throws(InvalidValue) in try MobileNumber(validating: r.phone) }
        let password = v.check("password") { () throws(InvalidValue) in try NewPassword(validating: r.password, account: r.idNumber) }
        if r.password != r.passwordAgain { v.add("password_again", .passwordsDiffer) }
        if r.smsCode.count != 6 || !r.smsCode.allSatisfy(\.isNumber) { v.add("sms_code", .smsCodeFormat) }
        try v.throwIfAny()
        let policy = self.policy
        // The SMS code is used up (or its try counted) before anything about the ID number is
        // looked at, so one code cannot test many ID numbers; the hash comes last.
        let checked: RegistryError? = try await store.write { tx in
            if let failure = try SMSCodes.consume(r.smsCode, phone: phone!, purpose: .individualRegistration, field: "sms_code",
                                                  now: now, policy: policy, in: tx.sms) {
                return failure
            }
            if try tx.accounts.individual(idNumber: idNumber!.rawValue) != nil {
                try tx.audit.append(audit.entry(at: now, tenant: "-", target: "individual:? \(idNumber!.masked)", result: "registration refused: exists"))
                return .alreadyExists(Text(.individualExists))
            }
            return nil
        }
        if let checked { throw checked }
        let hash = try await hashPassword(password!.rawValue)
        let id = SecureRandom.hex(8)
        let result: Result<String, RegistryError> = try await store.write { tx in
            if try tx.accounts.individual(idNumber: idNumber!.rawValue) != nil {
                return .failure(.alreadyExists(Text(.individualExists)))  // a concurrent registration won
            }
            try tx.accounts.insertIndividual(StoredIndividual(id: id, idNumber: idNumber!.rawValue, name: name!.rawValue, phone: phone!.rawValue,
                                                              passwordHash: hash, mustChangePassword: false), createdAt: now)
            try tx.audit.append(audit.entry(at: now, tenant: "individual:\(id)", target: "individual:\(id) \(idNumber!.masked)", result: "registered"))
            return .success(id)
        }
        return try result.get()
    }

    /// A province gives the account of an ID number back to its owner, after checking the
    /// person's documents in person (an account squatted by someone who knew the ID number):
    /// the owner's name and phone, a temporary password (returned once), every session ended,
    /// the login lock cleared. Audited with the operator and what was checked.
    public func reassignIndividual(idNumber: String, name: String, phone: String, verification: String,
                                   by caller: Caller, audit: AuditContext) async throws(RegistryError) -> String {
        guard case .province = caller else { throw .forbidden(Text(.onlyProvinces)) }
        let now = self.now()
        var v = Violations()
        let id = v.check("id_number") { () throws(InvalidValue) in try IDNumber(validating: idNumber, today: now) }
        let person = v.check("name") { () throws(InvalidValue) in try PersonName(validating: name) }
        let mobile = v.check("phone") { () throws(InvalidValue) in try MobileNumber(validating: phone) }
        let checked = verification.trimmingCharacters(in: .whitespaces)
        if checked.isEmpty { v.add("verification", .verificationRequired) }
        if checked.count > 200 { v.add("verification", .tooLong, "200") }
        try v.throwIfAny()
        let temporary = EnterpriseSignup.temporaryPassword()
        let hash = try await hashPassword(temporary)
        try await store.write { tx in
            guard let account = try tx.accounts.individual(idNumber: id!.rawValue)?.id else {
                throw RegistryError.notFound(Text(.individualNotFound))
            }
            try tx.accounts.reassignIndividual(id: account, name: person!.rawValue, phone: mobile!.rawValue, passwordHash: hash, mustChangePassword: true)
            try tx.sessions.revokeAll(of: .individual, principalID: account)
            try LoginGuard(kind: .individual, key: id!.rawValue).clear(in: tx.loginGuard)
            try tx.audit.append(audit.entry(at: now, tenant: "individual:\(account)", target: "individual:\(account) \(id!.masked)",
                                            result: "account reassigned to its owner after checking in person: \(checked); sessions revoked"))
        }
        return temporary
    }

    /// Checks ID number and password; returns a new session token. 5 failures lock the account for 30 minutes.
    public func loginIndividual(idNumber: String, password: String, audit: AuditContext) async throws(RegistryError) -> LoginResult {
        try await login(.individual, key: idNumber.trimmingCharacters(in: .whitespaces).uppercased(), password: password, audit: audit)
    }

    /// Checks an enterprise user's account and password; only users of authenticated enterprises
    /// are enabled. Returns the token and whether the user is the enterprise's administrator.
    public func loginEnterpriseUser(account: String, password: String, audit: AuditContext) async throws(RegistryError) -> LoginResult {
        try await login(.enterpriseUser, key: account.trimmingCharacters(in: .whitespaces), password: password, audit: audit)
    }

    typealias PrincipalKind = AccountKind

    /// Password login with lockout, shared by every kind of account.
    ///
    /// 1. One write transaction checks the key's lock and counts the attempt (``LoginGuard``):
    ///    locked keys are refused without hashing, and no more than the policy's failures are
    ///    ever evaluated per lock window, however many attempts arrive at once.
    /// 2. The password is checked on the bounded hashing pool (a dummy hash for unknown keys, so
    ///    both cost the same; a full pool answers RESOURCE_EXHAUSTED at once).
    /// 3. A second write transaction records the outcome; on success it re-checks the lock
    ///    before it issues the session. Unknown and real keys get the same answers and audit rows.
    func login(_ kind: PrincipalKind, key: String, password: String, audit: AuditContext) async throws(RegistryError) -> LoginResult {
        let now = self.now()
        let policy = self.policy
        let guardian = LoginGuard(kind: kind, key: key)
        let target = "\(kind.rawValue):\(kind.audited(key))"
        let locked: @Sendable (Double) -> RegistryError = { until in
            .rateLimited(Text(.accountLocked, "\(policy.lockAfterFailures)", "\(Self.clock(until))"))
        }
        let admitted: Result<(LoginCredentials?, ReturnedSignup?), RegistryError> = try await store.write { tx in
            switch try guardian.admit(now: now.timeIntervalSince1970, policy: policy, in: tx.loginGuard) {
            case .locked(let until, let justLocked):
                try tx.audit.append(audit.entry(at: now, tenant: "-", target: target,
                                                result: justLocked ? "locked" : "login refused: locked"))
                return .failure(locked(until))
            case .evaluate:
                let account = try tx.accounts.credentials(kind, key: key)
                return .success((account, account == nil && kind == .enterpriseUser ? try ReturnedSignup.find(account: key, in: tx.accounts) : nil))
            }
        }
        let (account, returned) = try admitted.get()
        // One hash either way: an unknown key is checked against a dummy hash, a returned
        // sign-up's administrator against the old password (to be told why, not "wrong").
        let matched: Bool
        do {
            matched = try await verifyPassword(password, against: account?.passwordHash ?? returned?.passwordHash ?? Self.dummyHash)
        } catch {
            // Not evaluated (a full hashing pool answers "busy"; a caller that gave up): the
            // attempt counted above is taken back, so a flood that keeps the pool full cannot
            // lock out an owner typing the right password. Best effort: the answer stands. In a
            // task of its own: the store refuses work to a cancelled caller's task.
            let store = self.store
            _ = await Task { try? await store.write { tx in try guardian.abandoned(in: tx.loginGuard) } }.value
            throw error
        }
        let ok = matched && account != nil
        let token = SecureRandom.bytes(32)
        let outcome: Result<String, RegistryError> = try await store.write { tx in
            let tenant = account.map { $0.enterpriseID.map { "enterprise:\($0)" } ?? "individual:\($0.id)" } ?? "-"
            guard ok, let account else {
                let lockedUntil = try guardian.failed(now: now.timeIntervalSince1970, policy: policy, in: tx.loginGuard)
                try tx.audit.append(audit.entry(at: now, tenant: tenant, target: target,
                                                result: lockedUntil == nil ? "login failed" : "login failed; locked"))
                if matched, let returned, lockedUntil == nil {
                    return .failure(.failedPrecondition(Text(.signupReturnedAtLogin, "\(returned.reason)")))
                }
                return .failure(kind.wrong)
            }
            if let until = try guardian.succeeded(now: now.timeIntervalSince1970, in: tx.loginGuard) {
                try tx.audit.append(audit.entry(at: now, tenant: tenant, target: target, result: "login refused: locked"))
                return .failure(locked(until))
            }
            guard account.enabled else {
                return .failure(.failedPrecondition(Text(.enterpriseNotAuthenticatedYet)))
            }
            try tx.sessions.insert(StoredSession(tokenHash: Data(Digest.sha256(token)), kind: kind, principalID: account.id,
                                                 enterpriseID: account.enterpriseID, isAdministrator: account.isAdministrator,
                                                 createdAt: now.timeIntervalSince1970, lastSeen: now.timeIntervalSince1970,
                                                 passwordChangeRequired: account.mustChangePassword))
            try tx.audit.append(audit.entry(at: now, tenant: tenant, target: "\(kind.rawValue):\(account.id)", result: "logged in"))
            return .success(Digest.hex(token))
        }
        return LoginResult(token: try outcome.get(), admin: account?.isAdministrator ?? false,
                           mustChangePassword: account?.mustChangePassword ?? false)
    }

    public func profile(of caller: Caller) async throws(RegistryError) -> IndividualProfile {
        guard case .individual(let id) = caller else { throw .forbidden(Text(.onlyIndividuals)) }
        let row = try await store.read { tx in try tx.accounts.individual(id: id) }
        guard let row else { throw .notFound(Text(.individualNotFound)) }
        let idNumber = try? IDNumber(validating: row.idNumber, today: .distantFuture)
        let phone = try? MobileNumber(validating: row.phone)
        return IndividualProfile(id: row.id, maskedIDNumber: idNumber?.masked ?? "", name: row.name, maskedPhone: phone?.masked ?? "")
    }

    /// Changes the caller's password (the old one is required) and ends all of its sessions.
    public func changePassword(of caller: Caller, old: String, new: String, audit: AuditContext) async throws(RegistryError) {
        guard case .individual(let id) = caller else { throw .forbidden(Text(.onlyIndividuals)) }
        let row = try await store.read { tx in try tx.accounts.individual(id: id) }
        guard let row else { throw .notFound(Text(.individualNotFound)) }
        guard try await verifyPassword(old, against: row.passwordHash) else { throw .invalid("old_password", .oldPasswordWrong) }
        var v = Violations()
        let password = v.check("new_password") { () throws(InvalidValue) in try NewPassword(validating: new, account: row.idNumber) }
        if new == old { v.add("new_password", .passwordUnchanged) }
        try v.throwIfAny()
        let hash = try await hashPassword(password!.rawValue)
        let now = self.now()
        try await store.write { tx in
            try tx.accounts.setIndividualPassword(id: id, passwordHash: hash, mustChangePassword: false)
            try tx.sessions.revokeAll(of: .individual, principalID: id)
            try tx.audit.append(audit.entry(at: now, tenant: "individual:\(id)", target: "individual:\(id)", result: "password changed; sessions revoked"))
        }
    }

    // MARK: Sessions

    /// The caller a session token stands for; unknown, revoked, idle or too old tokens are refused.
    public func session(forToken token: String) async throws(RegistryError) -> SessionCaller {
        guard let raw = PasswordHash.bytesFromHex(token), raw.count == 32 else { throw .unauthenticated(Text(.sessionMalformed)) }
        let tokenHash = Data(Digest.sha256(raw))
        let now = self.now().timeIntervalSince1970
        let row = try await store.read { tx in try tx.sessions.session(tokenHash: tokenHash) }
        guard let row, !row.revoked else { throw .unauthenticated(Text(.sessionUnknown)) }
        guard now - row.createdAt < policy.sessionAbsoluteTimeout else {
            throw .unauthenticated(Text(.sessionExpired))
        }
        let lastSeen = row.lastSeen
        guard now - lastSeen < policy.sessionIdleTimeout else { throw .unauthenticated(Text(.sessionIdle)) }
        if now - lastSeen > policy.sessionTouchInterval {
            try await store.write { tx in try tx.sessions.touch(tokenHash: tokenHash, at: now) }
        }
        let caller: Caller = switch row.kind {
        case .individual: .individual(individualID: row.principalID)
        case .enterpriseUser: .enterpriseUser(enterpriseID: row.enterpriseID ?? "", userID: row.principalID, admin: row.isAdministrator)
        }
        return SessionCaller(caller: caller, mustChangePassword: row.passwordChangeRequired)
    }

    /// Ends the session of `token` (idempotent).
    public func logout(token: String, audit: AuditContext) async throws(RegistryError) {
        guard let raw = PasswordHash.bytesFromHex(token), raw.count == 32 else { return }
        let tokenHash = Data(Digest.sha256(raw))
        let now = self.now()
        try await store.write { tx in
            if try tx.sessions.revoke(tokenHash: tokenHash) {
                try tx.audit.append(audit.entry(at: now, tenant: audit.caller.principal, target: "session", result: "logged out"))
            }
        }
    }

    // MARK: Hashing (off the event loop, bounded)

    func hashPassword(_ password: String) async throws(RegistryError) -> String {
        let parameters = policy.passwordHashing
        return try await onHashingPool { try PasswordHash.hash(password, parameters: parameters) }
    }

    func verifyPassword(_ password: String, against encoded: String) async throws(RegistryError) -> Bool {
        try await onHashingPool { PasswordHash.verify(password, against: encoded) }
    }

    /// Password work on the bounded pool: a full pool refuses at once, a caller that gave up
    /// never gets its hash computed.
    private func onHashingPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws(RegistryError) -> T {
        do {
            return try await hashing.run(work)
        } catch is WorkPool.Full {
            throw .rateLimited(Text(.passwordQueueBusy))
        } catch is CancellationError {
            throw .cancelled
        } catch {
            throw .storage("password hashing failed")
        }
    }

    /// Password checks that ran to completion (tests count them: locked keys are never checked).
    public var passwordChecks: Int { hashing.completed }

    static let dummyHash = (try? PasswordHash.hash("not-a-password-\(SecureRandom.hex(8))")) ?? ""

    /// Beijing time, as the person locked out reads it.
    static func clock(_ t: Double) -> String { ChinaTime.minutes(Date(timeIntervalSince1970: t)) }
}

extension AccountKind {
    /// The one answer to a wrong password or an unknown key of this kind.
    var wrong: RegistryError {
        .unauthenticated(Text(self == .individual ? .loginWrongIndividual : .loginWrong))
    }

    /// The login key as it may appear in the audit log: an ID number masked, an account as is.
    func audited(_ key: String) -> String {
        switch self {
        case .individual: (try? IDNumber(validating: key, today: .distantFuture))?.masked ?? "\(key.prefix(4))…"
        case .enterpriseUser: String(key.prefix(64))
        }
    }
}
