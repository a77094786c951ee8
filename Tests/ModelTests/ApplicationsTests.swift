import Crypto
import Foundation
import GRDB
@testable import Model
import Testing

/// An authenticated enterprise (province 37), an individual, and the applications use case.
struct ApplicationsFixture {
    let signupFixture: SignupFixture
    let applications: Applications
    var base: AccountsFixture { signupFixture.base }
    var audit: AuditContext { base.audit }
    let enterprise: Caller
    let person: Caller

    init(enterpriseCode: String = SignupFixture.code37) async throws {
        signupFixture = try SignupFixture()
        let clock = signupFixture.base.clock
        applications = Applications(database: signupFixture.base.database, now: { clock.now })
        let token = try await signupFixture.draft(enterpriseCode)
        let pending = try await signupFixture.signup.requestOnSite(draftToken: token, associated: false, certificatePEM: nil, signature: [], audit: signupFixture.audit)
        _ = try await signupFixture.signup.authenticateOnSite(enterpriseID: pending.enterpriseID, by: signupFixture.p37, audit: signupFixture.audit)
        let admin = try await signupFixture.base.accounts.loginEnterpriseUser(account: "sdadmin", password: "Admin-Pass1", audit: signupFixture.audit)
        enterprise = try await signupFixture.base.accounts.caller(forToken: admin.token)
        clock.advance(61)
        // Born 1990: well under the age limit.
        person = .individual(individualID: try await signupFixture.base.register("110105199003070011".checkedID))
    }

    /// A qualification number of its own by default: a number belongs to one person.
    func draft(_ type: RegistrationType = .initial, specialties: [String] = ["建筑工程"], employer: String = SignupFixture.code37,
               qualificationNumber: String = "Q\(UInt32.random(in: 0..<UInt32.max))") -> ApplicationDraft {
        // Contract dates relative to the clock, so the fixture does not age.
        ApplicationDraft(type: type, specialties: specialties, employerCreditCode: employer, qualificationCertificateNo: qualificationNumber,
                         qualificationDate: "2020-06-01", contractStart: "2024-01-01",
                         contractEnd: CalendarDate(base.clock.now).adding(years: 3).description)
    }

    /// A person with their own application waiting for the enterprise.
    func person(_ n: Int) async throws -> Caller {
        base.clock.advance(61)
        let id = try await base.register(String(format: "110105198001%02d001", n % 28 + 1).checkedID, phone: String(format: "1350000%04d", n))
        return .individual(individualID: id)
    }
}

extension String {
    var checkedID: String {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let sum = zip(prefix(17).map { Int(String($0))! }, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return String(prefix(17)) + String(Array("10X98765432")[sum % 11])
    }
}

@Suite("Applications")
struct ApplicationsTests {
    @Test("The route of each type is data; 增项 skips the enterprise; 变更 and 注销 have no 公告", arguments: RegistrationType.allCases)
    func routes(_ type: RegistrationType) {
        let stages = ApplicationRoute.stages[type]!
        #expect(stages.contains(.enterprise) == (type != .addSpecialty))
        #expect(stages.contains(.announcement) == !(type == .change || type == .cancellation))
        var status = ApplicationRoute.first(type)
        var steps = 0
        while status != .completed {
            status = ApplicationRoute.next(after: status, for: type)!
            steps += 1
        }
        #expect(steps == stages.count)
    }

