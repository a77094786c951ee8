import Crypto
import Foundation
import GRDB
import Model
import Testing

/// Sign-up fixture: accounts fixture + a legacy lock CA + helpers to walk the wizard.
struct SignupFixture {
    let base: AccountsFixture
    let legacy: CertificateAuthority
    let signup: EnterpriseSignup
    var audit: AuditContext { base.audit }
    let p37 = Caller.province(ProvinceCode(37)!)
    let p11 = Caller.province(ProvinceCode(11)!)

    /// A valid credit code of Shandong (37): characters 3-4 are 37.
    static let code37 = "913701000000000000".fixedCreditCode
    static let code37b = "913701000000000010".fixedCreditCode
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 7, count: 100)

    init() throws {
        base = try AccountsFixture()
        legacy = try CertificateAuthority.create(commonName: "legacy CA")
        signup = EnterpriseSignup(database: base.database, accounts: base.accounts, legacyLockCA: legacy.certificate)
    }

    func info(_ code: String = Self.code37, name: String = "山东测试建设有限公司") -> EnterpriseBasicInfo {
        EnterpriseBasicInfo(creditCode: code, name: name, legalRepresentative: "王五", registeredAddress: "济南市历下区")
    }

    func lock(_ code: String = Self.code37, name: String = "山东测试建设有限公司") throws -> (pem: String, key: PrivateKey, cert: Certificate) {
        let key = try PrivateKey.generateEC()
        let cert = try legacy.issue(.init(commonName: name, organization: name, usage: .identityLock, validityDays: 30, subjectSerialNumber: code), for: key)
        return (try cert.pem(), key, cert)
    }

    /// Steps 1-4; returns the draft token.
    func draft(_ code: String = Self.code37, name: String = "山东测试建设有限公司", account: String = "sdadmin",
               phone: String = "13700137000") async throws -> String {
        let started = try await signup.start(info(code, name: name), audit: audit)
        _ = try await signup.uploadAttachment(draftToken: started.draftToken, kind: .businessLicence, content: Self.png, audit: audit)
        try await signup.setAdministrator(draftToken: started.draftToken, name: "赵六", account: account, password: "Admin-Pass1",
                                          passwordAgain: "Admin-Pass1", audit: audit)
        base.clock.advance(61)
        try await base.accounts.sendSMSCode(phone: phone, purpose: .enterpriseSignup, audit: audit)
        try await signup.bindContact(draftToken: started.draftToken, email: "it@example.cn", phone: phone,
                                     smsCode: try base.lastCode(phone), audit: audit)
        return started.draftToken
    }

    func sign(_ token: String, with key: PrivateKey) async throws -> [UInt8] {
        try Signature.sign(try await signup.lockChallenge(draftToken: token), with: key)
    }
}

@Suite("Enterprise sign-up")
struct SignupTests {
    @Test("Identity lock: authenticated at once, administrator enabled, lock consumed")
    func lockFlow() async throws {
        let f = try SignupFixture()
        defer { f.base.remove() }
        let token = try await f.draft()
        // Given: the administrator cannot log in before authentication.
        let early = await registryError { _ = try await f.base.accounts.loginEnterpriseUser(account: "sdadmin", password: "Admin-Pass1", audit: f.audit) }
        guard case .failedPrecondition = early else { Issue.record("expected not-yet-authenticated, got \(String(describing: early))"); return }
        // When
        let lock = try f.lock()
        let state = try await f.signup.authenticateWithLock(draftToken: token, certificatePEM: lock.pem, signature: try await f.sign(token, with: lock.key), audit: f.audit)
        // Then
        #expect(state.status == .authenticated)
        #expect(state.method == .identityLock)
        #expect(try await f.base.accounts.loginEnterpriseUser(account: "sdadmin", password: "Admin-Pass1", audit: f.audit).admin)
        let consumed = try await f.base.database.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM identity_locks WHERE serial = ?", arguments: [lock.cert.serialHex]) }
        #expect(consumed == 1)
        // The draft token is spent.
        #expect(await registryError { _ = try await f.signup.state(draftToken: token) } == .notFound(Text(.signupDraftUnknown)))
    }

