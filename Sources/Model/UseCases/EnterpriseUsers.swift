public import Foundation
import Crypto

/// An enterprise user as the administrator sees it.
public struct EnterpriseUser: Sendable, Equatable {
    public let id: String
    public let account: String
    public let name: String
    public let administrator: Bool
    public let locked: Bool
}

/// Enterprise users: sub-users (二级用户, administrator only), password change, forgotten password.
extension Accounts {
    public func users(of caller: Caller) async throws(RegistryError) -> [EnterpriseUser] {
        _ = try Self.requireAdministrator(caller)
        let scope = Scope(caller)
        let now = self.now().timeIntervalSince1970
        return try await store.read { tx in
            try tx.accounts.enterpriseUsers(visibleTo: scope).map {
                EnterpriseUser(id: $0.id, account: $0.account, name: $0.name, administrator: $0.isAdministrator,
                               locked: try LoginGuard(kind: .enterpriseUser, key: $0.account).isLocked(now: now, in: tx.loginGuard))
            }
        }
    }

    /// Adds a sub-user (enabled at once: the enterprise is authenticated).
    public func addUser(name: String, account: String, password: String, by caller: Caller, audit: AuditContext) async throws(RegistryError) -> EnterpriseUser {
        let enterprise = try Self.requireAdministrator(caller)
        var v = Violations()
        let person = v.check("name") { () throws(InvalidValue) in try PersonName(validating: name) }
        let login = v.check("account") { () throws(InvalidValue) in try AccountName(validating: account) }?.rawValue ?? account.trimmed
        _ = v.check("password") { () throws(InvalidValue) in try NewPassword(validating: password, account: login) }
        try v.throwIfAny()
        let hash = try await hashPassword(password)
        let id = SecureRandom.hex(8)
        let now = self.now()
        try await store.write { tx in
            if try tx.accounts.accountTaken(login) {
                throw RegistryError.alreadyExists(Text(.accountTaken, "\(login)"))
            }
            try tx.accounts.insertEnterpriseUser(StoredEnterpriseUser(id: id, enterpriseID: enterprise, account: login, name: person!.rawValue,
                                                                      passwordHash: hash, isAdministrator: false, enabled: true,
                                                                      mustChangePassword: true), createdAt: now)
            try tx.audit.append(audit.entry(at: now, tenant: "enterprise:\(enterprise)", target: "enterprise_user:\(id)", result: "sub-user \(login) added"))
        }
        return EnterpriseUser(id: id, account: login, name: person!.rawValue, administrator: false, locked: false)
    }

    /// How a request names a sub-user: by the account the administrator knows (preferred), or by id.
    public enum SubUserReference: Sendable, Hashable {
        case account(String)
        case userID(String)

        var text: String {
            switch self {
            case .account(let a): a.trimmed
            case .userID(let id): id.trimmed
            }
        }
    }

    /// The id and account of a sub-user the caller's scope sees (never the administrator, never
    /// another enterprise's: those answer NOT_FOUND like an unknown one).
    static func subUser(_ reference: SubUserReference, visibleTo scope: Scope, in accounts: any AccountStore) throws -> (id: String, account: String) {
        let key: EnterpriseUserKey = if case .account = reference { .account(reference.text) } else { .id(reference.text) }
        guard let user = try accounts.enterpriseUser(key, visibleTo: scope), !user.isAdministrator else {
            throw RegistryError.notFound(Text(.subUserNotFound, "\(reference.text)"))
        }
        return (user.id, user.account)
    }

    /// A password set by someone else for enterprise user `userID`: the lock of its account is
    /// cleared and its sessions end.
    static func passwordReplaced(enterpriseUser userID: String, in tx: any StoreTransaction) throws {
        if let account = try tx.accounts.enterpriseUser(.id(userID), visibleTo: .nationwide)?.account {
            try LoginGuard(kind: .enterpriseUser, key: account).clear(in: tx.loginGuard)
        }
        try tx.sessions.revokeAll(of: .enterpriseUser, principalID: userID)
    }

    public func updateUser(_ userID: String, name: String?, newPassword: String?, by caller: Caller, audit: AuditContext) async throws(RegistryError) {
        try await updateUser(.userID(userID), name: name, newPassword: newPassword, by: caller, audit: audit)
    }

    /// 修改并重置密码: renames a sub-user and/or sets a new password (ending their sessions and any lock).
    public func updateUser(_ reference: SubUserReference, name: String?, newPassword: String?, by caller: Caller, audit: AuditContext) async throws(RegistryError) {
        let enterprise = try Self.requireAdministrator(caller)
        let scope = Scope(caller)
        var v = Violations()
        let person = name.flatMap { n in v.check("name") { () throws(InvalidValue) in try PersonName(validating: n) } }
        let (userID, account) = try await store.read { tx in try Self.subUser(reference, visibleTo: scope, in: tx.accounts) }
        if let newPassword { _ = v.check("new_password") { () throws(InvalidValue) in try NewPassword(validating: newPassword, account: account) } }
        try v.throwIfAny()
        guard person != nil || newPassword != nil else { throw .invalid("name", .userEditNothing) }
        var newHash: String?
        if let newPassword { newHash = try await hashPassword(newPassword) }
        let hash = newHash
        let now = self.now()
        try await store.write { tx in
            if let person { try tx.accounts.renameEnterpriseUser(id: userID, name: person.rawValue) }
            if let hash {
                try tx.accounts.setEnterpriseUserPassword(id: userID, passwordHash: hash, mustChangePassword: true)
                try Self.passwordReplaced(enterpriseUser: userID, in: tx)
            }
            try tx.audit.append(audit.entry(at: now, tenant: "enterprise:\(enterprise)", target: "enterprise_user:\(userID)",
                                            result: [person != nil ? "renamed" : nil, hash != nil ? "password reset" : nil].compactMap { $0 }.joined(separator: ", ")))
        }
    }

