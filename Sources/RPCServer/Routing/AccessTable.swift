public import Model
public import Proto
internal import Foundation

/// Who may call one method: the kinds of caller, whether the `operator` metadata entry must name
/// the acting person, and whether a session opened with a temporary password may call it.
///
/// The ``Router`` checks the rule of a method before it decodes the request or runs the handler
/// (docs/PROTOCOL.md, "Who may call what"), for every transport.
public struct Access: Sendable, Hashable, CustomStringConvertible {
    /// Kinds of caller, as a set.
    public struct Callers: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        /// No client certificate and no session (TLS only).
        public static let anonymous = Callers(rawValue: 1 << 0)
        /// A session of an individual (个人).
        public static let individual = Callers(rawValue: 1 << 1)
        /// A session of an enterprise user who is not its administrator (二级用户).
        public static let enterpriseUser = Callers(rawValue: 1 << 2)
        /// A session of the enterprise's administrator (企业管理员).
        public static let enterpriseAdministrator = Callers(rawValue: 1 << 3)
        /// A province's client certificate.
        public static let province = Callers(rawValue: 1 << 4)
        /// The ministry's client certificate.
        public static let ministry = Callers(rawValue: 1 << 5)

        /// Every enterprise session, administrator or not.
        public static let enterprise: Callers = [.enterpriseUser, .enterpriseAdministrator]
        /// Everyone, with or without credentials.
        public static let anyone: Callers = [.anonymous, .individual, .enterprise, .province, .ministry]

        /// The kind of one caller.
        public init(_ caller: Caller) {
            switch caller {
            case .anonymous: self = .anonymous
            case .individual: self = .individual
            case .enterpriseUser(_, _, let admin): self = admin ? .enterpriseAdministrator : .enterpriseUser
            case .province: self = .province
            case .ministry: self = .ministry
            }
        }
    }

    public let callers: Callers
    /// The `operator` metadata entry must name the person acting (it goes into the audit log).
    public let operatorRequired: Bool
    /// A session opened with a temporary password may call it (before changing the password).
    public let whileChangingPassword: Bool

    public init(_ callers: Callers, operatorRequired: Bool = false, whileChangingPassword: Bool = false) {
        self.callers = callers
        self.operatorRequired = operatorRequired
        self.whileChangingPassword = whileChangingPassword
    }

    /// Anyone, with or without credentials; not while a temporary password must be changed.
    public static let anyone = Access(.anyone)
    public static let individual = Access(.individual)
    public static let enterprise = Access(.enterprise)
    public static let enterpriseAdministrator = Access(.enterpriseAdministrator)
    public static let province = Access(.province)
    public static let ministry = Access(.ministry)

    /// Whether `caller` may call the method.
    public func allows(_ caller: Caller) -> Bool {
        callers.contains(Callers(caller))
    }

    /// Why `caller` may not call the method (nil when it may): UNAUTHENTICATED for a caller
    /// without a session where a session would do, else PERMISSION_DENIED; then INVALID_ARGUMENT
    /// on `metadata.operator` when the method needs an operator and the call names none.
    public func denial(of caller: Caller, operatorName: String?) -> RegistryError? {
        denial(of: Callers(caller), operatorName: operatorName)
    }

    /// ``denial(of:operatorName:)`` for a caller of kind `kind` (one member of ``Callers``).
    public func denial(of kind: Callers, operatorName: String?) -> RegistryError? {
        if !callers.contains(kind) { return refusal(of: kind) }
        if operatorRequired, (operatorName ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
            return .invalid("metadata.operator", .operatorRequired)
        }
        return nil
    }

    /// The refusal of a caller of kind `kind` that the rule does not allow.
    private func refusal(of kind: Callers) -> RegistryError {
        let allowed = callers.subtracting(.anonymous)
        if kind == .enterpriseUser, allowed.contains(.enterpriseAdministrator) {
            return .forbidden(Text(.onlyAdministrator))
        }
        if kind == .anonymous {
            if allowed.contains(.individual) && allowed.isDisjoint(with: .enterprise) { return .unauthenticated(Text(.loginFirstIndividual)) }
            if !allowed.isDisjoint(with: .enterprise) && !allowed.contains(.individual) { return .unauthenticated(Text(.loginFirstEnterprise)) }
            if !allowed.isDisjoint(with: [.individual, .enterprise]) { return .unauthenticated(Text(.accessLoginFirst)) }
        }
        if allowed == .individual { return .forbidden(Text(.onlyIndividuals)) }
        if allowed.isSubset(of: .enterprise) { return .forbidden(Text(.onlyEnterpriseUsers)) }
        if allowed == .province { return .forbidden(Text(.needsProvinceCertificate)) }
        if allowed == .ministry { return .forbidden(Text(.needsMinistryCertificate)) }
        return .forbidden(Text(.accessNotForCaller))
    }

    /// The callers in words, as docs/PROTOCOL.md §15.2.5 prints them.
    public var callersText: String {
        if callers == .anyone { return "anyone" }
        var names: [String] = []
        if callers.contains(.anonymous) { names.append("anonymous") }
        if callers.contains(.individual) { names.append("individual") }
        if callers.isSuperset(of: .enterprise) {
            names.append("enterprise user")
        } else if callers.contains(.enterpriseAdministrator) {
            names.append("enterprise administrator")
        } else if callers.contains(.enterpriseUser) {
            names.append("enterprise sub-user")
        }
        if callers.contains(.province) { names.append("province") }
        if callers.contains(.ministry) { names.append("ministry") }
        return names.isEmpty ? "nobody" : names.joined(separator: ", ")
    }

    public var description: String {
        var text = callersText
        if operatorRequired { text += "; operator required" }
        if whileChangingPassword { text += "; allowed while a temporary password must be changed" }
        return text
    }
}