    @Test("Submit, list, report: the report moves it to the province and can never be undone")
    func submitAndReport() async throws {
        let f = try await ApplicationsFixture()
        defer { f.base.remove() }
        let app = try await f.applications.submit(f.draft(), by: f.person, audit: f.audit)
        #expect(app.status == .awaitingEnterprise)
        #expect(app.maskedIDNumber.hasPrefix("1101**********"))
        #expect(!app.maskedIDNumber.contains("19900307"))
        let pending = try await f.applications.list(for: f.enterprise, ApplicationFilter(statuses: [.awaitingEnterprise]))
        #expect(pending.items.map(\.id) == [app.id])
        #expect(await registryError { _ = try await f.applications.report(app.id, acceptCommitment: false, by: f.enterprise, audit: f.audit) }
                == .invalid("accept_commitment", .commitmentRequired))
        let reported = try await f.applications.report(app.id, acceptCommitment: true, by: f.enterprise, audit: f.audit)
        #expect(reported.status == .awaitingProvince)
        #expect(await registryError { try await f.applications.returnToApplicant(app.id, reason: "x", by: f.enterprise, audit: f.audit) }
                == .failedPrecondition(Text(.onlyAwaitingReturn, .text(.statusAwaitingProvince))))
        #expect(await registryError { try await f.applications.withdraw(app.id, by: f.person, audit: f.audit) }
                == .failedPrecondition(Text(.onlyUnreportedWithdraw, .text(.statusAwaitingProvince))))
        let history = try await f.applications.application(app.id, for: f.person).events.map(\.action)
        #expect(history == ["submitted", "reported"])
    }

    @Test("增项 never reaches the enterprise")
    func addSpecialtySkipsEnterprise() async throws {
        let f = try await ApplicationsFixture()
        defer { f.base.remove() }
        // Given a registration in 建筑工程 at this enterprise
        try await f.base.database.pool.write { db in
            guard case .individual(let person) = f.person, case .enterpriseUser(let enterprise, _, _) = f.enterprise else { return }
            try db.execute(sql: "INSERT INTO registrations (id, individual_id, enterprise_id, registration_number, status, registered_at) VALUES ('r1', ?, ?, '鲁137202400001', 'active', 0)",
                           arguments: [person, enterprise])
            try db.execute(sql: "INSERT INTO registration_specialties VALUES ('r1', '建筑工程', '2024-01-01', '2027-01-01')")
        }
        let sameSpecialty = await registryError { _ = try await f.applications.submit(f.draft(.addSpecialty), by: f.person, audit: f.audit) }
        #expect(sameSpecialty == .invalid("specialties", .specialtyAlreadyRegistered, "建筑工程"))
        let app = try await f.applications.submit(f.draft(.addSpecialty, specialties: ["市政公用工程"]), by: f.person, audit: f.audit)
        #expect(app.status == .awaitingProvince)
        #expect(try await f.applications.list(for: f.enterprise, ApplicationFilter(statuses: [.awaitingEnterprise])).items.isEmpty)
        // A registered person cannot apply for 初始 again (one employer).
        #expect(await registryError { _ = try await f.applications.submit(f.draft(.initial), by: f.person, audit: f.audit) } != nil)
    }

    @Test("Renewal opens 90 days before expiry and closes 30 days before it")
    func renewalWindow() async throws {
        let f = try await ApplicationsFixture()
        defer { f.base.remove() }
        try await f.base.database.pool.write { db in
            guard case .individual(let person) = f.person, case .enterpriseUser(let enterprise, _, _) = f.enterprise else { return }
            try db.execute(sql: "INSERT INTO registrations (id, individual_id, enterprise_id, registration_number, status, registered_at) VALUES ('r1', ?, ?, 'n1', 'active', 0)",
                           arguments: [person, enterprise])
            // Expiry in 20 days is too late to renew, in 40 days fine, in 100 days too early.
            let today = CalendarDate(f.base.clock.now)
            try db.execute(sql: "INSERT INTO registration_specialties VALUES ('r1', '市政公用工程', '2023-12-13', ?)", arguments: [today.adding(days: 100).description])
            try db.execute(sql: "INSERT INTO registration_specialties VALUES ('r1', '建筑工程', '2023-12-13', ?)", arguments: [today.adding(days: 20).description])
            try db.execute(sql: "INSERT INTO registration_specialties VALUES ('r1', '机电工程', '2024-01-02', ?)", arguments: [today.adding(days: 40).description])
        }
        let late = await registryError { _ = try await f.applications.submit(f.draft(.renewal, specialties: ["建筑工程"]), by: f.person, audit: f.audit) }
        guard case .failedPrecondition(let why) = late, why.code == .renewalClosed else { Issue.record("got \(String(describing: late))"); return }
        let early = await registryError { _ = try await f.applications.submit(f.draft(.renewal, specialties: ["市政公用工程"]), by: f.person, audit: f.audit) }
        guard case .failedPrecondition(let notYet) = early, notYet.code == .renewalNotYetOpen else { Issue.record("got \(String(describing: early))"); return }
        #expect(notYet.rendered(.zh).contains("到期前 90 天"))
        let ok = try await f.applications.submit(f.draft(.renewal, specialties: ["机电工程"]), by: f.person, audit: f.audit)
        #expect(ok.status == .awaitingEnterprise)
    }

    @Test("No registration from the 65th birthday on")
    func ageLimit() async throws {
        let f = try await ApplicationsFixture()
        defer { f.base.remove() }
        f.base.clock.advance(61)
        let old = Caller.individual(individualID: try await f.base.register("110105196011220011".checkedID, phone: "13600136000"))
        let e = await registryError { _ = try await f.applications.submit(f.draft(), by: old, audit: f.audit) }
        #expect(e == .failedPrecondition(Text(.ageLimit, "65")))
    }

    @Test("Bad drafts name every field")
    func validation() async throws {
        let f = try await ApplicationsFixture()
        defer { f.base.remove() }
        let bad = ApplicationDraft(type: nil, specialties: ["建筑", "建筑工程", "建筑工程"], employerCreditCode: "x", qualificationCertificateNo: "",
                                   qualificationDate: "2030-01-01", contractStart: "2025-13-01", contractEnd: "2020-01-01")
        let e = await registryError { _ = try await f.applications.submit(bad, by: f.person, audit: f.audit) }
        guard case .invalidFields(let v) = e else { Issue.record("got \(String(describing: e))"); return }
        #expect(v.map(\.field) == ["type", "specialties[0]", "specialties[2]", "employer_credit_code", "qualification_certificate_no",
                                   "qualification_date", "contract_start", "contract_end"])
    }

    @Test("Return with a reason; the applicant edits and resubmits; withdraw")
    func returnResubmitWithdraw() async throws {
        let f = try await ApplicationsFixture()
        defer { f.base.remove() }
        let app = try await f.applications.submit(f.draft(), by: f.person, audit: f.audit)
        #expect(await registryError { try await f.applications.returnToApplicant(app.id, reason: "  ", by: f.enterprise, audit: f.audit) }
                == .invalid("reason", .returnReasonRequired))
        try await f.applications.returnToApplicant(app.id, reason: "合同日期有误", by: f.enterprise, audit: f.audit)
        let returned = try await f.applications.application(app.id, for: f.person)
        #expect(returned.status == .returned)
        #expect(returned.returnReason == "合同日期有误")
        var fixed = f.draft()
        let newEnd = CalendarDate(f.base.clock.now).adding(years: 4).description
        fixed.contractEnd = newEnd
        let again = try await f.applications.resubmit(app.id, fixed, by: f.person, audit: f.audit)
        #expect(again.status == .awaitingEnterprise)
        #expect(again.contractEnd == newEnd)
        try await f.applications.withdraw(app.id, by: f.person, audit: f.audit)
        #expect(try await f.applications.application(app.id, for: f.person).status == .withdrawn)
        // A new application is allowed once the old one is closed.
        _ = try await f.applications.submit(f.draft(), by: f.person, audit: f.audit)
    }

    @Test("Two concurrent reports of one application: exactly one wins")
    func concurrentReports() async throws {
        let f = try await ApplicationsFixture()
        defer { f.base.remove() }
        let app = try await f.applications.submit(f.draft(), by: f.person, audit: f.audit)
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<8 {
                group.addTask { (try? await f.applications.report(app.id, acceptCommitment: true, by: f.enterprise, audit: f.audit)) != nil }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 1)
        let events = try await f.applications.application(app.id, for: f.enterprise).events.filter { $0.action == "reported" }
        #expect(events.count == 1)
    }

    @Test("A batch report retried with the same key applies once and answers the same")
    func batchIdempotency() async throws {
        let f = try await ApplicationsFixture()
        defer { f.base.remove() }
        var ids: [String] = []
        for n in 0..<5 {
            let who = try await f.person(n)
            ids.append(try await f.applications.submit(f.draft(), by: who, audit: f.audit).id)
        }
        let first = try await f.applications.batchReport(ids + ["nope"], acceptCommitment: true, idempotencyKey: "k-1", by: f.enterprise, audit: f.audit)
        #expect(first.filter { $0.error == nil }.count == 5)
        #expect(first.last?.error == .notFound(Text(.applicationNotFound, "nope")))
        let again = try await f.applications.batchReport(ids + ["nope"], acceptCommitment: true, idempotencyKey: "k-1", by: f.enterprise, audit: f.audit)
        #expect(again == first)
        let reportedEvents = try await f.base.database.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM application_events WHERE action = 'reported'") }
        #expect(reportedEvents == 5)
        // A new key now finds them already reported.
        let later = try await f.applications.batchReport(ids, acceptCommitment: true, idempotencyKey: "k-2", by: f.enterprise, audit: f.audit)
        #expect(later.allSatisfy { if case .failedPrecondition = $0.error { true } else { false } })
        #expect(await registryError { _ = try await f.applications.batchReport(ids, acceptCommitment: true, idempotencyKey: "k-1", by: f.enterprise, audit: f.audit) }
                == .failedPrecondition(Text(.idempotencyKeyReused, "k-1")))
        #expect(await registryError { _ = try await f.applications.batchReport(ids, acceptCommitment: true, idempotencyKey: nil, by: f.enterprise, audit: f.audit) } != nil)
        #expect(try await f.base.database.pool.read { try AuditLog.verify(in: $0) } == .intact(rows: try await f.base.database.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM audit_log")! }))
    }

    @Test("Others see nothing: another enterprise, another individual, a province, anonymous")
    func isolation() async throws {
        let f = try await ApplicationsFixture()
        defer { f.base.remove() }
        let app = try await f.applications.submit(f.draft(), by: f.person, audit: f.audit)
        let strangers: [Caller] = [.enterpriseUser(enterpriseID: "other", userID: "u", admin: true), .individual(individualID: "someone-else"),
                                   .province(ProvinceCode(11)!), .anonymous]
        for who in strangers {
            #expect(await registryError { _ = try await f.applications.application(app.id, for: who) } == .notFound(Text(.applicationNotFound, "\(app.id)")))
            #expect(try await f.applications.list(for: who, ApplicationFilter()).items.isEmpty)
        }
        #expect(await registryError { _ = try await f.applications.report(app.id, acceptCommitment: true, by: .enterpriseUser(enterpriseID: "other", userID: "u", admin: true), audit: f.audit) }
                == .notFound(Text(.applicationNotFound, "\(app.id)")))
        // Its own province sees it.
        #expect(try await f.applications.list(for: .province(ProvinceCode(37)!), ApplicationFilter()).items.count == 1)
    }

    @Test("Pages follow each other without gaps or repeats")
    func paging() async throws {
        let f = try await ApplicationsFixture()
        defer { f.base.remove() }
        var ids: Set<String> = []
        for n in 0..<7 {
            ids.insert(try await f.applications.submit(f.draft(), by: try await f.person(n), audit: f.audit).id)
            f.base.clock.advance(1)
        }
        var seen: [String] = []
        var token = ""
        repeat {
            let page = try await f.applications.list(for: f.enterprise, ApplicationFilter(statuses: [.awaitingEnterprise], pageSize: 3, pageToken: token))
            #expect(page.total == 7)
            seen += page.items.map(\.id)
            token = page.nextPageToken
        } while !token.isEmpty
        #expect(seen.count == 7)
        #expect(Set(seen) == ids)
        #expect(await registryError { _ = try await f.applications.list(for: f.enterprise, ApplicationFilter(pageToken: "zz")) }
                == .invalid("page.page_token", .pageToken))
    }
}