    public func removeUser(_ userID: String, by caller: Caller, audit: AuditContext) async throws(RegistryError) {
        try await removeUser(.userID(userID), by: caller, audit: audit)
    }

    /// Removes a sub-user (by account or id) of the caller's enterprise; their sessions end.
    public func removeUser(_ reference: SubUserReference, by caller: Caller, audit: AuditContext) async throws(RegistryError) {
        let enterprise = try Self.requireAdministrator(caller)
        let scope = Scope(caller)
        let now = self.now()
        try await store.write { tx in
            let (userID, account) = try Self.subUser(reference, visibleTo: scope, in: tx.accounts)
            try tx.sessions.revokeAll(of: .enterpriseUser, principalID: userID)
            try tx.accounts.deleteEnterpriseUser(id: userID)
            try tx.audit.append(audit.entry(at: now, tenant: "enterprise:\(enterprise)", target: "enterprise_user:\(userID)", result: "sub-user \(account) removed"))
        }
    }

    /// Any enterprise user changes their own password with the old one; their sessions end.
    public func changeEnterprisePassword(of caller: Caller, old: String, new: String, audit: AuditContext) async throws(RegistryError) {
        guard case .enterpriseUser(let enterprise, let user, _) = caller else { throw .forbidden(Text(.onlyEnterpriseUsers)) }
        let scope = Scope(caller)
        let row = try await store.read { tx in
            try tx.accounts.enterpriseUser(.id(user), visibleTo: scope).map { ($0.account, $0.passwordHash) }
        }
        guard let (account, current) = row else { throw .notFound(Text(.subUserNotFound, "")) }
        guard try await verifyPassword(old, against: current) else { throw .invalid("old_password", .oldPasswordWrong) }
        var v = Violations()
        _ = v.check("new_password") { () throws(InvalidValue) in try NewPassword(validating: new, account: account) }
        if new == old { v.add("new_password", .passwordUnchanged) }
        try v.throwIfAny()
        let hash = try await hashPassword(new)
        let now = self.now()
        try await store.write { tx in
            try tx.accounts.setEnterpriseUserPassword(id: user, passwordHash: hash, mustChangePassword: false)
            try tx.sessions.revokeAll(of: .enterpriseUser, principalID: user)
            try tx.audit.append(audit.entry(at: now, tenant: "enterprise:\(enterprise)", target: "enterprise_user:\(user)", result: "password changed; sessions revoked"))
        }
    }

    /// Forgotten administrator password: an SMS code goes to the enterprise's bound phone.
    /// Answers the same whether or not the account exists (no account probing); returns the masked phone when sent.
    public func requestEnterprisePasswordReset(account: String, audit: AuditContext) async throws(RegistryError) -> String? {
        let login = account.trimmed
        let phone = try await store.read { tx in try tx.accounts.authenticatedAdministrator(account: login)?.phone }
        guard let phone, !phone.isEmpty else { return nil }
        do {
            try await sendSMSCode(phone: phone, purpose: .passwordReset, audit: audit)
        } catch .rateLimited {
            return nil  // same answer as for an unknown account: no probing through the limit
        }
        return (try? MobileNumber(validating: phone))?.masked
    }

    /// Sets a new administrator password with the SMS code sent to the bound phone.
    public func resetEnterprisePassword(account: String, smsCode: String, newPassword: String, audit: AuditContext) async throws(RegistryError) {
        let login = account.trimmed
        // The cheap checks first, the same for every account, real or not (no probing).
        var v = Violations()
        _ = v.check("new_password") { () throws(InvalidValue) in try NewPassword(validating: newPassword, account: login) }
        if smsCode.count != 6 || !smsCode.allSatisfy(\.isNumber) { v.add("sms_code", .smsCodeFormat) }
        try v.throwIfAny()
        let found = try await store.read { tx in
            try tx.accounts.authenticatedAdministrator(account: login).map { ($0.userID, $0.enterpriseID, $0.phone) }
        }
        // One answer for every code problem and for unknown accounts alike: no account probing.
        let wrongCode = RegistryError.invalid("sms_code", .smsWrongOrExpired)
        guard let (user, enterprise, phoneText) = found, let phone = try? MobileNumber(validating: phoneText) else {
            throw wrongCode
        }
        let now = self.now()
        let policy = self.policy
        // The code is used up (or its try counted) before the password is hashed.
        let spent: RegistryError? = try await store.write { tx in
            try SMSCodes.consume(smsCode, phone: phone, purpose: .passwordReset, field: "sms_code", now: now, policy: policy, in: tx.sms)
        }
        if spent != nil { throw wrongCode }
        let hash = try await hashPassword(newPassword)
        try await store.write { tx in
            try tx.accounts.setEnterpriseUserPassword(id: user, passwordHash: hash, mustChangePassword: false)
            try Self.passwordReplaced(enterpriseUser: user, in: tx)
            try tx.audit.append(audit.entry(at: now, tenant: "enterprise:\(enterprise)", target: "enterprise_user:\(user)", result: "password reset by SMS"))
        }
    }

    static func requireAdministrator(_ caller: Caller) throws(RegistryError) -> String {
        guard case .enterpriseUser(let enterprise, _, let admin) = caller else { throw .forbidden(Text(.onlyEnterpriseUsers)) }
        guard admin else { throw .forbidden(Text(.onlyAdministrator)) }
        return enterprise
    }
}
