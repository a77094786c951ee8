public import Model
internal import Proto

/// `Public/SendSmsCode`: SMS codes for registration, sign-up and password reset.
public struct SMSService: Sendable {
    let accounts: Accounts

    public init(accounts: Accounts) { self.accounts = accounts }

    public func register(with router: inout Router) {
        let accounts = self.accounts
        router.register(Methods.Public.sendSmsCode) { request, context in
            let purpose: SMSPurpose
            switch request.purpose {
            case .individualRegistration: purpose = .individualRegistration
            case .enterpriseSignup: purpose = .enterpriseSignup
            case .passwordReset: purpose = .passwordReset
            case .unspecified, .unrecognized:
                throw RegistryError.invalid("purpose", .smsPurpose)
            }
            try await accounts.sendSMSCode(phone: request.phone, purpose: purpose, audit: context.audit)
            return .init(validSeconds: UInt32(accounts.policy.smsCodeLifetime))
        }
    }
}
