import Crypto
import Foundation
import GRDB

/// A forgotten individual password (issue #9): an SMS code to the phone bound to the ID number,
/// then a new password with that code. Both steps answer the same whether or not the account
/// exists, so neither probes which ID numbers have accounts.
extension Accounts {
    /// Sends a reset code to the bound phone, if there is an account; returns nothing either way.
    public func requestIndividualPasswordReset(idNumber: String, audit: AuditContext) async throws(RegistryError) {
        let key = idNumber.trimmingCharacters(in: .whitespaces).uppercased()
        var v = Violations()
        _ = v.check("id_number") { () throws(InvalidValue) in try IDNumber(validating: key, today: now()) }
        try v.throwIfAny()
        let phone = try await database.read { db in
            try String.fetchOne(db, sql: "SELECT phone FROM individuals WHERE id_number = ?", arguments: [key])
        }
        guard let phone, !phone.isEmpty else { return }
        do {
            try await sendSMSCode(phone: phone, purpose: .passwordReset, audit: audit)
        } catch .rateLimited {
            return  // the same answer as for an unknown ID number
        }
    }

    /// Sets a new password with the code sent to the bound phone; ends every session and clears
    /// the login lock and any temporary-password flag.
    public func resetIndividualPassword(idNumber: String, smsCode: String, newPassword: String, audit: AuditContext) async throws(RegistryError) {
        let key = idNumber.trimmingCharacters(in: .whitespaces).uppercased()
        var v = Violations()
        let id = v.check("id_number") { () throws(InvalidValue) in try IDNumber(validating: key, today: self.now()) }
        _ = v.check("new_password") { () throws(InvalidValue) in try NewPassword(validating: newPassword, account: key) }
        if smsCode.count != 6 || !smsCode.allSatisfy(\.isNumber) { v.add("sms_code", .smsCodeFormat) }
        try v.throwIfAny()
        let found = try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT id, phone FROM individuals WHERE id_number = ?", arguments: [key])
                .map { ($0["id"] as String, $0["phone"] as String) }
        }
        // One answer for unknown ID numbers and every code problem alike.
        let refused = RegistryError.invalid("sms_code", .smsWrongOrExpired)
        guard let (account, phoneText) = found, let phone = try? MobileNumber(validating: phoneText) else { throw refused }
        let now = self.now()
        let policy = self.policy
        let spent: RegistryError? = try await database.write { db in
            try SMSCodes.consume(smsCode, phone: phone, purpose: .passwordReset, field: "sms_code", now: now, policy: policy, in: db)
        }
        if spent != nil { throw refused }
        let hash = try await hashPassword(newPassword)
        try await database.write { db in
            try db.execute(sql: "UPDATE individuals SET password_hash = ?, must_change_password = 0 WHERE id = ?", arguments: [hash, account])
            try db.execute(sql: "UPDATE sessions SET revoked = 1 WHERE principal_kind = 'individual' AND principal_id = ?", arguments: [account])
            try LoginGuard(kind: PrincipalKind.individual.rawValue, key: key).clear(in: db)
            try AuditLog.append(audit.entry(at: now, tenant: "individual:\(account)", target: "individual:\(account) \(id!.masked)",
                                            result: "password reset by SMS; sessions revoked"), in: db)
        }
    }
}