@Suite("Registration rules of issue #9")
struct RegistrationRulesTests {
    @Test("A qualification certificate number belongs to one person")
    func qualificationNumberOnePerson() async throws {
        let f = try await ApplicationsFixture()
        defer { f.base.remove() }
        _ = try await f.applications.submit(f.draft(qualificationNumber: "QN-2019-0001"), by: f.person, audit: f.audit)
        let other = try await f.person(3)
        let e = await registryError { _ = try await f.applications.submit(f.draft(qualificationNumber: "QN-2019-0001"), by: other, audit: f.audit) }
        #expect(e == .invalid("qualification_certificate_no", .qualificationNumberTaken))
        #expect(try await f.applications.submit(f.draft(qualificationNumber: "QN-2019-0002"), by: other, audit: f.audit).status == .awaitingEnterprise)
    }

    @Test("Each type asks only for its fields: 延续 and 注销 need no qualification or contract, 变更 no qualification")
    func fieldsPerType() {
        let empty = ApplicationDraft(type: .renewal, specialties: ["建筑工程"], employerCreditCode: SignupFixture.code37, qualificationCertificateNo: "",
                                     qualificationDate: "", contractStart: "", contractEnd: "")
        for type in [RegistrationType.renewal, .cancellation] {
            var d = empty
            d.type = type
            #expect(throws: Never.self) { _ = try Applications.validate(d, today: CalendarDate(Date())) }
        }
        var change = empty
        change.type = .change
        #expect(throws: RegistryError.invalidFields([FieldViolation(field: "contract_start", .required), FieldViolation(field: "contract_end", .required)])) {
            _ = try Applications.validate(change, today: CalendarDate(Date()))
        }
        var initial = empty
        initial.type = .initial
        #expect(throws: RegistryError.self) { _ = try Applications.validate(initial, today: CalendarDate(Date())) }
        #expect(RegistrationFields(.addSpecialty) == RegistrationFields(.addSpecialty))
        #expect(RegistrationFields(.addSpecialty).qualification && !RegistrationFields(.addSpecialty).contract)
    }
}
