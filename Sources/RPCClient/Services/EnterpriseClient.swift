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
        var metadata = Metadata()
        metadata[Metadata.Key.idempotencyKey] = idempotencyKey
        return try await client.unary(Methods.Enterprise.batchReportApplications,
                                      .init(applicationIDs: ids, acceptCommitment: acceptCommitment), metadata: metadata, timeout: .seconds(120))
    }

    public func returnApplication(_ id: String, reason: String) async throws -> Wire.Common.Application {
        try await client.unary(Methods.Enterprise.returnApplication, .init(applicationID: id, reason: reason))
    }
}

/// Typed calls of the `jzs.provincial.v1.Provincial` service (province certificate; set the
/// `operator` metadata in the client configuration).
public struct ProvincialClient: Sendable {
    let client: Client

    public func pendingSignups() async throws -> [Wire.Enterprise.SignupState] {
        try await client.unary(Methods.Provincial.listPendingSignups, .init()).signups
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
}

extension Client {
    public var enterprise: EnterpriseClient { EnterpriseClient(client: self) }
    public var provincial: ProvincialClient { ProvincialClient(client: self) }
}