    @Test("A used lock never authenticates again; a lock of another credit code or CA is refused")
    func lockChecks() async throws {
        let f = try SignupFixture()
        defer { f.base.remove() }
        let token = try await f.draft()
        let other = try f.lock(SignupFixture.code37b)
        let wrongCode = await registryError {
            _ = try await f.signup.authenticateWithLock(draftToken: token, certificatePEM: other.pem, signature: try await f.sign(token, with: other.key), audit: f.audit)
        }
        #expect(wrongCode == .failedPrecondition(Text(.lockOtherCode)))
        let stranger = try CertificateAuthority.create(commonName: "not the legacy CA")
        let key = try PrivateKey.generateEC()
        let forged = try stranger.issue(.init(commonName: "x", organization: "山东测试建设有限公司", usage: .identityLock, validityDays: 1,
                                              subjectSerialNumber: SignupFixture.code37), for: key)
        let forgedError = await registryError {
            _ = try await f.signup.authenticateWithLock(draftToken: token, certificatePEM: try forged.pem(), signature: try await f.sign(token, with: key), audit: f.audit)
        }
        #expect(forgedError == .invalid("certificate_pem", .lockCertificateUntrusted))
        let lock = try f.lock()
        let badSignature = await registryError {
            _ = try await f.signup.authenticateWithLock(draftToken: token, certificatePEM: lock.pem, signature: try await f.sign(token, with: other.key), audit: f.audit)
        }
        guard case .invalidFields(let v) = badSignature else { Issue.record("expected bad signature"); return }
        #expect(v.first?.field == "signature")
        // A lock recorded as used (e.g. consumed earlier) is void.
        try await f.base.database.pool.write { db in
            try db.execute(sql: "INSERT INTO identity_locks (serial, credit_code, enterprise_id, consumed_at) SELECT ?, ?, id, 0 FROM enterprises LIMIT 1",
                           arguments: [lock.cert.serialHex, SignupFixture.code37])
        }
        let reused = await registryError {
            _ = try await f.signup.authenticateWithLock(draftToken: token, certificatePEM: lock.pem, signature: try await f.sign(token, with: lock.key), audit: f.audit)
        }
        #expect(reused == .failedPrecondition(Text(.lockUsed)))
    }

