import Foundation

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
        let phone = try await store.read { tx in try tx.accounts.individual(idNumber: key)?.phone }
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
        let found = try await store.read { tx in try tx.accounts.individual(idNumber: key).map { ($0.id, $0.phone) } }
        // One answer for unknown ID numbers and every code problem alike.
        let refused = RegistryError.invalid("sms_code", .smsWrongOrExpired)
        guard let (account, phoneText) = found, let phone = try? MobileNumber(validating: phoneText) else { throw refused }
        let now = self.now()
        let policy = self.policy
        let spent: RegistryError? = try await store.write { tx in
            try SMSCodes.consume(smsCode, phone: phone, purpose: .passwordReset, field: "sms_code", now: now, policy: policy, in: tx.sms)
        }
        if spent != nil { throw refused }
        let hash = try await hashPassword(newPassword)
        try await store.write { tx in
            try tx.accounts.setIndividualPassword(id: account, passwordHash: hash, mustChangePassword: false)
            try tx.sessions.revokeAll(of: .individual, principalID: account)
            try LoginGuard(kind: .individual, key: key).clear(in: tx.loginGuard)
            try tx.audit.append(audit.entry(at: now, tenant: "individual:\(account)", target: "individual:\(account) \(id!.masked)",
                                            result: "password reset by SMS; sessions revoked"))
        }
    }
}
