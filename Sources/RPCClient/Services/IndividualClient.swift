public import Proto

/// Typed calls of the `jzs.individual.v1.Individual` service and `Public/SendSmsCode`.
/// Session-bound calls use the `authorization` metadata of the client's configuration.
public struct IndividualClient: Sendable {
    let client: Client

    public func sendRegistrationCode(phone: String) async throws -> UInt32 {
        try await client.unary(Methods.Public.sendSmsCode, .init(phone: phone, purpose: .individualRegistration)).validSeconds
    }

    public func createAccount(_ request: Wire.Individual.CreateAccountRequest) async throws -> String {
        try await client.unary(Methods.Individual.createAccount, request).individualID
    }

    /// Returns the session token.
    public func login(idNumber: String, password: String) async throws -> Wire.Individual.LoginResponse {
        try await client.unary(Methods.Individual.login, .init(idNumber: idNumber, password: password))
    }

    public func logout() async throws {
        _ = try await client.unary(Methods.Individual.logout, .init())
    }

    /// Forgotten password, step 1: an SMS code goes to the phone bound to `idNumber` (the same
    /// answer whether or not there is such an account).
    public func requestPasswordReset(idNumber: String) async throws {
        _ = try await client.unary(Methods.Individual.requestPasswordReset, .init(idNumber: idNumber))
    }

    /// Forgotten password, step 2: the SMS code and the new password; every session ends.
    public func resetPassword(idNumber: String, smsCode: String, newPassword: String) async throws {
        _ = try await client.unary(Methods.Individual.resetPassword, .init(idNumber: idNumber, smsCode: smsCode, newPassword: newPassword))
    }

    public func profile() async throws -> Wire.Individual.GetProfileResponse {
        try await client.unary(Methods.Individual.getProfile, .init())
    }

    public func changePassword(old: String, new: String) async throws {
        _ = try await client.unary(Methods.Individual.changePassword, .init(oldPassword: old, newPassword: new))
    }

    public func submit(_ draft: Wire.Common.ApplicationDraft) async throws -> Wire.Common.Application {
        try await client.unary(Methods.Individual.submitApplication, .init(draft: draft))
    }

    public func applications(_ query: Wire.Common.ApplicationQuery = .init()) async throws -> Wire.Common.ApplicationPage {
        try await client.unary(Methods.Individual.listApplications, query)
    }

    public func application(_ id: String) async throws -> Wire.Common.Application {
        try await client.unary(Methods.Individual.getApplication, .init(applicationID: id))
    }

    public func withdraw(_ id: String) async throws -> Wire.Common.Application {
        try await client.unary(Methods.Individual.withdrawApplication, .init(applicationID: id))
    }

    public func resubmit(_ id: String, _ draft: Wire.Common.ApplicationDraft) async throws -> Wire.Common.Application {
        try await client.unary(Methods.Individual.resubmitApplication, .init(applicationID: id, draft: draft))
    }
}

extension Client {
    /// The individual tier.
    public var individual: IndividualClient { IndividualClient(client: self) }
}
