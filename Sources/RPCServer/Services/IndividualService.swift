public import Model
internal import Proto

/// The `jzs.individual.v1.Individual` service: an individual's own account.
public struct IndividualService: Sendable {
    let accounts: Accounts
    let applications: Applications

    public init(accounts: Accounts, applications: Applications) {
        self.accounts = accounts
        self.applications = applications
    }

    public func register(with router: inout Router) {
        let accounts = self.accounts
        let applications = self.applications
        // Every session-bound handler checks the caller before it looks at the request.
        router.register(Methods.Individual.submitApplication) { request, context in
            let me = try context.requireIndividual()
            guard let draft = request.draft else { throw RegistryError.invalid("draft", .required) }
            return Wire.Common.Application(try await applications.submit(ApplicationDraft(draft), by: me, audit: context.audit))
        }
        router.register(Methods.Individual.listApplications) { request, context in
            Wire.Common.ApplicationPage(try await applications.list(for: try context.requireIndividual(), try ApplicationFilter(request), audit: context.audit))
        }
        router.register(Methods.Individual.getApplication) { request, context in
            Wire.Common.Application(try await applications.application(request.applicationID, for: try context.requireIndividual(), audit: context.audit))
        }
        router.register(Methods.Individual.withdrawApplication) { request, context in
            let me = try context.requireIndividual()
            try await applications.withdraw(request.applicationID, by: me, audit: context.audit)
            return Wire.Common.Application(try await applications.application(request.applicationID, for: me, audit: context.audit))
        }
        router.register(Methods.Individual.resubmitApplication) { request, context in
            let me = try context.requireIndividual()
            guard let draft = request.draft else { throw RegistryError.invalid("draft", .required) }
            return Wire.Common.Application(try await applications.resubmit(request.applicationID, ApplicationDraft(draft), by: me, audit: context.audit))
        }
        router.register(Methods.Individual.createAccount) { request, context in
            let id = try await accounts.registerIndividual(
                IndividualRegistration(idNumber: request.idNumber, name: request.name, phone: request.phone,
                                       password: request.password, passwordAgain: request.passwordAgain, smsCode: request.smsCode),
                audit: context.audit)
            return .init(individualID: id)
        }
        router.register(Methods.Individual.login) { request, context in
            var violations = Violations()
            if request.idNumber.isEmpty { violations.add("id_number", .required) }
            if request.password.isEmpty { violations.add("password", .required) }
            try violations.throwIfAny()
            let result = try await accounts.loginIndividual(idNumber: request.idNumber, password: request.password, audit: context.audit)
            return .init(sessionToken: result.token, idleTimeoutSeconds: UInt32(accounts.policy.sessionIdleTimeout),
                         absoluteTimeoutSeconds: UInt32(accounts.policy.sessionAbsoluteTimeout),
                         passwordChangeRequired: result.mustChangePassword)
        }
        router.register(Methods.Individual.requestPasswordReset) { request, context in
            try await accounts.requestIndividualPasswordReset(idNumber: request.idNumber, audit: context.audit)
            return .init()
        }
        router.register(Methods.Individual.resetPassword) { request, context in
            try await accounts.resetIndividualPassword(idNumber: request.idNumber, smsCode: request.smsCode,
                                                       newPassword: request.newPassword, audit: context.audit)
            return .init()
        }
        router.register(Methods.Individual.logout) { _, context in
            _ = try context.requireIndividual()
            if let token = context.sessionToken { try await accounts.logout(token: token, audit: context.audit) }
            return .init()
        }
        router.register(Methods.Individual.getProfile) { _, context in
            let profile = try await accounts.profile(of: try context.requireIndividual())
            return .init(individualID: profile.id, name: profile.name, idNumberMasked: profile.maskedIDNumber, phoneMasked: profile.maskedPhone)
        }
        router.register(Methods.Individual.changePassword) { request, context in
            try await accounts.changePassword(of: try context.requireIndividual(), old: request.oldPassword,
                                              new: request.newPassword, audit: context.audit)
            return .init()
        }
    }
}
