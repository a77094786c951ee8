public import Foundation
import Crypto
import GRDB

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
        let enterprise = try Self.requireAdministrator(caller)
        let now = self.now().timeIntervalSince1970
        return try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT id, account, name, is_admin FROM enterprise_users WHERE enterprise_id = ? ORDER BY is_admin DESC, created_at",
                             arguments: [enterprise]).map {
                let account: String = $0["account"]
                return EnterpriseUser(id: $0["id"], account: account, name: $0["name"], administrator: ($0["is_admin"] as Int) == 1,
                                      locked: try LoginGuard(kind: Accounts.PrincipalKind.enterpriseUser.rawValue, key: account).isLocked(now: now, in: db))
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
        try await database.write { db in
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM enterprise_users WHERE account = ?", arguments: [login]) == true {
                throw RegistryError.alreadyExists(Text(.accountTaken, "\(login)"))
            }
            try db.execute(sql: "INSERT INTO enterprise_users (id, enterprise_id, account, name, password_hash, is_admin, enabled, created_at, must_change_password) VALUES (?, ?, ?, ?, ?, 0, 1, ?, 1)",
                           arguments: [id, enterprise, login, person!.rawValue, hash, now.timeIntervalSince1970])
            try AuditLog.append(audit.entry(at: now, tenant: "enterprise:\(enterprise)", target: "enterprise_user:\(id)", result: "sub-user \(login) added"), in: db)
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

    /// The id and account of a sub-user of `enterprise` (never its administrator, never another
    /// enterprise's: those answer NOT_FOUND like an unknown one).
    static func subUser(_ reference: SubUserReference, of enterprise: String, in db: Database) throws -> (id: String, account: String) {
        let column = if case .account = reference { "account" } else { "id" }
        guard let row = try Row.fetchOne(db, sql: "SELECT id, account FROM enterprise_users WHERE \(column) = ? AND enterprise_id = ? AND is_admin = 0",
                                         arguments: [reference.text, enterprise]) else {
            throw RegistryError.notFound(Text(.subUserNotFound, "\(reference.text)"))
        }
        return (row["id"], row["account"])
    }

    public func updateUser(_ userID: String, name: String?, newPassword: String?, by caller: Caller, audit: AuditContext) async throws(RegistryError) {
        try await updateUser(.userID(userID), name: name, newPassword: newPassword, by: caller, audit: audit)
    }

    /// 修改并重置密码: renames a sub-user and/or sets a new password (ending their sessions and any lock).
    public func updateUser(_ reference: SubUserReference, name: String?, newPassword: String?, by caller: Caller, audit: AuditContext) async throws(RegistryError) {
        let enterprise = try Self.requireAdministrator(caller)
        var v = Violations()
        let person = name.flatMap { n in v.check("name") { () throws(InvalidValue) in try PersonName(validating: n) } }
        let (userID, account) = try await database.read { db in try Self.subUser(reference, of: enterprise, in: db) }
        if let newPassword { _ = v.check("new_password") { () throws(InvalidValue) in try NewPassword(validating: newPassword, account: account) } }
        try v.throwIfAny()
        guard person != nil || newPassword != nil else { throw .invalid("name", .userEditNothing) }
        var newHash: String?
        if let newPassword { newHash = try await hashPassword(newPassword) }
        let hash = newHash
        let now = self.now()
        try await database.write { db in
            if let person { try db.execute(sql: "UPDATE enterprise_users SET name = ? WHERE id = ?", arguments: [person.rawValue, userID]) }
            if let hash {
                try db.execute(sql: "UPDATE enterprise_users SET password_hash = ?, must_change_password = 1 WHERE id = ?", arguments: [hash, userID])
            try LoginGuard.clear(enterpriseUser: userID, in: db)
                try db.execute(sql: "UPDATE sessions SET revoked = 1 WHERE principal_kind = 'enterprise_user' AND principal_id = ?", arguments: [userID])
            }
            try AuditLog.append(audit.entry(at: now, tenant: "enterprise:\(enterprise)", target: "enterprise_user:\(userID)",
                                            result: [person != nil ? "renamed" : nil, hash != nil ? "password reset" : nil].compactMap { $0 }.joined(separator: ", ")), in: db)
        }
    }

    public func removeUser(_ userID: String, by caller: Caller, audit: AuditContext) async throws(RegistryError) {
        try await removeUser(.userID(userID), by: caller, audit: audit)
    }

    /// Removes a sub-user (by account or id) of the caller's enterprise; their sessions end.
    public func removeUser(_ reference: SubUserReference, by caller: Caller, audit: AuditContext) async throws(RegistryError) {
        let enterprise = try Self.requireAdministrator(caller)
        let now = self.now()
        try await database.write { db in
            let (userID, account) = try Self.subUser(reference, of: enterprise, in: db)
            try db.execute(sql: "UPDATE sessions SET revoked = 1 WHERE principal_kind = 'enterprise_user' AND principal_id = ?", arguments: [userID])
            try db.execute(sql: "DELETE FROM enterprise_users WHERE id = ?", arguments: [userID])
            try AuditLog.append(audit.entry(at: now, tenant: "enterprise:\(enterprise)", target: "enterprise_user:\(userID)", result: "sub-user \(account) removed"), in: db)
        }
    }

    /// Any enterprise user changes their own password with the old one; their sessions end.
    public func changeEnterprisePassword(of caller: Caller, old: String, new: String, audit: AuditContext) async throws(RegistryError) {
        guard case .enterpriseUser(let enterprise, let user, _) = caller else { throw .forbidden(Text(.onlyEnterpriseUsers)) }
        let row = try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT account, password_hash FROM enterprise_users WHERE id = ?", arguments: [user]).map { ($0["account"] as String, $0["password_hash"] as String) }
        }
        guard let (account, current) = row else { throw .notFound(Text(.subUserNotFound, "")) }
        guard try await verifyPassword(old, against: current) else { throw .invalid("old_password", .oldPasswordWrong) }
        var v = Violations()
        _ = v.check("new_password") { () throws(InvalidValue) in try NewPassword(validating: new, account: account) }
        if new == old { v.add("new_password", .passwordUnchanged) }
        try v.throwIfAny()
        let hash = try await hashPassword(new)
        let now = self.now()
        try await database.write { db in
            try db.execute(sql: "UPDATE enterprise_users SET password_hash = ?, must_change_password = 0 WHERE id = ?", arguments: [hash, user])
            try db.execute(sql: "UPDATE sessions SET revoked = 1 WHERE principal_kind = 'enterprise_user' AND principal_id = ?", arguments: [user])
            try AuditLog.append(audit.entry(at: now, tenant: "enterprise:\(enterprise)", target: "enterprise_user:\(user)", result: "password changed; sessions revoked"), in: db)
        }
    }

    /// Forgotten administrator password: an SMS code goes to the enterprise's bound phone.
    /// Answers the same whether or not the account exists (no account probing); returns the masked phone when sent.
    public func requestEnterprisePasswordReset(account: String, audit: AuditContext) async throws(RegistryError) -> String? {
        let login = account.trimmed
        let phone = try await database.read { db in
            try String.fetchOne(db, sql: """
                SELECT e.phone FROM enterprise_users u JOIN enterprises e ON e.id = u.enterprise_id
                WHERE u.account = ? AND u.is_admin = 1 AND e.status = 'authenticated'
                """, arguments: [login])
        }
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
        let found = try await database.read { db in
            try Row.fetchOne(db, sql: """
                SELECT u.id, e.id AS enterprise, e.phone FROM enterprise_users u JOIN enterprises e ON e.id = u.enterprise_id
                WHERE u.account = ? AND u.is_admin = 1 AND e.status = 'authenticated'
                """, arguments: [login]).map { ($0["id"] as String, $0["enterprise"] as String, $0["phone"] as String) }
        }
        // One answer for every code problem and for unknown accounts alike: no account probing.
        let wrongCode = RegistryError.invalid("sms_code", .smsWrongOrExpired)
        guard let (user, enterprise, phoneText) = found, let phone = try? MobileNumber(validating: phoneText) else {
            throw wrongCode
        }
        let now = self.now()
        let policy = self.policy
        // The code is used up (or its try counted) before the password is hashed.
        let spent: RegistryError? = try await database.write { db in
            try SMSCodes.consume(smsCode, phone: phone, purpose: .passwordReset, field: "sms_code", now: now, policy: policy, in: db)
        }
        if spent != nil { throw wrongCode }
        let hash = try await hashPassword(newPassword)
        try await database.write { db in
            try db.execute(sql: "UPDATE enterprise_users SET password_hash = ?, must_change_password = 0 WHERE id = ?", arguments: [hash, user])
            try LoginGuard.clear(enterpriseUser: user, in: db)
            try db.execute(sql: "UPDATE sessions SET revoked = 1 WHERE principal_kind = 'enterprise_user' AND principal_id = ?", arguments: [user])
            try AuditLog.append(audit.entry(at: now, tenant: "enterprise:\(enterprise)", target: "enterprise_user:\(user)", result: "password reset by SMS"), in: db)
        }
    }

    static func requireAdministrator(_ caller: Caller) throws(RegistryError) -> String {
        guard case .enterpriseUser(let enterprise, _, let admin) = caller else { throw .forbidden(Text(.onlyEnterpriseUsers)) }
        guard admin else { throw .forbidden(Text(.onlyAdministrator)) }
        return enterprise
    }
}