/// Who may call what: one row per method of the contract, in catalogue order. A method without
/// a row is refused to everyone (and fails `AccessTableTests`); docs/PROTOCOL.md §"Who may call
/// what" prints this table.
public enum AccessTable {
    public static let rules: [String: Access] = {
        var rules: [String: Access] = [:]
        for (path, access) in rows {
            precondition(rules.updateValue(access, forKey: path) == nil, "two access rows for \(path)")
        }
        return rules
    }()

    /// The rule of `path`, nil for a method the contract does not have.
    public static func access(for path: String) -> Access? { rules[path] }

    /// Refused to everyone: what a method without a row gets.
    static let nobody = Access([])

    private typealias E = Methods.Enterprise
    private typealias I = Methods.Individual
    private typealias M = Methods.Ministry
    private typealias P = Methods.Provincial
    private typealias Pub = Methods.Public

    /// The rows, by service; the order of the catalogue.
    public static let rows: KeyValuePairs<String, Access> = [
        // jzs.enterprise.v1.Enterprise: sign-up carries its draft token; logins and password
        // recovery need no session; the rest is the enterprise's own, user management its
        // administrator's.
        E.startSignup.path: .anyone,
        E.readIdentityLock.path: .anyone,
        E.getSignup.path: .anyone,
        E.uploadSignupAttachment.path: .anyone,
        E.updateSignupInfo.path: .anyone,
        E.setSignupAdministrator.path: .anyone,
        E.bindSignupContact.path: .anyone,
        E.getLockChallenge.path: .anyone,
        E.authenticateWithLock.path: .anyone,
        E.requestOnSiteAuthentication.path: .anyone,
        E.login.path: .anyone,
        E.logout.path: Access(.enterprise, whileChangingPassword: true),
        E.getHome.path: .enterprise,
        E.listApplications.path: .enterprise,
        E.getApplication.path: .enterprise,
        E.reportApplication.path: .enterprise,
        E.batchReportApplications.path: .enterprise,
        E.returnApplication.path: .enterprise,
        E.getEnterpriseInfo.path: .enterprise,
        E.getAttachment.path: .enterprise,
        E.updateEnterpriseInfo.path: .enterprise,
        E.attachToEnterpriseChange.path: .enterprise,
        E.listRegisteredStaff.path: .enterprise,
        E.getRegisteredStaff.path: .enterprise,
        E.listUsers.path: .enterpriseAdministrator,
        E.addUser.path: .enterpriseAdministrator,
        E.updateUser.path: .enterpriseAdministrator,
        E.removeUser.path: .enterpriseAdministrator,
        E.changePassword.path: Access(.enterprise, whileChangingPassword: true),
        E.requestPasswordReset.path: .anyone,
        E.resetPassword.path: .anyone,
        E.getApplicationAttachment.path: .enterprise,

        // jzs.individual.v1.Individual: account creation, login and recovery need no session.
        I.createAccount.path: .anyone,
        I.login.path: .anyone,
        I.requestPasswordReset.path: .anyone,
        I.resetPassword.path: .anyone,
        I.logout.path: Access(.individual, whileChangingPassword: true),
        I.getProfile.path: .individual,
        I.changePassword.path: Access(.individual, whileChangingPassword: true),
        I.submitApplication.path: .individual,
        I.listApplications.path: .individual,
        I.getApplication.path: .individual,
        I.withdrawApplication.path: .individual,
        I.resubmitApplication.path: .individual,
        I.downloadCertificate.path: .individual,
        I.attachDocument.path: .individual,
        I.getApplicationAttachment.path: .individual,

        // jzs.ministry.v1.Ministry: decisions, announcements and certificate changes name the operator.
        M.listApplications.path: .ministry,
        M.exportApplications.path: .ministry,
        M.getApplication.path: .ministry,
        M.decideApplications.path: Access(.ministry, operatorRequired: true),
        M.announce.path: Access(.ministry, operatorRequired: true),
        M.getStatistics.path: .ministry,
        M.issueCertificate.path: Access(.ministry, operatorRequired: true),
        M.downloadCertificate.path: .ministry,
        M.revokeCertificate.path: Access(.ministry, operatorRequired: true),
        M.getApplicationAttachment.path: .ministry,

        // jzs.provincial.v1.Provincial: every change names the operator.
        P.listPendingSignups.path: .province,
        P.authenticateSignup.path: Access(.province, operatorRequired: true),
        P.returnSignup.path: Access(.province, operatorRequired: true),
        P.lookupAdministratorAccount.path: Access(.province, operatorRequired: true),
        P.resetAdministratorPassword.path: Access(.province, operatorRequired: true),
        P.reassignIndividualAccount.path: Access(.province, operatorRequired: true),
        P.listEnterpriseChanges.path: .province,
        P.decideEnterpriseChange.path: Access(.province, operatorRequired: true),
        P.getEnterpriseInfo.path: .province,
        P.getEnterpriseChangeAttachment.path: .province,
        P.getSignupAttachment.path: .province,
        P.listApplications.path: .province,
        P.exportApplications.path: .province,
        P.getApplication.path: .province,
        P.acceptApplication.path: Access(.province, operatorRequired: true),
        P.returnApplication.path: Access(.province, operatorRequired: true),
        P.refuseApplication.path: Access(.province, operatorRequired: true),
        P.getStatistics.path: .province,
        P.getApplicationAttachment.path: .province,

        // jzs.public.v1.Public: open to everyone; a session with a temporary password may
        // still ask who it is and whether the server is up.
        Pub.health.path: Access(.anyone, whileChangingPassword: true),
        Pub.serverInfo.path: .anyone,
        Pub.listServices.path: .anyone,
        Pub.echo.path: .anyone,
        Pub.echoStream.path: .anyone,
        Pub.whoAmI.path: Access(.anyone, whileChangingPassword: true),
        Pub.sendSmsCode.path: .anyone,
        Pub.listAnnouncements.path: .anyone,
        Pub.getAnnouncement.path: .anyone,
        Pub.verifyCertificate.path: .anyone,
        Pub.getSigningKey.path: .anyone,
        // The standard gRPC services (docs/PROTOCOL.md, "gRPC over HTTP/2"): public, like
        // Public/Health; reflection is served by the HTTP/2 streams, its rows say the same.
        Methods.GRPCHealthV1.check.path: Access(.anyone, whileChangingPassword: true),
        Methods.GRPCHealthV1.watch.path: Access(.anyone, whileChangingPassword: true),
        ReflectionService.v1: Access(.anyone, whileChangingPassword: true),
        ReflectionService.v1alpha: Access(.anyone, whileChangingPassword: true),
    ]
}
