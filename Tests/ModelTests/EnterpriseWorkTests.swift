import Foundation
import GRDB
import Model
import Testing

@Suite("Enterprise information, users and passwords")
struct EnterpriseWorkTests {
    @Test("Contact fields change at once; others wait for the province; one pending request; rejection reason shown")
    func infoChanges() async throws {
        let f = try await ApplicationsFixture()
        defer { f.base.remove() }
        let info = EnterpriseInfo(database: f.base.database, now: { f.base.clock.now })
        let p37 = Caller.province(ProvinceCode(37)!)
        let result = try await info.update([.contact: "钱九", .postcode: "250000", .name: "山东示范建设集团有限公司"], by: f.enterprise, audit: f.audit)
        #expect(result.applied == [.contact, .postcode])
        #expect(result.requested?.changes == [.name: "山东示范建设集团有限公司"])
        var profile = try await info.profile(of: nil, for: f.enterprise)
        #expect(profile.fields[.contact] == "钱九")
        #expect(profile.fields[.name] == "山东测试建设有限公司")
        #expect(profile.pendingChange != nil)
        #expect(await registryError { _ = try await info.update([.legalRepresentative: "孙十"], by: f.enterprise, audit: f.audit) }
                == .failedPrecondition(Text(.changeAlreadyPending)))
        #expect(try await info.pendingChanges(for: .province(ProvinceCode(11)!)).isEmpty)
        let change = try #require(try await info.pendingChanges(for: p37).first)
        #expect(await registryError { try await info.decide(change.id, approve: false, reason: "", by: p37, audit: f.audit) }
                == .invalid("reason", .rejectReasonRequired))
        try await info.decide(change.id, approve: false, reason: "名称与营业执照不符", by: p37, audit: f.audit)
        profile = try await info.profile(of: nil, for: f.enterprise)
        #expect(profile.lastRejection == "名称与营业执照不符")
        #expect(profile.pendingChange == nil)
        let second = try await info.update([.name: "山东示范建设集团有限公司"], by: f.enterprise, audit: f.audit)
        try await info.decide(second.requested!.id, approve: true, reason: "", by: p37, audit: f.audit)
        profile = try await info.profile(of: nil, for: f.enterprise)
        #expect(profile.fields[.name] == "山东示范建设集团有限公司")
        #expect(profile.lastRejection == nil)
        #expect(await registryError { _ = try await info.update([.postcode: "12"], by: f.enterprise, audit: f.audit) } == .invalid("postcode", .smsCodeFormat))
        // A name, representative or address with a control character is refused (found by an outside tester).
        #expect(await registryError { _ = try await info.update([.legalRepresentative: "王\u{7}五"], by: f.enterprise, audit: f.audit) }
                == .invalid("legal_representative", .controlCharacters))
        // Another enterprise's user sees nothing; the province of the enterprise does.
        #expect(await registryError { _ = try await info.profile(of: nil, for: .enterpriseUser(enterpriseID: "other", userID: "u", admin: true)) } == .notFound(Text(.enterpriseNotFound)))
        #expect(try await info.profile(of: profile.id, for: p37).id == profile.id)
        #expect(await registryError { _ = try await info.profile(of: profile.id, for: .province(ProvinceCode(11)!)) } == .notFound(Text(.enterpriseNotFound)))
        let licence = try await info.attachment(.businessLicence, of: nil, for: f.enterprise)
        #expect(licence.contentType == "image/png")
        #expect(licence.bytes == SignupFixture.png)
    }

    @Test("Only the administrator manages sub-users; reset ends the sub-user's sessions")
    func subUsers() async throws {
        let f = try await ApplicationsFixture()
        defer { f.base.remove() }
        let accounts = f.base.accounts
        let user = try await accounts.addUser(name: "钱九", account: "sd-clerk", password: "Clerk-Pass1", by: f.enterprise, audit: f.audit)
        #expect(try await accounts.users(of: f.enterprise).map(\.account) == ["sdadmin", "sd-clerk"])
        let clerkLogin = try await accounts.loginEnterpriseUser(account: "sd-clerk", password: "Clerk-Pass1", audit: f.audit)
        #expect(!clerkLogin.admin)
        let clerk = try await accounts.caller(forToken: clerkLogin.token)
        #expect(await registryError { _ = try await accounts.users(of: clerk) } == .forbidden(Text(.onlyAdministrator)))
        #expect(await registryError { _ = try await accounts.addUser(name: "x", account: "sdadmin", password: "Clerk-Pass1", by: f.enterprise, audit: f.audit) }
                == .alreadyExists(Text(.accountTaken, "sdadmin")))
        try await accounts.updateUser(user.id, name: nil, newPassword: "Fresh-Pass2", by: f.enterprise, audit: f.audit)
        #expect(await registryError { _ = try await accounts.caller(forToken: clerkLogin.token) } != nil)
        _ = try await accounts.loginEnterpriseUser(account: "sd-clerk", password: "Fresh-Pass2", audit: f.audit)
        try await accounts.removeUser(user.id, by: f.enterprise, audit: f.audit)
        #expect(try await accounts.users(of: f.enterprise).count == 1)
        #expect(await registryError { try await accounts.removeUser(user.id, by: f.enterprise, audit: f.audit) } == .notFound(Text(.subUserNotFound, "\(user.id)")))
    }

    @Test("Forgotten administrator password: SMS to the bound phone, then a new password")
    func forgotten() async throws {
        let f = try await ApplicationsFixture()
        defer { f.base.remove() }
        let accounts = f.base.accounts
        f.base.clock.advance(61)
        #expect(try await accounts.requestEnterprisePasswordReset(account: "nobody", audit: f.audit) == nil)
        #expect(try await accounts.requestEnterprisePasswordReset(account: "sdadmin", audit: f.audit) == "137****7000")
        let code = try f.base.lastCode("13700137000")
        // A wrong code for a real account and any code for an unknown one answer alike.
        let wrongCode = RegistryError.invalid("sms_code", .smsWrongOrExpired)
        #expect(await registryError { try await accounts.resetEnterprisePassword(account: "sdadmin", smsCode: "000000" == code ? "111111" : "000000", newPassword: "Reset-Pass3", audit: f.audit) }
                == wrongCode)
        #expect(await registryError { try await accounts.resetEnterprisePassword(account: "nobody", smsCode: "123456", newPassword: "Reset-Pass3", audit: f.audit) }
                == wrongCode)
        #expect(await registryError { try await accounts.resetEnterprisePassword(account: "nobody", smsCode: "123456", newPassword: "weak", audit: f.audit) }
                == (await registryError { try await accounts.resetEnterprisePassword(account: "sdadmin", smsCode: "123456", newPassword: "weak", audit: f.audit) }))
        try await accounts.resetEnterprisePassword(account: "sdadmin", smsCode: code, newPassword: "Reset-Pass3", audit: f.audit)
        _ = try await accounts.loginEnterpriseUser(account: "sdadmin", password: "Reset-Pass3", audit: f.audit)
        try await accounts.changeEnterprisePassword(of: try await accounts.caller(forToken: try await accounts.loginEnterpriseUser(account: "sdadmin", password: "Reset-Pass3", audit: f.audit).token),
                                                    old: "Reset-Pass3", new: "Final-Pass4", audit: f.audit)
        _ = try await accounts.loginEnterpriseUser(account: "sdadmin", password: "Final-Pass4", audit: f.audit)
    }

    @Test("Registered staff: the enterprise's own, paged, masked")
    func staff() async throws {
        let f = try await ApplicationsFixture()
        defer { f.base.remove() }
        let info = EnterpriseInfo(database: f.base.database)
        try await f.base.database.pool.write { db in
            guard case .individual(let person) = f.person, case .enterpriseUser(let enterprise, _, _) = f.enterprise else { return }
            try db.execute(sql: "INSERT INTO registrations (id, individual_id, enterprise_id, registration_number, status, registered_at) VALUES ('r1', ?, ?, '鲁137202400001', 'active', 0)", arguments: [person, enterprise])
            try db.execute(sql: "INSERT INTO registration_specialties VALUES ('r1', '建筑工程', '2024-01-01', '2027-01-01')")
        }
        let page = try await info.staff(for: f.enterprise)
        #expect(page.items.map(\.registrationNumber) == ["鲁137202400001"])
        #expect(page.items.first?.maskedIDNumber.contains("**********") == true)
        #expect(try await info.staffMember("r1", for: f.enterprise).specialties.map(\.specialty) == [.building])
        #expect(await registryError { _ = try await info.staffMember("r1", for: .enterpriseUser(enterpriseID: "other", userID: "u", admin: true)) } == .notFound(Text(.registeredPersonNotFound, "r1")))
    }
}

