public import Crypto
public import Foundation

/// Step 1 of the sign-up wizard (seed 004 图4; DOMAIN.md §4.1–4.2).
public struct EnterpriseBasicInfo: Sendable, Equatable {
    public var creditCode: String
    public var name: String
    public var legalRepresentative: String
    public var enterpriseType: String
    public var economicNature: String
    public var registeredAddress: String
    public var correspondenceAddress: String
    public var postcode: String
    public var contact: String
    public var contactPhone: String
    public var qualificationCertificateNo: String
    /// Needed only when the credit code was issued centrally (characters 3-4 are `10`).
    public var provinceCode: UInt32

    public init(creditCode: String, name: String, legalRepresentative: String, enterpriseType: String = "", economicNature: String = "",
                registeredAddress: String, correspondenceAddress: String = "", postcode: String = "", contact: String = "",
                contactPhone: String = "", qualificationCertificateNo: String = "", provinceCode: UInt32 = 0) {
        self.creditCode = creditCode
        self.name = name
        self.legalRepresentative = legalRepresentative
        self.enterpriseType = enterpriseType
        self.economicNature = economicNature
        self.registeredAddress = registeredAddress
        self.correspondenceAddress = correspondenceAddress
        self.postcode = postcode
        self.contact = contact
        self.contactPhone = contactPhone
        self.qualificationCertificateNo = qualificationCertificateNo
        self.provinceCode = provinceCode
    }
}

public enum AttachmentKind: String, Sendable, CaseIterable {
    case businessLicence = "business_licence"
    case qualificationCertificate = "qualification_certificate"

    /// 营业执照 / 资质证明, as the seeds' screens name them.
    public var textCode: TextCode {
        switch self {
        case .businessLicence: .kindBusinessLicence
        case .qualificationCertificate: .kindQualificationCertificate
        }
    }
}

public enum AuthenticationMethod: String, Sendable {
    case identityLock = "identity_lock"
    case onSite = "on_site"
    case onSiteAssociated = "on_site_associated"
}

public enum SignupStatus: String, Sendable {
    case draft, pending, authenticated, returned
}

/// Where a sign-up stands (what GetSignup returns, and what provinces list).
public struct SignupState: Sendable, Equatable {
    public var enterpriseID: String
    public var creditCode: String
    public var name: String
    public var provinceCode: UInt32
    public var status: SignupStatus
    public var method: AuthenticationMethod?
    public var administratorAccount: String?
    public var licenceUploaded: Bool
    public var qualificationUploaded: Bool
    public var contactBound: Bool
    public var returnReason: String?
    public var createdAt: Date
    /// Other sign-ups (drafts or waiting) for the same credit code: a province checks them.
    public var otherSignups: Int = 0
    /// Step 1 as stored (企业类型, 经济性质, 资质证书编号 included): the enterprise checks it before
    /// authentication, the province compares it with the papers.
    public var info: EnterpriseBasicInfo? = nil
    public var administratorName: String? = nil
    /// SHA-256 (hex) of the uploaded 营业执照 and 资质证明: a resumed sign-up re-uploads only a changed file.
    public var licenceSHA256: String? = nil
    public var qualificationSHA256: String? = nil
    /// The identity lock an on-site associated request brought (checked again on site).
    public var lockSerial: String? = nil

    /// For the engines (the store protocols hand these back).
    public init(enterpriseID: String, creditCode: String, name: String, provinceCode: UInt32, status: SignupStatus, method: AuthenticationMethod?,
                administratorAccount: String?, licenceUploaded: Bool, qualificationUploaded: Bool, contactBound: Bool, returnReason: String?,
                createdAt: Date, otherSignups: Int = 0, info: EnterpriseBasicInfo? = nil, administratorName: String? = nil,
                licenceSHA256: String? = nil, qualificationSHA256: String? = nil, lockSerial: String? = nil) {
        self.enterpriseID = enterpriseID
        self.creditCode = creditCode
        self.name = name
        self.provinceCode = provinceCode
        self.status = status
        self.method = method
        self.administratorAccount = administratorAccount
        self.licenceUploaded = licenceUploaded
        self.qualificationUploaded = qualificationUploaded
        self.contactBound = contactBound
        self.returnReason = returnReason
        self.createdAt = createdAt
        self.otherSignups = otherSignups
        self.info = info
        self.administratorName = administratorName
        self.licenceSHA256 = licenceSHA256
        self.qualificationSHA256 = qualificationSHA256
        self.lockSerial = lockSerial
    }
}

