public import Model
internal import Proto

/// The `jzs.enterprise.v1.Enterprise` service: sign-up (draft token) and login.
public struct EnterpriseService: Sendable {
    let signup: EnterpriseSignup
    let accounts: Accounts
    let applications: Applications
    let info: EnterpriseInfo

    public init(signup: EnterpriseSignup, accounts: Accounts, applications: Applications, info: EnterpriseInfo) {
        self.signup = signup
        self.accounts = accounts
        self.applications = applications
        self.info = info
    }

    public func register(with router: inout Router) {
        let signup = self.signup
        let accounts = self.accounts
        let applications = self.applications
        let info = self.info
        router.register(Methods.Enterprise.getEnterpriseInfo) { _, context in
            Wire.Enterprise.EnterpriseInfo(try await info.profile(of: nil, for: try context.requireEnterpriseUser()))
        }
        router.register(Methods.Enterprise.getAttachment) { request, context in
            let me = try context.requireEnterpriseUser()
            guard let kind = request.kind.domain else { throw RegistryError.invalid("kind", .chooseDocumentKind) }
            let found = try await info.attachment(kind, of: nil, for: me)
            return .init(contentType: found.contentType, content: found.bytes)
        }
        router.register(Methods.Enterprise.updateEnterpriseInfo) { request, context in
            let me = try context.requireEnterpriseUser()
            var documents: [NewAttachment] = []
            for (i, a) in request.attachments.enumerated() { documents.append(try NewAttachment(a, field: "attachments[\(i)].kind")) }
            let result = try await info.update(try enterpriseFieldChanges(request.changes), attachments: documents, by: me, audit: context.audit)
            return .init(applied: result.applied.map(\.rawValue), changeRequest: result.requested.map(Wire.Enterprise.EnterpriseChange.init))
        }
        router.register(Methods.Enterprise.attachToEnterpriseChange) { request, context in
            let me = try context.requireEnterpriseUser()
            guard let attachment = request.attachment else { throw RegistryError.invalid("attachment", .required) }
            return Wire.Enterprise.EnterpriseChange(try await info.attach(try NewAttachment(attachment, field: "attachment.kind"),
                                                                          toChange: request.changeID, by: me, audit: context.audit))
        }
        router.register(Methods.Enterprise.listRegisteredStaff) { request, context in
            let page = try await info.staff(for: try context.requireEnterpriseUser(), nameContains: request.nameContains,
                                            pageSize: Int(request.page?.pageSize ?? 0), pageToken: request.page?.pageToken ?? "")
            return .init(staff: page.items.map(Wire.Enterprise.RegisteredStaff.init), page: .init(nextPageToken: page.nextPageToken, total: UInt64(page.total)))
        }
        router.register(Methods.Enterprise.getRegisteredStaff) { request, context in
            // The 注册编号 when given (what people know), else the registration id.
            let reference: EnterpriseInfo.StaffReference = request.registrationNumber.isEmpty
                ? .registrationID(request.registrationID) : .registrationNumber(request.registrationNumber)
            return Wire.Enterprise.RegisteredStaff(try await info.staffMember(reference, for: try context.requireEnterpriseUser()))
        }
        router.register(Methods.Enterprise.listUsers) { _, context in
            .init(users: try await accounts.users(of: try context.requireEnterpriseUser()).map(Wire.Enterprise.EnterpriseUser.init))
        }
        router.register(Methods.Enterprise.addUser) { request, context in
            Wire.Enterprise.EnterpriseUser(try await accounts.addUser(name: request.name, account: request.account, password: request.password,
                                                                      by: try context.requireEnterpriseUser(), audit: context.audit))
        }
        router.register(Methods.Enterprise.updateUser) { request, context in
            try await accounts.updateUser(request.subUser, name: request.name.isEmpty ? nil : request.name,
                                          newPassword: request.newPassword.isEmpty ? nil : request.newPassword,
                                          by: try context.requireEnterpriseUser(), audit: context.audit)
            return .init()
        }
        router.register(Methods.Enterprise.removeUser) { request, context in
            try await accounts.removeUser(request.subUser, by: try context.requireEnterpriseUser(), audit: context.audit)
            return .init()
        }
        router.register(Methods.Enterprise.changePassword) { request, context in
            try await accounts.changeEnterprisePassword(of: try context.requireEnterpriseUser(), old: request.oldPassword, new: request.newPassword, audit: context.audit)
            return .init()
        }
        router.register(Methods.Enterprise.requestPasswordReset) { request, context in
            if request.account.isEmpty { throw RegistryError.invalid("account", .required) }
            _ = try await accounts.requestEnterprisePasswordReset(account: request.account, audit: context.audit)
            return .init()
        }
        router.register(Methods.Enterprise.resetPassword) { request, context in
            try await accounts.resetEnterprisePassword(account: request.account, smsCode: request.smsCode, newPassword: request.newPassword, audit: context.audit)
            return .init()
        }
        router.register(Methods.Enterprise.getHome) { _, context in
            let me = try context.requireEnterpriseUser()
            let home = try await applications.home(for: me)
            let pending = try await applications.list(for: me, ApplicationFilter(statuses: [.awaitingEnterprise], pageSize: 20), audit: context.audit)
            let name = try await info.profile(of: nil, for: me).fields[.name] ?? ""
            return .init(enterpriseName: name, pending: UInt32(home.pending),
                         byStatus: home.byStatus.sorted { $0.key.rawValue < $1.key.rawValue }.map { .init(status: .init($0.key), count: UInt32($0.value)) },
                         byType: home.byType.sorted { $0.key.rawValue < $1.key.rawValue }.map { .init(type: .init($0.key), count: UInt32($0.value)) },
                         registeredStaff: UInt32(home.registeredStaff), pendingApplications: pending.items.map(Wire.Common.Application.init))
        }
        router.register(Methods.Enterprise.listApplications) { request, context in
            Wire.Common.ApplicationPage(try await applications.list(for: try context.requireEnterpriseUser(),
                                                                    try ApplicationFilter(request, defaultStatuses: [.awaitingEnterprise]), audit: context.audit))
        }
        router.register(Methods.Enterprise.getApplication) { request, context in
            Wire.Common.Application(try await applications.application(request.applicationID, for: try context.requireEnterpriseUser(), audit: context.audit))
        }
        router.register(Methods.Enterprise.reportApplication) { request, context in
            Wire.Common.Application(try await applications.report(request.applicationID, acceptCommitment: request.acceptCommitment,
                                                                   by: try context.requireEnterpriseUser(), audit: context.audit))
        }
        router.register(Methods.Enterprise.batchReportApplications) { request, context in
            let results = try await applications.batchReport(request.applicationIDs, acceptCommitment: request.acceptCommitment,
                                                             idempotencyKey: context.idempotencyKey, by: try context.requireEnterpriseUser(),
                                                             audit: context.audit)
            let reported = results.filter { $0.error == nil }.count
            return .init(results: results.map { r in
                let (code, message, messageCode) = RPCError.item(r.error, language: context.language)
                return .init(applicationID: r.applicationID, code: code, message: message, messageCode: messageCode)
            }, reported: UInt32(reported), failed: UInt32(results.count - reported))
        }
        router.register(Methods.Enterprise.returnApplication) { request, context in
            let me = try context.requireEnterpriseUser()
            try await applications.returnToApplicant(request.applicationID, reason: request.reason, by: me, audit: context.audit)
            return Wire.Common.Application(try await applications.application(request.applicationID, for: me, audit: context.audit))
        }
        router.register(Methods.Enterprise.startSignup) { request, context in
            guard let info = request.info else { throw RegistryError.invalid("info", .required) }
            let started = try await signup.start(EnterpriseBasicInfo(info), audit: context.audit)
            return .init(enterpriseID: started.enterpriseID, draftToken: started.draftToken)
        }
        router.register(Methods.Enterprise.readIdentityLock) { request, _ in
            let read = try signup.readLock(certificatePEM: request.certificatePem)
            return .init(creditCode: read.creditCode, name: read.name)
        }
        router.register(Methods.Enterprise.getSignup) { request, _ in
            Wire.Enterprise.SignupState(try await signup.state(draftToken: request.draftToken))
        }
        router.register(Methods.Enterprise.updateSignupInfo) { request, context in
            let changed = try await signup.correct(draftToken: request.draftToken, changes: try signupInfoChanges(request.changes), audit: context.audit)
            return .init(changed: changed.map(\.rawValue), state: Wire.Enterprise.SignupState(try await signup.state(draftToken: request.draftToken)))
        }
        router.register(Methods.Enterprise.uploadSignupAttachment) { request, context in
            let kind: AttachmentKind
            switch request.kind {
            case .businessLicence: kind = .businessLicence
            case .qualificationCertificate: kind = .qualificationCertificate
            case .unspecified, .unrecognized: throw RegistryError.invalid("kind", .chooseDocumentKind)
            }
            let stored = try await signup.uploadAttachment(draftToken: request.draftToken, kind: kind, content: request.content, audit: context.audit)
            return .init(contentType: stored.contentType, sha256: stored.sha256)
        }
        router.register(Methods.Enterprise.setSignupAdministrator) { request, context in
            try await signup.setAdministrator(draftToken: request.draftToken, name: request.name, account: request.account,
                                              password: request.password, passwordAgain: request.passwordAgain, audit: context.audit)
            return Wire.Enterprise.SignupState(try await signup.state(draftToken: request.draftToken))
        }
        router.register(Methods.Enterprise.bindSignupContact) { request, context in
            try await signup.bindContact(draftToken: request.draftToken, email: request.email, phone: request.phone,
                                         smsCode: request.smsCode, audit: context.audit)
            return Wire.Enterprise.SignupState(try await signup.state(draftToken: request.draftToken))
        }
        router.register(Methods.Enterprise.getLockChallenge) { request, _ in
            .init(challenge: try await signup.lockChallenge(draftToken: request.draftToken), validSeconds: 300)
        }
        router.register(Methods.Enterprise.authenticateWithLock) { request, context in
            Wire.Enterprise.SignupState(try await signup.authenticateWithLock(
                draftToken: request.draftToken, certificatePEM: request.certificatePem, signature: request.signature, audit: context.audit))
        }
        router.register(Methods.Enterprise.requestOnSiteAuthentication) { request, context in
            Wire.Enterprise.SignupState(try await signup.requestOnSite(
                draftToken: request.draftToken, associated: request.associated,
                certificatePEM: request.certificatePem.isEmpty ? nil : request.certificatePem, signature: request.signature, audit: context.audit))
        }
        router.register(Methods.Enterprise.login) { request, context in
            var violations = Violations()
            if request.account.isEmpty { violations.add("account", .required) }
            if request.password.isEmpty { violations.add("password", .required) }
            try violations.throwIfAny()
            let result = try await accounts.loginEnterpriseUser(account: request.account, password: request.password, audit: context.audit)
            return .init(sessionToken: result.token, administrator: result.admin,
                         idleTimeoutSeconds: UInt32(accounts.policy.sessionIdleTimeout),
                         absoluteTimeoutSeconds: UInt32(accounts.policy.sessionAbsoluteTimeout),
                         passwordChangeRequired: result.mustChangePassword)
        }
        router.register(Methods.Enterprise.logout) { _, context in
            _ = try context.requireEnterpriseUser()
            if let token = context.sessionToken { try await accounts.logout(token: token, audit: context.audit) }
            return .init()
        }
    }
}

extension Wire.Enterprise.UpdateUserRequest {
    /// The sub-user by account when given, else by id.
    var subUser: Accounts.SubUserReference { account.isEmpty ? .userID(userID) : .account(account) }
}

extension Wire.Enterprise.RemoveUserRequest {
    /// The sub-user by account when given, else by id.
    var subUser: Accounts.SubUserReference { account.isEmpty ? .userID(userID) : .account(account) }
}