extension EnterpriseWorkTests {
    static let pdf: [UInt8] = Array("%PDF-1.4\n% new licence\n".utf8)

    @Test("A change request carries documents; its province sees and downloads them; approval replaces the licence")
    func changeDocuments() async throws {
        let f = try await ApplicationsFixture()
        defer { f.base.remove() }
        let info = EnterpriseInfo(database: f.base.database, now: { f.base.clock.now })
        let p37 = Caller.province(ProvinceCode(37)!)
        // Given a name change filed with the new licence (a PDF)
        let filed = try await info.update([.name: "山东示范建设集团有限公司"], attachments: [.init(kind: .businessLicence, content: Self.pdf)],
                                          by: f.enterprise, audit: f.audit)
        let change = try #require(filed.requested)
        #expect(change.attachments.map(\.kind) == [.businessLicence])
        #expect(change.attachments.first?.contentType == "application/pdf")
        // Bad documents: named by position; too many; wrong content.
        #expect(await registryError { _ = try await info.attach(.init(kind: .qualificationCertificate, content: Array("hello".utf8)), toChange: change.id, by: f.enterprise, audit: f.audit) }
                == .invalid("attachment.content", .documentType))
        #expect(await registryError { _ = try await info.attach(.init(kind: .qualificationCertificate, content: [UInt8](repeating: 0x89, count: 600 * 1024)), toChange: change.id, by: f.enterprise, audit: f.audit) }
                == .invalid("attachment.content", .imageTooLarge, "600"))
        #expect(await registryError {
            _ = try await info.update([.legalRepresentative: "孙十"], attachments: [.init(kind: .businessLicence, content: Self.pdf), .init(kind: .businessLicence, content: Self.pdf)], by: f.enterprise, audit: f.audit)
        } == .invalid("attachments[1].kind", .listedTwice))
        // When a qualification certificate is attached right after
        let withBoth = try await info.attach(.init(kind: .qualificationCertificate, content: SignupFixture.png), toChange: change.id, by: f.enterprise, audit: f.audit)
        #expect(withBoth.attachments.map(\.kind) == [.businessLicence, .qualificationCertificate])
        // Then the province sees both and downloads them; another province does not
        let listed = try #require(try await info.pendingChanges(for: p37).first)
        #expect(listed.attachments.count == 2)
        let licence = try await info.changeAttachment(.businessLicence, ofChange: change.id, for: p37, audit: f.audit)
        #expect(licence.bytes == Self.pdf)
        #expect(await registryError { _ = try await info.changeAttachment(.businessLicence, ofChange: change.id, for: .province(ProvinceCode(11)!), audit: f.audit) }
                == .notFound(Text(.changeNotFound, "\(change.id)")))
        #expect(await registryError { _ = try await info.attach(.init(kind: .businessLicence, content: Self.pdf), toChange: change.id,
                                                               by: .enterpriseUser(enterpriseID: "other", userID: "u", admin: true), audit: f.audit) }
                == .notFound(Text(.changeNotFound, "\(change.id)")))
        // And approval makes the new licence the enterprise's
        try await info.decide(change.id, approve: true, reason: "", by: p37, audit: f.audit)
        let now = try await info.attachment(.businessLicence, of: nil, for: f.enterprise)
        #expect(now.bytes == Self.pdf)
        #expect(now.contentType == "application/pdf")
        #expect(try await info.profile(of: nil, for: f.enterprise).fields[.name] == "山东示范建设集团有限公司")
        // A decided request takes no more documents.
        #expect(await registryError { _ = try await info.attach(.init(kind: .businessLicence, content: Self.pdf), toChange: change.id, by: f.enterprise, audit: f.audit) }
                == .failedPrecondition(Text(.changeNotPendingAttach, "\(change.id)", .text(.changeApproved))))
        // Documents alone make a request (a renewed licence); a rejected one leaves the licence alone.
        let renewed = try #require(try await info.update([:], attachments: [.init(kind: .businessLicence, content: SignupFixture.png)], by: f.enterprise, audit: f.audit).requested)
        #expect(renewed.changes.isEmpty)
        try await info.decide(renewed.id, approve: false, reason: "不清晰", by: p37, audit: f.audit)
        #expect(try await info.attachment(.businessLicence, of: nil, for: f.enterprise).bytes == Self.pdf)
        let audited = try await f.base.database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM audit_log WHERE result LIKE 'change attachment viewed%'")
        }
        #expect(audited == 1)
    }
}