/// The fields of step 1 a draft may correct (UpdateSignupInfo), by their wire names.
public enum SignupInfoField: String, Sendable, CaseIterable {
    case creditCode = "credit_code", name, legalRepresentative = "legal_representative", enterpriseType = "enterprise_type",
         economicNature = "economic_nature", registeredAddress = "registered_address", correspondenceAddress = "correspondence_address",
         postcode, contact, contactPhone = "contact_phone", qualificationCertificateNo = "qualification_certificate_no",
         provinceCode = "province_code"

    /// The enterprises column holding it.
    var column: String { rawValue }

    func value(in info: EnterpriseBasicInfo) -> String {
        switch self {
        case .creditCode: info.creditCode
        case .name: info.name
        case .legalRepresentative: info.legalRepresentative
        case .enterpriseType: info.enterpriseType
        case .economicNature: info.economicNature
        case .registeredAddress: info.registeredAddress
        case .correspondenceAddress: info.correspondenceAddress
        case .postcode: info.postcode
        case .contact: info.contact
        case .contactPhone: info.contactPhone
        case .qualificationCertificateNo: info.qualificationCertificateNo
        case .provinceCode: "\(info.provinceCode)"
        }
    }

    func set(_ value: String, in info: inout EnterpriseBasicInfo) {
        switch self {
        case .creditCode: info.creditCode = value
        case .name: info.name = value
        case .legalRepresentative: info.legalRepresentative = value
        case .enterpriseType: info.enterpriseType = value
        case .economicNature: info.economicNature = value
        case .registeredAddress: info.registeredAddress = value
        case .correspondenceAddress: info.correspondenceAddress = value
        case .postcode: info.postcode = value
        case .contact: info.contact = value
        case .contactPhone: info.contactPhone = value
        case .qualificationCertificateNo: info.qualificationCertificateNo = value
        case .provinceCode: info.provinceCode = UInt32(value.trimmed) ?? 0
        }
    }
}

/// The enterprise sign-up wizard (seed 004, seed 000 §3.1.1) and the provincial steps that close it.
/// Steps 1–4 continue with a draft token (a sign-up can be resumed); the administrator account is
/// enabled only once the enterprise is authenticated.
public final class EnterpriseSignup: Sendable {
    let store: any RegistryStore
    public let accounts: Accounts
    let legacyLockCA: Certificate

    public static let maxAttachmentBytes = 500 * 1024
    /// A draft not finished within this is forgotten (with its attachments).
    public static let draftLifetime: TimeInterval = 7 * 86_400

    let corpsCode: UInt32

    public convenience init(database: RegistryDatabase, accounts: Accounts, legacyLockCA: Certificate, corpsCode: UInt32 = Province.defaultCorpsCode) {
        self.init(store: database.store, accounts: accounts, legacyLockCA: legacyLockCA, corpsCode: corpsCode)
    }

    /// - Parameter store: the engine (``SQLiteStore`` embedded, or another ``RegistryStore``).
    public init(store: any RegistryStore, accounts: Accounts, legacyLockCA: Certificate, corpsCode: UInt32 = Province.defaultCorpsCode) {
        self.store = store
        self.accounts = accounts
        self.legacyLockCA = legacyLockCA
        self.corpsCode = corpsCode
    }

    var now: Date { accounts.now() }

    // MARK: Step 1

    /// Starts a sign-up; returns the enterprise id and the draft token that continues it.
    public func start(_ info: EnterpriseBasicInfo, audit: AuditContext) async throws(RegistryError) -> (enterpriseID: String, draftToken: String) {
        let (code, province) = try Self.validate(info, corpsCode: corpsCode)
        let id = SecureRandom.hex(8)
        let token = SecureRandom.bytes(32)
        let now = self.now
        try await store.write { tx in
            try tx.signups.purgeDrafts(createdBefore: now.timeIntervalSince1970 - Self.draftLifetime)
            // Drafts reserve nothing, and a sign-up waiting for on-site authentication reserves
            // the code only against other on-site requests (the province sees the conflict; an
            // identity lock supersedes it): only an authenticated enterprise blocks a new draft.
            if try tx.enterprises.authenticated(creditCode: code.rawValue) != nil {
                throw RegistryError.alreadyExists(Text(.enterpriseExists))
            }
            var stored = info
            for field in SignupInfoField.allCases { field.set(field.value(in: info).trimmed, in: &stored) }
            stored.creditCode = code.rawValue
            try tx.signups.insertDraft(id: id, info: stored, provinceCode: province.rawValue, draftTokenHash: Digest.sha256(token),
                                       at: now.timeIntervalSince1970)
            try tx.audit.append(audit.entry(at: now, tenant: "enterprise:\(id)", target: "enterprise:\(id) \(code.rawValue)", result: "sign-up started"))
        }
        return (id, Digest.hex(token))
    }

