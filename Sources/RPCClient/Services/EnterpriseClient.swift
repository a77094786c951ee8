public import Proto

/// Typed calls of the `jzs.enterprise.v1.Enterprise` service.
public struct EnterpriseClient: Sendable {
    let client: Client

    public func sendSignupCode(phone: String) async throws -> UInt32 {
        try await client.unary(Methods.Public.sendSmsCode, .init(phone: phone, purpose: .enterpriseSignup)).validSeconds
    }

    public func startSignup(_ info: Wire.Enterprise.EnterpriseBasicInfo) async throws -> Wire.Enterprise.StartSignupResponse {
        try await client.unary(Methods.Enterprise.startSignup, .init(info: info))
    }

    public func readIdentityLock(certificatePEM: String) async throws -> Wire.Enterprise.ReadIdentityLockResponse {
        try await client.unary(Methods.Enterprise.readIdentityLock, .init(certificatePem: certificatePEM))
    }

    public func signup(draftToken: String) async throws -> Wire.Enterprise.SignupState {
        try await client.unary(Methods.Enterprise.getSignup, .init(draftToken: draftToken))
    }

    /// Corrects step 1 of a draft: fields of EnterpriseBasicInfo by wire name → new value.
    public func correctSignup(draftToken: String, _ changes: [(String, String)]) async throws -> Wire.Enterprise.UpdateSignupInfoResponse {
        try await client.unary(Methods.Enterprise.updateSignupInfo, .init(draftToken: draftToken, changes: changes.map { .init(field: $0.0, value: $0.1) }))
    }

    public func upload(draftToken: String, kind: Wire.Enterprise.AttachmentKind, content: [UInt8]) async throws -> Wire.Enterprise.UploadSignupAttachmentResponse {
        try await client.unary(Methods.Enterprise.uploadSignupAttachment, .init(draftToken: draftToken, kind: kind, content: content))
    }

    public func setAdministrator(draftToken: String, name: String, account: String, password: String, passwordAgain: String) async throws -> Wire.Enterprise.SignupState {
        try await client.unary(Methods.Enterprise.setSignupAdministrator,
                               .init(draftToken: draftToken, name: name, account: account, password: password, passwordAgain: passwordAgain))
    }

    public func bindContact(draftToken: String, email: String, phone: String, smsCode: String) async throws -> Wire.Enterprise.SignupState {
        try await client.unary(Methods.Enterprise.bindSignupContact, .init(draftToken: draftToken, email: email, phone: phone, smsCode: smsCode))
    }

    public func lockChallenge(draftToken: String) async throws -> [UInt8] {
        try await client.unary(Methods.Enterprise.getLockChallenge, .init(draftToken: draftToken)).challenge
    }

    public func authenticateWithLock(draftToken: String, certificatePEM: String, signature: [UInt8]) async throws -> Wire.Enterprise.SignupState {
        try await client.unary(Methods.Enterprise.authenticateWithLock, .init(draftToken: draftToken, certificatePem: certificatePEM, signature: signature))
    }

    public func requestOnSite(draftToken: String, associated: Bool, certificatePEM: String = "", signature: [UInt8] = []) async throws -> Wire.Enterprise.SignupState {
        try await client.unary(Methods.Enterprise.requestOnSiteAuthentication,
                               .init(draftToken: draftToken, associated: associated, certificatePem: certificatePEM, signature: signature))
    }

    public func login(account: String, password: String) async throws -> Wire.Enterprise.LoginResponse {
        try await client.unary(Methods.Enterprise.login, .init(account: account, password: password))
    }

    public func logout() async throws {
        _ = try await client.unary(Methods.Enterprise.logout, .init())
    }

    public func home() async throws -> Wire.Enterprise.GetHomeResponse {
        try await client.unary(Methods.Enterprise.getHome, .init())
    }

    public func applications(_ query: Wire.Common.ApplicationQuery = .init()) async throws -> Wire.Common.ApplicationPage {
        try await client.unary(Methods.Enterprise.listApplications, query)
    }