    @Test("A renamed enterprise fails lock authentication and goes on-site associated; only its province sees it")
    func renamedEnterprise() async throws {
        let f = try SignupFixture()
        defer { f.base.remove() }
        let token = try await f.draft(name: "山东新名建设集团有限公司")
        let lock = try f.lock(name: "山东旧名建设有限公司")
        let failed = await registryError {
            _ = try await f.signup.authenticateWithLock(draftToken: token, certificatePEM: lock.pem, signature: try await f.sign(token, with: lock.key), audit: f.audit)
        }
        guard case .failedPrecondition(let why) = failed, why.code == .lockNameDiffers else { Issue.record("got \(String(describing: failed))"); return }
        let pending = try await f.signup.requestOnSite(draftToken: token, associated: true, certificatePEM: lock.pem,
                                                       signature: try await f.sign(token, with: lock.key), audit: f.audit)
        #expect(pending.status == .pending)
        #expect(pending.method == .onSiteAssociated)
        #expect(try await f.signup.pendingSignups(for: f.p11).isEmpty)
        #expect(try await f.signup.pendingSignups(for: f.p37).map(\.enterpriseID) == [pending.enterpriseID])
        #expect(await registryError { _ = try await f.signup.authenticateOnSite(enterpriseID: pending.enterpriseID, by: f.p11, audit: f.audit) }
                == .notFound(Text(.signupNotFound, "\(pending.enterpriseID)")))
        let done = try await f.signup.authenticateOnSite(enterpriseID: pending.enterpriseID, by: f.p37, audit: f.audit)
        #expect(done.status == .authenticated)
        let consumed = try await f.base.database.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM identity_locks") }
        #expect(consumed == 1)
    }

    @Test("Step 5 waits for steps 2-4")
    func incomplete() async throws {
        let f = try SignupFixture()
        defer { f.base.remove() }
        let started = try await f.signup.start(f.info(), audit: f.audit)
        let early = await registryError { _ = try await f.signup.requestOnSite(draftToken: started.draftToken, associated: false, certificatePEM: nil, signature: [], audit: f.audit) }
        #expect(early == .failedPrecondition(Text(.signupFinishLicence)))
    }

    @Test("Attachments: images by content, at most 500 KB", arguments: [
        ([0xFF, 0xD8, 0xFF, 0xE0] + [UInt8](repeating: 1, count: 50), "image/jpeg"),
        (Array("GIF89a".utf8) + [UInt8](repeating: 1, count: 50), "image/gif"),
        ([0x42, 0x4D] + [UInt8](repeating: 1, count: 50), "image/bmp"),
        (Array("%PDF-1.7".utf8) + [UInt8](repeating: 1, count: 50), nil),
        ([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 1, count: 512_001), nil),
    ] as [([UInt8], String?)])
    func attachments(content: [UInt8], type: String?) async throws {
        let f = try SignupFixture()
        defer { f.base.remove() }
        let started = try await f.signup.start(f.info(), audit: f.audit)
        let result = await Result(asyncCatching: { try await f.signup.uploadAttachment(draftToken: started.draftToken, kind: .qualificationCertificate, content: content, audit: f.audit) })
        switch (result, type) {
        case (.success(let stored), let expected?): #expect(stored.contentType == expected)
        case (.failure(let e as RegistryError), nil):
            guard case .invalidFields(let v) = e else { Issue.record("unexpected \(e)"); return }
            #expect(v.first?.field == "content")
        default: Issue.record("unexpected \(result)")
        }
    }

    @Test("Bad basic information names every field; one live enterprise per credit code")
    func basicInfo() async throws {
        let f = try SignupFixture()
        defer { f.base.remove() }
        let bad = await registryError {
            _ = try await f.signup.start(EnterpriseBasicInfo(creditCode: "91370100000000000X", name: "", legalRepresentative: "",
                                                             registeredAddress: "", postcode: "12"), audit: f.audit)
        }
        guard case .invalidFields(let v) = bad else { Issue.record("got \(String(describing: bad))"); return }
        #expect(v.map(\.field) == ["info.credit_code", "info.name", "info.legal_representative", "info.registered_address", "info.postcode"])
        // Two drafts for one credit code are allowed: a draft reserves nothing.
        _ = try await f.signup.start(f.info(), audit: f.audit)
        _ = try await f.signup.start(f.info(), audit: f.audit)
        let central = await registryError { _ = try await f.signup.start(f.info("11100000000013338W"), audit: f.audit) }
        #expect(central == .invalid("info.province_code", .creditCodeCentral))
    }

    @Test("A squatter's draft and even its on-site request never block the real enterprise with its identity lock")
    func squatting() async throws {
        let f = try SignupFixture()
        defer { f.base.remove() }
        // Given a squatter who signed up first and asked for on-site authentication
        let squatter = try await f.draft(account: "squatter", phone: "13700137001")
        let waiting = try await f.signup.requestOnSite(draftToken: squatter, associated: false, certificatePEM: nil, signature: [], audit: f.audit)
        // When the real enterprise signs up and authenticates with its lock
        f.base.clock.advance(61)
        let real = try await f.draft(account: "sdadmin", phone: "13700137000")
        let lock = try f.lock()
        let state = try await f.signup.authenticateWithLock(draftToken: real, certificatePEM: lock.pem, signature: try await f.sign(real, with: lock.key), audit: f.audit)
        // Then it is authenticated, and the squatter's request is returned with the reason
        #expect(state.status == .authenticated)
        let pending = try await f.signup.pendingSignups(for: f.p37)
        #expect(!pending.contains { $0.enterpriseID == waiting.enterpriseID })
        // and a later sign-up for the same code is refused at once.
        #expect(await registryError { _ = try await f.signup.start(f.info(), audit: f.audit) }
                == .alreadyExists(Text(.enterpriseExists)))
    }

    @Test("The province sees how many other sign-ups share a credit code; drafts expire after 7 days")
    func conflictsAndExpiry() async throws {
        let f = try SignupFixture()
        defer { f.base.remove() }
        let first = try await f.draft(account: "first", phone: "13700137001")
        f.base.clock.advance(61)
        _ = try await f.draft(account: "second", phone: "13700137002")
        let waiting = try await f.signup.requestOnSite(draftToken: first, associated: false, certificatePEM: nil, signature: [], audit: f.audit)
        let listed = try #require(try await f.signup.pendingSignups(for: f.p37).first { $0.enterpriseID == waiting.enterpriseID })
        #expect(listed.otherSignups == 1)
        // The second one cannot ask for on-site authentication while the first waits.
        let second = try await f.signup.start(f.info(), audit: f.audit).draftToken
        _ = second
        f.base.clock.advance(61)
        let third = try await f.draft(account: "third", phone: "13700137004")
        #expect(await registryError { _ = try await f.signup.requestOnSite(draftToken: third, associated: false, certificatePEM: nil, signature: [], audit: f.audit) }
                == .alreadyExists(Text(.signupTaken)))
        // A draft older than 7 days cannot continue, and the next sign-up forgets it.
        let stale = try await f.signup.start(f.info(SignupFixture.code37b), audit: f.audit).draftToken
        f.base.clock.advance(7 * 86_400 + 1)
        #expect(await registryError { try await f.signup.bindContact(draftToken: stale, email: "a@b.cn", phone: "13700137003", smsCode: "123456", audit: f.audit) }
                == .failedPrecondition(Text(.signupDraftExpired)))
        _ = try await f.signup.start(f.info(SignupFixture.code37b), audit: f.audit)
        #expect(await registryError { _ = try await f.signup.state(draftToken: stale) } == .notFound(Text(.signupDraftUnknown)))
    }

    @Test("A returned sign-up frees the credit code and the account; the reason is kept")
    func returned() async throws {
        let f = try SignupFixture()
        defer { f.base.remove() }
        let token = try await f.draft()
        let state = try await f.signup.requestOnSite(draftToken: token, associated: false, certificatePEM: nil, signature: [], audit: f.audit)
        #expect(await registryError { try await f.signup.returnSignup(enterpriseID: state.enterpriseID, reason: " ", by: f.p37, audit: f.audit) }
                == .invalid("reason", .reasonRequired))
        try await f.signup.returnSignup(enterpriseID: state.enterpriseID, reason: "营业执照与名称不符", by: f.p37, audit: f.audit)
        f.base.clock.advance(61)
        let again = try await f.draft(account: "sdadmin", phone: "13700137000")
        #expect(try await f.signup.state(draftToken: again).status == .draft)
    }

    @Test("Province looks up the administrator account and resets its password; other provinces cannot")
    func forgottenAccount() async throws {
        let f = try SignupFixture()
        defer { f.base.remove() }
        let token = try await f.draft()
        let pending = try await f.signup.requestOnSite(draftToken: token, associated: false, certificatePEM: nil, signature: [], audit: f.audit)
        _ = try await f.signup.authenticateOnSite(enterpriseID: pending.enterpriseID, by: f.p37, audit: f.audit)
        let old = try await f.base.accounts.loginEnterpriseUser(account: "sdadmin", password: "Admin-Pass1", audit: f.audit)
        #expect(try await f.signup.lookupAdministratorAccount(creditCode: SignupFixture.code37, by: f.p37, audit: f.audit).account == "sdadmin")
        #expect(await registryError { _ = try await f.signup.lookupAdministratorAccount(creditCode: SignupFixture.code37, by: f.p11, audit: f.audit) } != nil)
        #expect(await registryError { _ = try await f.signup.resetAdministratorPassword(enterpriseID: pending.enterpriseID, by: f.p11, audit: f.audit) } != nil)
        #expect(await registryError { _ = try await f.signup.lookupAdministratorAccount(creditCode: SignupFixture.code37, by: .ministry, audit: f.audit) }
                == .forbidden(Text(.onlyProvinces)))
        let temporary = try await f.signup.resetAdministratorPassword(enterpriseID: pending.enterpriseID, by: f.p37, audit: f.audit)
        #expect(await registryError { _ = try await f.base.accounts.caller(forToken: old.token) } != nil)
        _ = try await f.base.accounts.loginEnterpriseUser(account: "sdadmin", password: temporary, audit: f.audit)
        #expect(try await f.base.database.pool.read { try AuditLog.verify(in: $0) } != .intact(rows: 0))
    }
}