    static func validate(_ info: EnterpriseBasicInfo, corpsCode: UInt32 = Province.defaultCorpsCode) throws(RegistryError) -> (UnifiedSocialCreditCode, ProvinceCode) {
        var v = Violations()
        let code = v.check("info.credit_code") { () throws(InvalidValue) in try UnifiedSocialCreditCode(validating: info.creditCode) }
        func text(_ field: String, _ value: String, required: Bool, max: Int) {
            let t = value.trimmed
            if required && t.isEmpty { v.add(field, .required) }
            if t.count > max { v.add(field, .tooLong, "\(max)") }
            if t.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) { v.add(field, .controlCharacters) }
        }
        text("info.name", info.name, required: true, max: 100)
        text("info.legal_representative", info.legalRepresentative, required: true, max: 50)
        text("info.registered_address", info.registeredAddress, required: true, max: 200)
        text("info.enterprise_type", info.enterpriseType, required: false, max: 50)
        text("info.economic_nature", info.economicNature, required: false, max: 50)
        text("info.correspondence_address", info.correspondenceAddress, required: false, max: 200)
        text("info.contact", info.contact, required: false, max: 50)
        text("info.qualification_certificate_no", info.qualificationCertificateNo, required: false, max: 50)
        if !info.postcode.trimmed.isEmpty { _ = v.check("info.postcode") { () throws(InvalidValue) in try Postcode(validating: info.postcode) } }
        if !info.contactPhone.trimmed.isEmpty, !Self.isPhone(info.contactPhone.trimmed) {
            v.add("info.contact_phone", .phoneOrLandline)
        }
        var province: ProvinceCode?
        if let code {
            let raw = code.provinceCode ?? info.provinceCode
            province = ProvinceCode(raw, corpsCode: corpsCode)
            if province == nil {
                v.add(code.provinceCode == nil ? "info.province_code" : "info.credit_code",
                      code.provinceCode == nil ? .creditCodeCentral : .creditCodeProvince)
            }
        }
        try v.throwIfAny()
        return (code!, province!)
    }

    static func isPhone(_ text: String) -> Bool {
        if (try? MobileNumber(validating: text)) != nil { return true }
        let digits = text.filter { $0 != "-" && $0 != "(" && $0 != ")" && $0 != " " }
        return (7...13).contains(digits.count) && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }

    /// Reads an identity lock certificate to pre-fill step 1 (credit code and name).
    public func readLock(certificatePEM: String) throws(RegistryError) -> (creditCode: String, name: String) {
        let cert = try lockCertificate(certificatePEM)
        return (cert.subjectField("serialNumber") ?? "", cert.subjectField("O") ?? "")
    }

    // MARK: Resume

    public func state(draftToken: String) async throws(RegistryError) -> SignupState {
        let hash = try Self.tokenHash(draftToken)
        let state = try await store.read { tx in try tx.signups.signup(.draftTokenHash(hash)) }
        guard let state else { throw .notFound(Text(.signupDraftUnknown)) }
        return state
    }

    /// The account as its owner typed it: a returned sign-up's account is stored with a
    /// `#returned-<id>` suffix (which frees the name for the new sign-up), never shown.
    public static func shownAccount(_ stored: String) -> String {
        guard let mark = stored.range(of: "#returned-") else { return stored }
        return String(stored[..<mark.lowerBound])
    }

    /// Corrects step 1 of a draft (seed 004 图4): the changed fields are validated together with
    /// the stored ones and applied at once; returns the fields whose stored value changed. Once the
    /// sign-up was submitted (on-site authentication requested) or returned it answers
    /// FAILED_PRECONDITION: the province must return it, and the enterprise signs up again.
    public func correct(draftToken: String, changes: [SignupInfoField: String], audit: AuditContext) async throws(RegistryError) -> [SignupInfoField] {
        guard !changes.isEmpty else { throw .invalid("changes", .nothingToChange) }
        let corpsCode = self.corpsCode
        let now = self.now
        return try await withDraft(draftToken) { tx, enterprise in
            guard let stored = try tx.signups.signup(.id(enterprise))?.info else {
                throw RegistryError.notFound(Text(.signupDraftUnknown))
            }
            var info = stored
            for (field, value) in changes { field.set(value, in: &info) }
            let (code, province) = try Self.validate(info, corpsCode: corpsCode)
            info.creditCode = code.rawValue
            info.provinceCode = province.rawValue
            let changed = SignupInfoField.allCases.filter { $0.value(in: info).trimmed != $0.value(in: stored).trimmed }
            guard !changed.isEmpty else { return [] }
            if changed.contains(.creditCode), try tx.enterprises.authenticated(creditCode: code.rawValue) != nil {
                throw RegistryError.alreadyExists(Text(.enterpriseExists))
            }
            try tx.signups.updateInfo(enterprise, fields: Dictionary(uniqueKeysWithValues: changed.map { ($0, $0.value(in: info).trimmed) }))
            try tx.audit.append(audit.entry(at: now, tenant: "enterprise:\(enterprise)", target: "enterprise:\(enterprise)",
                                            result: "sign-up corrected: \(changed.map(\.rawValue).joined(separator: ", "))"))
            return changed
        }
    }

    // MARK: Step 2

    /// Stores the business licence (required) or qualification certificate (optional): gif, jpg,
    /// jpeg, png or bmp by their magic bytes, at most 500 KB. A new upload replaces the old one.
    public func uploadAttachment(draftToken: String, kind: AttachmentKind, content: [UInt8], audit: AuditContext) async throws(RegistryError) -> (contentType: String, sha256: String) {
        guard !content.isEmpty else { throw .invalid("content", .fileEmpty) }
        guard content.count <= Self.maxAttachmentBytes else {
            throw .invalid("content", .imageTooLarge, "\(content.count / 1024)")
        }
        guard let type = Self.imageType(content) else {
            throw .invalid("content", .imageType)
        }
        let digest = Digest.sha256(content)
        let now = self.now
        let id = SecureRandom.hex(8)
        try await withDraft(draftToken) { tx, enterprise in
            try tx.enterprises.replaceAttachment(kind, of: enterprise, id: id, document: StoredDocument(contentType: type, bytes: content, sha256: digest),
                                                 at: now.timeIntervalSince1970)
            try tx.audit.append(audit.entry(at: now, tenant: "enterprise:\(enterprise)", target: "attachment:\(kind.rawValue)",
                                            result: "uploaded \(content.count) bytes sha256 \(Digest.hex(digest).prefix(16))"))
        }
        return (type, Digest.hex(digest))
    }

    /// The content type from the first bytes, or nil when not an allowed image.
    static func imageType(_ b: [UInt8]) -> String? {
        if b.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if b.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if b.starts(with: Array("GIF87a".utf8)) || b.starts(with: Array("GIF89a".utf8)) { return "image/gif" }
        if b.count > 14, b.starts(with: [0x42, 0x4D]) { return "image/bmp" }
        return nil
    }

    // MARK: Step 3

    /// Names the administrator (姓名, 登录账号, 密码 twice). The account stays disabled until authentication.
    public func setAdministrator(draftToken: String, name: String, account: String, password: String, passwordAgain: String,
                                 audit: AuditContext) async throws(RegistryError) {
        var v = Violations()
        let person = v.check("name") { () throws(InvalidValue) in try PersonName(validating: name) }
        let login = v.check("account") { () throws(InvalidValue) in try AccountName(validating: account) }?.rawValue ?? account.trimmed
        _ = v.check("password") { () throws(InvalidValue) in try NewPassword(validating: password, account: login) }
        if password != passwordAgain { v.add("password_again", .passwordsDiffer) }
        try v.throwIfAny()
        // The draft token and the account's availability first: hashing is the expensive step.
        try await withDraft(draftToken) { tx, enterprise in try Self.requireFree(login, for: enterprise, in: tx.accounts) }
        let hash = try await accounts.hashPassword(password)
        let now = self.now
        let userID = SecureRandom.hex(8)
        try await withDraft(draftToken) { tx, enterprise in
            try Self.requireFree(login, for: enterprise, in: tx.accounts)
            try tx.accounts.deleteAdministrator(of: enterprise)
            try tx.accounts.insertEnterpriseUser(StoredEnterpriseUser(id: userID, enterpriseID: enterprise, account: login, name: person!.rawValue,
                                                                      passwordHash: hash, isAdministrator: true, enabled: false, mustChangePassword: false),
                                                 createdAt: now)
            try tx.audit.append(audit.entry(at: now, tenant: "enterprise:\(enterprise)", target: "enterprise_user:\(userID)", result: "administrator set"))
        }
    }

    /// An account is free for `enterprise`'s administrator when nobody has it or its own draft does.
    static func requireFree(_ login: String, for enterprise: String, in accounts: any AccountStore) throws {
        if let existing = try accounts.enterpriseUser(.account(login), visibleTo: .nationwide)?.enterpriseID, existing != enterprise {
            throw RegistryError.alreadyExists(Text(.accountTaken, "\(login)"))
        }
    }

    // MARK: Step 4

    /// Binds e-mail and mobile phone; the phone proves itself with an SMS code (purpose ENTERPRISE_SIGNUP).
    public func bindContact(draftToken: String, email: String, phone: String, smsCode: String, audit: AuditContext) async throws(RegistryError) {
        var v = Violations()
        let mail = v.check("email") { () throws(InvalidValue) in try EmailAddress(validating: email) }
        let mobile = v.check("phone") { () throws(InvalidValue) in try MobileNumber(validating: phone) }
        if smsCode.count != 6 || !smsCode.allSatisfy(\.isNumber) { v.add("sms_code", .smsCodeFormat) }
        try v.throwIfAny()
        let now = self.now
        let policy = accounts.policy
        let failure: RegistryError? = try await withDraft(draftToken) { tx, enterprise in
            if let failure = try SMSCodes.consume(smsCode, phone: mobile!, purpose: .enterpriseSignup, field: "sms_code", now: now, policy: policy, in: tx.sms) {
                return failure
            }
            try tx.signups.setContact(enterprise, email: mail!.rawValue, phone: mobile!.rawValue)
            try tx.audit.append(audit.entry(at: now, tenant: "enterprise:\(enterprise)", target: "enterprise:\(enterprise)", result: "contact bound \(mobile!.masked)"))
            return nil
        }
        if let failure { throw failure }
    }

    // MARK: Step 5

    /// A fresh random challenge for the identity lock to sign (valid 5 minutes).
    public func lockChallenge(draftToken: String) async throws(RegistryError) -> [UInt8] {
        let challenge = SecureRandom.bytes(32)
        let expires = now.timeIntervalSince1970 + 300
        try await withDraft(draftToken, requireComplete: true) { tx, enterprise in
            try tx.signups.setLockChallenge(enterprise, challenge: challenge, expires: expires)
        }
        return challenge
    }

    /// 身份锁认证: the lock signs the challenge; its certificate must chain to the legacy CA and
    /// name this enterprise's credit code and name. On success the lock is consumed for ever and
    /// the administrator account is enabled.
    public func authenticateWithLock(draftToken: String, certificatePEM: String, signature: [UInt8], audit: AuditContext) async throws(RegistryError) -> SignupState {
        let cert = try lockCertificate(certificatePEM)
        let now = self.now
        let serial = cert.serialHex
        let failure: RegistryError? = try await withDraft(draftToken, requireComplete: true) { tx, enterprise in
            if let problem = try Self.checkLock(cert, signature: signature, enterprise: enterprise, requireSameName: true, now: now, in: tx.signups) {
                return problem
            }
            let code = try tx.signups.lockChallenge(of: enterprise)?.creditCode ?? ""
            try tx.signups.consumeLock(serial: serial, creditCode: cert.subjectField("serialNumber") ?? "", enterpriseID: enterprise, at: now.timeIntervalSince1970)
            // The lock proves the credit code: a sign-up for it still waiting for the province
            // is returned (an authenticated enterprise would have made checkLock fail already).
            for other in try tx.signups.signups(creditCode: code, in: [.pending], except: enterprise) {
                try tx.signups.markReturned(other, reason: "另一申请已用该企业的身份锁完成认证 (the enterprise authenticated with its identity lock)", endDraft: true)
                try tx.audit.append(audit.entry(at: now, tenant: "enterprise:\(other)", target: "enterprise:\(other)",
                                                result: "returned: superseded by identity-lock authentication of enterprise:\(enterprise)"))
            }
            try tx.signups.authenticate(enterprise, withLock: serial, at: now.timeIntervalSince1970)
            try tx.accounts.enableAdministrator(of: enterprise)
            try tx.audit.append(audit.entry(at: now, tenant: "enterprise:\(enterprise)", target: "identity_lock:\(serial)", result: "authenticated by identity lock; lock consumed"))
            return nil
        }
        if let failure { throw failure }
        return try await state(enterpriseID: nil, lockSerial: serial)
    }

    /// 现场认证 / 现场关联认证: the enterprise will bring its documents (and, for the associated
    /// kind, its lock, proven here by signing the challenge) to the provincial authority.
    public func requestOnSite(draftToken: String, associated: Bool, certificatePEM: String?, signature: [UInt8],
                              audit: AuditContext) async throws(RegistryError) -> SignupState {
        let cert = try associated ? lockCertificate(certificatePEM ?? "") : nil
        let now = self.now
        let hash = try Self.tokenHash(draftToken)
        let failure: RegistryError? = try await withDraft(draftToken, requireComplete: true) { tx, enterprise in
            if let cert {
                // A renamed enterprise: same credit code, the name may differ.
                if let problem = try Self.checkLock(cert, signature: signature, enterprise: enterprise, requireSameName: false, now: now, in: tx.signups) {
                    return problem
                }
            }
            let code = try tx.signups.lockChallenge(of: enterprise)?.creditCode ?? ""
            if try !tx.signups.signups(creditCode: code, in: [.pending, .authenticated], except: enterprise).isEmpty {
                return .alreadyExists(Text(.signupTaken))
            }
            try tx.signups.requestOnSite(enterprise, method: associated ? .onSiteAssociated : .onSite, lockSerial: cert?.serialHex)
            try tx.audit.append(audit.entry(at: now, tenant: "enterprise:\(enterprise)", target: "enterprise:\(enterprise)",
                                            result: associated ? "on-site associated authentication requested" : "on-site authentication requested"))
            return nil
        }
        if let failure { throw failure }
        let state = try await store.read { tx in try tx.signups.signup(.draftTokenHash(hash)) }
        guard let state else { throw .notFound(Text(.signupNotFound, "")) }
        return state
    }

    /// Checks chain, validity, signature over the pending challenge, credit code (and name), and
    /// that the lock was never used. Returns the problem, or nil.
    static func checkLock(_ cert: Certificate, signature: [UInt8], enterprise: String, requireSameName: Bool, now: Date,
                          in signups: any SignupStore) throws -> RegistryError? {
        guard let lock = try signups.lockChallenge(of: enterprise), let challenge = lock.challenge, let expires = lock.expires,
              expires > now.timeIntervalSince1970 else {
            return .failedPrecondition(Text(.lockChallengeFirst))
        }
        guard Signature.verify(signature, of: challenge, with: cert) else {
            return .invalid("signature", .lockSignature)
        }
        guard cert.subjectField("serialNumber") == lock.creditCode else {
            return .failedPrecondition(Text(.lockOtherCode))
        }
        if requireSameName && cert.subjectField("O") != lock.name {
            return .failedPrecondition(Text(.lockNameDiffers))
        }
        if try signups.lockUsed(serial: cert.serialHex) {
            return .failedPrecondition(Text(.lockUsed))
        }
        return nil
    }

    func lockCertificate(_ pem: String) throws(RegistryError) -> Certificate {
        guard pem.utf8.count <= 16 * 1024, let cert = try? Certificate(pem: pem) else {
            throw .invalid("certificate_pem", .notPEMCertificate)
        }
        guard cert.isIssued(by: legacyLockCA, at: now) else {
            throw .invalid("certificate_pem", .lockCertificateUntrusted)
        }
        return cert
    }

    func state(enterpriseID: String?, lockSerial: String) async throws(RegistryError) -> SignupState {
        let state = try await store.read { tx in try tx.signups.signup(.lockSerial(lockSerial)) }
        guard let state else { throw .notFound(Text(.signupNotFound, "")) }
        return state
    }

    // MARK: Provincial steps (scope: the caller's own province)

    /// Sign-ups waiting for on-site authentication in the caller's province.
    public func pendingSignups(for caller: Caller) async throws(RegistryError) -> [SignupState] {
        let scope = try Self.provinceScope(caller)
        return try await store.read { tx in try tx.signups.signups(visibleTo: scope, status: .pending, limit: 500) }
    }

    /// Confirms an on-site (or on-site associated) authentication: the enterprise is authenticated,
    /// its administrator enabled, and for the associated kind the lock is consumed.
    public func authenticateOnSite(enterpriseID: String, by caller: Caller, audit: AuditContext) async throws(RegistryError) -> SignupState {
        let scope = try Self.provinceScope(caller)
        let now = self.now
        let state: SignupState = try await store.write { tx in
            guard let signup = try tx.signups.signup(enterpriseID, visibleTo: scope) else {
                throw RegistryError.notFound(Text(.signupNotFound, "\(enterpriseID)"))
            }
            guard signup.status == .pending else {
                throw RegistryError.failedPrecondition(Text(.signupNotAwaitingOnSite))
            }
            if signup.method == .onSiteAssociated, let serial = signup.lockSerial {
                if try tx.signups.lockUsed(serial: serial) {
                    throw RegistryError.failedPrecondition(Text(.lockUsed))
                }
                try tx.signups.consumeLock(serial: serial, creditCode: signup.creditCode, enterpriseID: enterpriseID, at: now.timeIntervalSince1970)
            }
            try tx.signups.authenticate(enterpriseID, withLock: nil, at: now.timeIntervalSince1970)
            try tx.accounts.enableAdministrator(of: enterpriseID)
            try tx.audit.append(audit.entry(at: now, tenant: caller.principal, target: "enterprise:\(enterpriseID)",
                                            result: "authenticated on site (\(signup.method?.rawValue ?? ""))"))
            guard let state = try tx.signups.signup(.id(enterpriseID)) else { throw RegistryError.notFound(Text(.signupNotFound, "\(enterpriseID)")) }
            return state
        }
        return state
    }

    /// One attachment of a sign-up of the caller's province (营业执照 or 资质证明), whatever its
    /// status, so the reviewer compares it with the papers brought on site. Audited.
    public func signupAttachment(enterpriseID: String, kind: AttachmentKind, by caller: Caller,
                                 audit: AuditContext) async throws(RegistryError) -> (contentType: String, bytes: [UInt8], sha256: String) {
        let scope = try Self.provinceScope(caller)
        let now = self.now
        let found: StoredDocument? = try await store.write { tx in
            guard try tx.signups.signup(enterpriseID, visibleTo: scope) != nil else {
                throw RegistryError.notFound(Text(.signupNotFound, "\(enterpriseID)"))
            }
            guard let document = try tx.enterprises.attachment(kind, of: enterpriseID) else { return nil }
            try tx.audit.append(audit.entry(at: now, tenant: caller.principal, target: "enterprise:\(enterpriseID) attachment:\(kind.rawValue)",
                                            result: "sign-up attachment viewed sha256 \(Digest.hex(document.sha256).prefix(16))"))
            return document
        }
        guard let found else { throw .notFound(Text(.signupAttachmentNotFound, "\(enterpriseID)", .text(kind.textCode))) }
        return (found.contentType, found.bytes, Digest.hex(found.sha256))
    }

    /// Returns a wrong sign-up: the enterprise must sign up again; its credit code and
    /// administrator account are free again.
    public func returnSignup(enterpriseID: String, reason: String, by caller: Caller, audit: AuditContext) async throws(RegistryError) {
        let why = reason.trimmed
        guard !why.isEmpty else { throw .invalid("reason", .reasonRequired) }
        guard why.count <= 500 else { throw .invalid("reason", .tooLong, "500") }
        let scope = try Self.provinceScope(caller)
        let now = self.now
        try await store.write { tx in
            guard let status = try tx.signups.signup(enterpriseID, visibleTo: scope)?.status else {
                throw RegistryError.notFound(Text(.signupNotFound, "\(enterpriseID)"))
            }
            guard status == .draft || status == .pending else {
                throw RegistryError.failedPrecondition(Text(.signupNotReturnable))
            }
            // The draft token keeps reading the sign-up (GetSignup shows the reason) but changes nothing.
            try tx.signups.markReturned(enterpriseID, reason: why, endDraft: false)
            // Free the administrator's account name for the new sign-up.
            try tx.accounts.releaseAccounts(of: enterpriseID)
            try tx.audit.append(audit.entry(at: now, tenant: caller.principal, target: "enterprise:\(enterpriseID)", result: "sign-up returned: \(why)"))
        }
    }

    /// The administrator account of an authenticated enterprise of the caller's province (for a
    /// forgotten account, after the enterprise proved who it is on site).
    public func lookupAdministratorAccount(creditCode: String, by caller: Caller, audit: AuditContext) async throws(RegistryError) -> (enterpriseID: String, name: String, account: String) {
        var v = Violations()
        let code = v.check("credit_code") { () throws(InvalidValue) in try UnifiedSocialCreditCode(validating: creditCode) }
        try v.throwIfAny()
        let scope = try Self.provinceScope(caller)
        let now = self.now
        let found: (String, String, String)? = try await store.write { tx in
            guard let admin = try tx.signups.authenticatedAdministrator(creditCode: code!.rawValue, visibleTo: scope) else { return nil }
            try tx.audit.append(audit.entry(at: now, tenant: caller.principal, target: "enterprise:\(admin.enterpriseID)", result: "administrator account looked up"))
            return (admin.enterpriseID, admin.name, admin.account)
        }
        guard let found else { throw .notFound(Text(.authenticatedEnterpriseNotFound, "\(code!.rawValue)")) }
        return found
    }

    /// Sets a new random password for the administrator of an enterprise of the caller's province
    /// and ends the administrator's sessions; returns the temporary password (tell it on site).
    public func resetAdministratorPassword(enterpriseID: String, by caller: Caller, audit: AuditContext) async throws(RegistryError) -> String {
        let scope = try Self.provinceScope(caller)
        let temporary = Self.temporaryPassword()
        let hash = try await accounts.hashPassword(temporary)
        let now = self.now
        try await store.write { tx in
            guard let user = try tx.signups.authenticatedAdministratorID(enterpriseID: enterpriseID, visibleTo: scope) else {
                throw RegistryError.notFound(Text(.authenticatedEnterpriseNotFound, "\(enterpriseID)"))
            }
            try tx.accounts.setEnterpriseUserPassword(id: user, passwordHash: hash, mustChangePassword: true)
            try Accounts.passwordReplaced(enterpriseUser: user, in: tx)
            try tx.audit.append(audit.entry(at: now, tenant: caller.principal, target: "enterprise_user:\(user)", result: "administrator password reset; sessions revoked"))
        }
        return temporary
    }

    static func temporaryPassword() -> String {
        let letters = Array("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789")
        let body = SecureRandom.bytes(10).map { String(letters[Int($0) % letters.count]) }.joined()
        return "Jz-" + body + "9a"
    }

    /// The provincial steps are a province's, within its own province (the scope does the rest).
    static func provinceScope(_ caller: Caller) throws(RegistryError) -> Scope {
        guard case .province = caller else { throw .forbidden(Text(.onlyProvinces)) }
        return Scope(caller)
    }

    // MARK: Draft access

    static func tokenHash(_ token: String) throws(RegistryError) -> [UInt8] {
        guard let raw = PasswordHash.bytesFromHex(token), raw.count == 32 else { throw .invalid("draft_token", .notDraftToken) }
        return Digest.sha256(raw)
    }

    /// Runs `body` in a unit of work on the draft's enterprise (still a draft). With
    /// `requireComplete`, steps 2–4 must be done (licence, administrator, contact).
    func withDraft<T: Sendable>(_ token: String, requireComplete: Bool = false,
                                _ body: @escaping @Sendable (any StoreTransaction, String) throws -> T) async throws(RegistryError) -> T {
        let hash = try Self.tokenHash(token)
        let now = self.now
        return try await store.write { tx in
            guard let draft = try tx.signups.draft(tokenHash: hash) else {
                throw RegistryError.notFound(Text(.signupDraftUnknown))
            }
            switch draft.status {
            case .draft:
                if draft.createdAt < now.timeIntervalSince1970 - Self.draftLifetime {
                    throw RegistryError.failedPrecondition(Text(.signupDraftExpired))
                }
            case .returned: throw RegistryError.failedPrecondition(Text(.signupReturnedStartAgain))
            case .pending, .authenticated: throw RegistryError.failedPrecondition(Text(.signupSubmittedNoChange))
            }
            if requireComplete {
                // The first unfinished step, in the order of the screens.
                if try tx.enterprises.attachment(.businessLicence, of: draft.id) == nil {
                    throw RegistryError.failedPrecondition(Text(.signupFinishLicence))
                }
                if try tx.accounts.administrator(of: draft.id) == nil {
                    throw RegistryError.failedPrecondition(Text(.signupFinishAdministrator))
                }
                if draft.phone.isEmpty { throw RegistryError.failedPrecondition(Text(.signupFinishContact)) }
            }
            return try body(tx, draft.id)
        }
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
}
