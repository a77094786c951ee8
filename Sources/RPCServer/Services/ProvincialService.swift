public import Model
internal import Proto
internal import Foundation

/// The `jzs.provincial.v1.Provincial` service (province certificate; own province only).
public struct ProvincialService: Sendable {
    let signup: EnterpriseSignup
    let info: EnterpriseInfo
    let applications: Applications

    public init(signup: EnterpriseSignup, info: EnterpriseInfo, applications: Applications) {
        self.signup = signup
        self.info = info
        self.applications = applications
    }

    public func register(with router: inout Router) {
        let signup = self.signup
        let info = self.info
        let applications = self.applications
        router.register(Methods.Provincial.listApplications) { request, context in
            let me = try context.requireProvince()
            return Wire.Common.ApplicationPage(try await applications.list(for: me, try ApplicationFilter(request, defaultStatuses: [.awaitingProvince]), audit: context.audit))
        }
        router.register(Methods.Provincial.exportApplications) { request, context, stream in
            let me = try context.requireProvince()
            try await applications.export(for: me, try ApplicationFilter(request, defaultStatuses: [.awaitingProvince]), audit: context.audit) { page in
                for a in page.items { try await stream.send(Wire.Common.Application(a)) }
            }
        }
        router.register(Methods.Provincial.getApplication) { request, context in
            Wire.Common.Application(try await applications.application(request.applicationID, for: try context.requireProvince(), audit: context.audit))
        }
        router.register(Methods.Provincial.acceptApplication) { request, context in
            Wire.Common.Application(try await applications.accept(request.applicationID, by: try context.requireProvince(operatorNeeded: true), audit: context.audit))
        }
        router.register(Methods.Provincial.returnApplication) { request, context in
            Wire.Common.Application(try await applications.returnForCorrection(request.applicationID, reason: request.reason,
                                                                               by: try context.requireProvince(operatorNeeded: true), audit: context.audit))
        }
        router.register(Methods.Provincial.refuseApplication) { request, context in
            Wire.Common.Application(try await applications.refuse(request.applicationID, reason: request.reason,
                                                                  by: try context.requireProvince(operatorNeeded: true), audit: context.audit))
        }
        router.register(Methods.Provincial.getStatistics) { _, context in
            Wire.Common.ApplicationStatistics(try await applications.statistics(for: try context.requireProvince()))
        }
        router.register(Methods.Provincial.listEnterpriseChanges) { _, context in
            .init(changes: try await info.pendingChanges(for: try context.requireProvince()).map(Wire.Enterprise.EnterpriseChange.init))
        }
        router.register(Methods.Provincial.decideEnterpriseChange) { request, context in
            try await info.decide(request.changeID, approve: request.approve, reason: request.reason,
                                  by: try context.requireProvince(operatorNeeded: true), audit: context.audit)
            return .init()
        }
        router.register(Methods.Provincial.getEnterpriseChangeAttachment) { request, context in
            let province = try context.requireProvince()
            guard let kind = request.kind.domain else { throw RegistryError.invalid("kind", .chooseDocumentKind) }
            let found = try await info.changeAttachment(kind, ofChange: request.changeID, for: province, audit: context.audit)
            return .init(contentType: found.contentType, content: found.bytes, sha256: found.sha256)
        }
        router.register(Methods.Provincial.getSignupAttachment) { request, context in
            let province = try context.requireProvince()
            guard let kind = request.kind.domain else { throw RegistryError.invalid("kind", .chooseDocumentKind) }
            let found = try await signup.signupAttachment(enterpriseID: request.enterpriseID, kind: kind, by: province, audit: context.audit)
            return .init(contentType: found.contentType, content: found.bytes, sha256: found.sha256)
        }
        router.register(Methods.Provincial.getEnterpriseInfo) { request, context in
            Wire.Enterprise.EnterpriseInfo(try await info.profile(of: request.enterpriseID, for: try context.requireProvince()))
        }
        router.register(Methods.Provincial.listPendingSignups) { _, context in
            .init(signups: try await signup.pendingSignups(for: try context.requireProvince()).map(Wire.Enterprise.SignupState.init))
        }
        router.register(Methods.Provincial.authenticateSignup) { request, context in
            let province = try context.requireProvince(operatorNeeded: true)
            return Wire.Enterprise.SignupState(try await signup.authenticateOnSite(enterpriseID: request.enterpriseID, by: province, audit: context.audit))
        }
        router.register(Methods.Provincial.returnSignup) { request, context in
            let province = try context.requireProvince(operatorNeeded: true)
            try await signup.returnSignup(enterpriseID: request.enterpriseID, reason: request.reason, by: province, audit: context.audit)
            return .init()
        }
        router.register(Methods.Provincial.lookupAdministratorAccount) { request, context in
            let province = try context.requireProvince(operatorNeeded: true)
            let found = try await signup.lookupAdministratorAccount(creditCode: request.creditCode, by: province, audit: context.audit)
            return .init(enterpriseID: found.enterpriseID, enterpriseName: found.name, administratorAccount: found.account)
        }
        router.register(Methods.Provincial.resetAdministratorPassword) { request, context in
            let province = try context.requireProvince(operatorNeeded: true)
            return .init(temporaryPassword: try await signup.resetAdministratorPassword(enterpriseID: request.enterpriseID, by: province, audit: context.audit))
        }
        router.register(Methods.Provincial.reassignIndividualAccount) { request, context in
            let province = try context.requireProvince(operatorNeeded: true)
            return .init(temporaryPassword: try await signup.accounts.reassignIndividual(
                idNumber: request.idNumber, name: request.name, phone: request.phone, verification: request.verification,
                by: province, audit: context.audit))
        }
    }
}

extension CallContext {
    /// The caller as a province; with `operatorNeeded`, the `operator` metadata entry must name
    /// the acting person (it goes into the audit log).
    func requireProvince(operatorNeeded: Bool = false) throws(RegistryError) -> Caller {
        guard case .province = caller else { throw .forbidden(Text(.needsProvinceCertificate)) }
        if operatorNeeded { try requireOperator() }
        return caller
    }

    /// Provincial and ministry changes name the acting person in the `operator` metadata entry (audited).
    func requireOperator() throws(RegistryError) {
        if (operatorName ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            throw .invalid("metadata.operator", .operatorRequired)
        }
    }
}