    public func application(_ id: String) async throws -> Wire.Common.Application {
        try await client.unary(Methods.Enterprise.getApplication, .init(applicationID: id))
    }

    public func report(_ id: String, acceptCommitment: Bool) async throws -> Wire.Common.Application {
        try await client.unary(Methods.Enterprise.reportApplication, .init(applicationID: id, acceptCommitment: acceptCommitment))
    }

    /// Reports many applications under one idempotency key (retry with the same key after a failure).
    public func batchReport(_ ids: [String], acceptCommitment: Bool, idempotencyKey: String) async throws -> Wire.Enterprise.BatchReportApplicationsResponse {
        try await client.unary(Methods.Enterprise.batchReportApplications,
                               .init(applicationIDs: ids, acceptCommitment: acceptCommitment), metadata: .idempotency(idempotencyKey), timeout: .seconds(120))
    }

    public func returnApplication(_ id: String, reason: String) async throws -> Wire.Common.Application {
        try await client.unary(Methods.Enterprise.returnApplication, .init(applicationID: id, reason: reason))
    }

    public func info() async throws -> Wire.Enterprise.EnterpriseInfo {
        try await client.unary(Methods.Enterprise.getEnterpriseInfo, .init())
    }

    public func attachment(_ kind: Wire.Enterprise.AttachmentKind) async throws -> Wire.Enterprise.GetAttachmentResponse {
        try await client.unary(Methods.Enterprise.getAttachment, .init(kind: kind))
    }

    /// Changes enterprise information; `attachments` (营业执照, 资质证明) go with the change request.
    public func updateInfo(_ changes: [(String, String)], attachments: [Wire.Enterprise.ChangeAttachment] = []) async throws -> Wire.Enterprise.UpdateEnterpriseInfoResponse {
        try await client.unary(Methods.Enterprise.updateEnterpriseInfo,
                               .init(changes: changes.map { .init(field: $0.0, value: $0.1) }, attachments: attachments))
    }

    /// Attaches a document to the enterprise's pending change request (replacing one of its kind).
    public func attachToChange(_ changeID: String, kind: Wire.Enterprise.AttachmentKind, content: [UInt8]) async throws -> Wire.Enterprise.EnterpriseChange {
        try await client.unary(Methods.Enterprise.attachToEnterpriseChange, .init(changeID: changeID, attachment: .init(kind: kind, content: content)))
    }

    public func staff(nameContains: String = "", pageSize: UInt32 = 50, pageToken: String = "") async throws -> Wire.Enterprise.ListRegisteredStaffResponse {
        try await client.unary(Methods.Enterprise.listRegisteredStaff, .init(nameContains: nameContains, page: .init(pageSize: pageSize, pageToken: pageToken)))
    }

    public func staffMember(_ id: String) async throws -> Wire.Enterprise.RegisteredStaff {
        try await client.unary(Methods.Enterprise.getRegisteredStaff, .init(registrationID: id))
    }

    /// A registered person of the caller's enterprise by 注册编号.
    public func staffMember(registrationNumber: String) async throws -> Wire.Enterprise.RegisteredStaff {
        try await client.unary(Methods.Enterprise.getRegisteredStaff, .init(registrationNumber: registrationNumber))
    }

    public func users() async throws -> [Wire.Enterprise.EnterpriseUser] {
        try await client.unary(Methods.Enterprise.listUsers, .init()).users
    }

    public func addUser(name: String, account: String, password: String) async throws -> Wire.Enterprise.EnterpriseUser {
        try await client.unary(Methods.Enterprise.addUser, .init(name: name, account: account, password: password))
    }

    public func updateUser(_ id: String, name: String = "", newPassword: String = "") async throws {
        _ = try await client.unary(Methods.Enterprise.updateUser, .init(userID: id, name: name, newPassword: newPassword))
    }

    public func removeUser(_ id: String) async throws {
        _ = try await client.unary(Methods.Enterprise.removeUser, .init(userID: id))
    }