extension Result where Failure == any Error {
    init(asyncCatching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}

extension String {
    /// Replaces the last character with the GB 32100 check character.
    var fixedCreditCode: String {
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
        let sum = zip(prefix(17), weights).reduce(0) { $0 + alphabet.firstIndex(of: $1.0)! * $1.1 }
        return String(prefix(17)) + String(alphabet[(31 - sum % 31) % 31])
    }
}

// MARK: Sign-up screens (issue #9: corrections apply, returned sign-ups, 企业类型/经济性质/资质证书编号, the province's view)

extension SignupTests {
    @Test("A draft takes corrections of step 1, a new licence and another administrator; a taken account is refused")
    func draftCorrections() async throws {
        let f = try SignupFixture()
        defer { f.base.remove() }
        let token = try await f.draft()
        // Given a draft with steps 1-4 done
        let before = try await f.signup.state(draftToken: token)
        #expect(before.info?.name == "山东测试建设有限公司")
        #expect(before.administratorName == "赵六")
        // When the name and the enterprise type are corrected (one unchanged value listed too)
        let changed = try await f.signup.correct(draftToken: token, changes: [.name: "山东测试建设集团有限公司", .enterpriseType: "有限责任公司",
                                                                             .legalRepresentative: "王五"], audit: f.audit)
        // Then only the changed ones are reported and stored
        #expect(Set(changed) == [.name, .enterpriseType])
        var state = try await f.signup.state(draftToken: token)
        #expect(state.name == "山东测试建设集团有限公司")
        #expect(state.info?.enterpriseType == "有限责任公司")
        #expect(try await f.signup.correct(draftToken: token, changes: [.name: "山东测试建设集团有限公司"], audit: f.audit).isEmpty)
        // A bad correction names its field and changes nothing.
        #expect(await registryError { _ = try await f.signup.correct(draftToken: token, changes: [.name: " "], audit: f.audit) }
                == .invalid("info.name", .required))
        #expect(await registryError { _ = try await f.signup.correct(draftToken: token, changes: [.economicNature: "私营\u{7}"], audit: f.audit) }
                == .invalid("info.economic_nature", .controlCharacters))
        // A new licence replaces the old (its digest changes).
        let png2 = Array(Self.png2)
        _ = try await f.signup.uploadAttachment(draftToken: token, kind: .businessLicence, content: png2, audit: f.audit)
        state = try await f.signup.state(draftToken: token)
        #expect(state.licenceSHA256 != before.licenceSHA256)
        #expect(state.licenceSHA256 == Digest.hex(Digest.sha256(png2)))
        // Another administrator account replaces the first; an account of another sign-up is refused.
        try await f.signup.setAdministrator(draftToken: token, name: "钱七", account: "sdadmin2", password: "Admin-Pass2", passwordAgain: "Admin-Pass2", audit: f.audit)
        state = try await f.signup.state(draftToken: token)
        #expect(state.administratorAccount == "sdadmin2")
        #expect(state.administratorName == "钱七")
        let other = try await f.signup.start(f.info(SignupFixture.code37b, name: "另一家公司"), audit: f.audit)
        try await f.signup.setAdministrator(draftToken: other.draftToken, name: "孙八", account: "taken01", password: "Admin-Pass3", passwordAgain: "Admin-Pass3", audit: f.audit)
        #expect(await registryError {
            try await f.signup.setAdministrator(draftToken: token, name: "钱七", account: "taken01", password: "Admin-Pass2", passwordAgain: "Admin-Pass2", audit: f.audit)
        } == .alreadyExists(Text(.accountTaken, "taken01")))
        // Once submitted for on-site authentication, nothing changes any more.
        _ = try await f.signup.requestOnSite(draftToken: token, associated: false, certificatePEM: nil, signature: [], audit: f.audit)
        #expect(await registryError { _ = try await f.signup.correct(draftToken: token, changes: [.name: "又一个名字"], audit: f.audit) }
                == .failedPrecondition(Text(.signupSubmittedNoChange)))
        #expect(await registryError { _ = try await f.signup.uploadAttachment(draftToken: token, kind: .businessLicence, content: SignupFixture.png, audit: f.audit) }
                == .failedPrecondition(Text(.signupSubmittedNoChange)))
    }

    static let png2: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 9, count: 80)

    @Test("A returned sign-up shows its administrator account as typed and the province's reason, at login too")
    func returnedShowsReason() async throws {
        let f = try SignupFixture()
        defer { f.base.remove() }
        let token = try await f.draft()
        let state = try await f.signup.requestOnSite(draftToken: token, associated: false, certificatePEM: nil, signature: [], audit: f.audit)
        try await f.signup.returnSignup(enterpriseID: state.enterpriseID, reason: "营业执照与名称不符", by: f.p37, audit: f.audit)
        let returned = try await f.signup.state(draftToken: token)
        #expect(returned.status == .returned)
        #expect(returned.administratorAccount == "sdadmin")
        #expect(returned.returnReason == "营业执照与名称不符")
        #expect(await registryError { _ = try await f.base.accounts.loginEnterpriseUser(account: "sdadmin", password: "Admin-Pass1", audit: f.audit) }
                == .failedPrecondition(Text(.signupReturnedAtLogin, "营业执照与名称不符")))
        #expect(await registryError { _ = try await f.signup.correct(draftToken: token, changes: [.name: "x公司"], audit: f.audit) }
                == .failedPrecondition(Text(.signupReturnedStartAgain)))
    }

    @Test("Sign-up records 企业类型, 经济性质 and the optional 资质证书编号; the province sees them and downloads the licence (own province, audited)")
    func typeNatureNumberAndAttachments() async throws {
        let f = try SignupFixture()
        defer { f.base.remove() }
        var info = f.info()
        info.enterpriseType = "有限责任公司"
        info.economicNature = "私营"
        info.qualificationCertificateNo = "D237012345"
        let started = try await f.signup.start(info, audit: f.audit)
        #expect(try await f.signup.state(draftToken: started.draftToken).info?.qualificationCertificateNo == "D237012345")
        var long = f.info(SignupFixture.code37b)
        long.enterpriseType = String(repeating: "类", count: 51)
        long.qualificationCertificateNo = "D2\n37"
        let error = await registryError { _ = try await f.signup.start(long, audit: f.audit) }
        guard case .invalidFields(let violations) = error else { Issue.record("expected field violations, got \(String(describing: error))"); return }
        #expect(violations.map(\.field).sorted() == ["info.enterprise_type", "info.qualification_certificate_no"])
        // Without 资质证书编号 (optional) a sign-up goes through.
        let token = try await f.draft(SignupFixture.code37b, account: "sdadmin9")
        #expect(try await f.signup.state(draftToken: token).info?.qualificationCertificateNo == "")
        _ = try await f.signup.uploadAttachment(draftToken: started.draftToken, kind: .businessLicence, content: SignupFixture.png, audit: f.audit)
        let pending = try await f.signup.requestOnSite(draftToken: token, associated: false, certificatePEM: nil, signature: [], audit: f.audit)
        // The province sees the fields in the pending list.
        let listed = try #require(try await f.signup.pendingSignups(for: f.p37).first)
        #expect(listed.info?.legalRepresentative == "王五")
        // Downloads: own province only (any status), audited; a kind not uploaded is named.
        let licence = try await f.signup.signupAttachment(enterpriseID: started.enterpriseID, kind: .businessLicence, by: f.p37, audit: f.audit)
        #expect(licence.bytes == SignupFixture.png)
        #expect(licence.contentType == "image/png")
        #expect(await registryError { _ = try await f.signup.signupAttachment(enterpriseID: pending.enterpriseID, kind: .businessLicence, by: f.p11, audit: f.audit) }
                == .notFound(Text(.signupNotFound, "\(pending.enterpriseID)")))
        #expect(await registryError { _ = try await f.signup.signupAttachment(enterpriseID: pending.enterpriseID, kind: .qualificationCertificate, by: f.p37, audit: f.audit) }
                == .notFound(Text(.signupAttachmentNotFound, "\(pending.enterpriseID)", .text(.kindQualificationCertificate))))
        #expect(await registryError { _ = try await f.signup.signupAttachment(enterpriseID: pending.enterpriseID, kind: .businessLicence, by: .ministry, audit: f.audit) }
                == .forbidden(Text(.onlyProvinces)))
        let audited = try await f.base.database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_log WHERE result LIKE 'sign-up attachment viewed%'")
        }
        #expect(audited == 1)
    }
}