    /// Renames a sub-user and/or sets a password, naming the sub-user by account.
    public func updateUser(account: String, name: String = "", newPassword: String = "") async throws {
        _ = try await client.unary(Methods.Enterprise.updateUser, .init(account: account, name: name, newPassword: newPassword))
    }

    /// Removes a sub-user by account.
    public func removeUser(account: String) async throws {
        _ = try await client.unary(Methods.Enterprise.removeUser, .init(account: account))
    }

    public func changePassword(old: String, new: String) async throws {
        _ = try await client.unary(Methods.Enterprise.changePassword, .init(oldPassword: old, newPassword: new))
    }

    public func requestPasswordReset(account: String) async throws {
        _ = try await client.unary(Methods.Enterprise.requestPasswordReset, .init(account: account))
    }

    public func resetPassword(account: String, smsCode: String, newPassword: String) async throws {
        _ = try await client.unary(Methods.Enterprise.resetPassword, .init(account: account, smsCode: smsCode, newPassword: newPassword))
    }
}

/// Typed calls of the `jzs.provincial.v1.Provincial` service (province certificate; set the
/// `operator` metadata in the client configuration).
public struct ProvincialClient: Sendable {
    let client: Client

    public func pendingSignups() async throws -> [Wire.Enterprise.SignupState] {
        try await client.unary(Methods.Provincial.listPendingSignups, .init()).signups
    }

    /// A sign-up's 营业执照 or 资质证明 (own province; audited).
    public func signupAttachment(enterpriseID: String, kind: Wire.Enterprise.AttachmentKind) async throws -> Wire.Provincial.GetSignupAttachmentResponse {
        try await client.unary(Methods.Provincial.getSignupAttachment, .init(enterpriseID: enterpriseID, kind: kind))
    }

    /// A document filed with a change request (own province; audited).
    public func changeAttachment(changeID: String, kind: Wire.Enterprise.AttachmentKind) async throws -> Wire.Provincial.GetEnterpriseChangeAttachmentResponse {
        try await client.unary(Methods.Provincial.getEnterpriseChangeAttachment, .init(changeID: changeID, kind: kind))
    }

    public func authenticate(enterpriseID: String) async throws -> Wire.Enterprise.SignupState {
        try await client.unary(Methods.Provincial.authenticateSignup, .init(enterpriseID: enterpriseID))
    }

    public func returnSignup(enterpriseID: String, reason: String) async throws {
        _ = try await client.unary(Methods.Provincial.returnSignup, .init(enterpriseID: enterpriseID, reason: reason))
    }

    public func lookupAdministrator(creditCode: String) async throws -> Wire.Provincial.LookupAdministratorAccountResponse {
        try await client.unary(Methods.Provincial.lookupAdministratorAccount, .init(creditCode: creditCode))
    }

    public func resetAdministratorPassword(enterpriseID: String) async throws -> String {
        try await client.unary(Methods.Provincial.resetAdministratorPassword, .init(enterpriseID: enterpriseID)).temporaryPassword
    }

    /// Gives an individual account back to its owner after checking them in person; returns
    /// the temporary password.
    public func reassignIndividualAccount(idNumber: String, name: String, phone: String, verification: String) async throws -> String {
        try await client.unary(Methods.Provincial.reassignIndividualAccount,
                               .init(idNumber: idNumber, name: name, phone: phone, verification: verification)).temporaryPassword
    }

    public func enterpriseChanges() async throws -> [Wire.Enterprise.EnterpriseChange] {
        try await client.unary(Methods.Provincial.listEnterpriseChanges, .init()).changes
    }

    public func decideChange(_ id: String, approve: Bool, reason: String = "") async throws {
        _ = try await client.unary(Methods.Provincial.decideEnterpriseChange, .init(changeID: id, approve: approve, reason: reason))
    }

    public func enterprise(_ id: String) async throws -> Wire.Enterprise.EnterpriseInfo {
        try await client.unary(Methods.Provincial.getEnterpriseInfo, .init(enterpriseID: id))
    }
}

extension Client {
    public var enterprise: EnterpriseClient { EnterpriseClient(client: self) }
    public var provincial: ProvincialClient { ProvincialClient(client: self) }
}
