import Foundation
import GRDB
import Model
import Testing

/// The disclosure rows of the audit log, oldest first.
private func disclosureRows(_ database: RegistryDatabase) async throws -> [Row] {
    try await database.pool.read { db in
        try Row.fetchAll(db, sql: "SELECT caller, tenant, method, target, result, request_id FROM audit_log WHERE result LIKE ? ORDER BY id",
                         arguments: [DisclosureAudit.marker + "%"])
    }
}

@Suite("Disclosure of ID numbers and phones")
struct DisclosureTests {
    static let p37 = Caller.province(ProvinceCode(37)!)
    static let idNumber = "110105199003070011".checkedID

    static func audit(_ caller: Caller, _ method: String, operator name: String? = "张三") -> AuditContext {
        AuditContext(caller: caller, method: method, requestID: "req-1", operatorName: name)
    }

    /// The fixture with one application reported to province 37.
    static func reported() async throws -> (ApplicationsFixture, Application) {
        let f = try await ApplicationsFixture()
        let app = try await f.applications.submit(f.draft(), by: f.person, audit: f.audit)
        _ = try await f.applications.report(app.id, acceptCommitment: true, by: f.enterprise, audit: f.audit)
        return (f, app)
    }

    @Test("Reviewers see in full, everyone else masked", arguments: [
        (Caller.province(ProvinceCode(37)!), Disclosure.full), (.ministry, .full),
        (.enterpriseUser(enterpriseID: "e", userID: "u", admin: true), .masked), (.individual(individualID: "i"), .masked), (.anonymous, .masked),
    ])
    func policy(_ caller: Caller, _ expected: Disclosure) {
        #expect(Disclosure(for: caller) == expected)
        #expect(Disclosure(for: caller, audited: Self.audit(caller, "/m")) == expected)
        // No audit context, no full numbers, whoever asks.
        #expect(Disclosure(for: caller, audited: nil) == .masked)
        let shown: String? = expected == .full ? Self.idNumber : nil
        #expect(Disclosure(for: caller).idNumber(Self.idNumber) == DisclosedNumber(masked: "1101**********" + Self.idNumber.suffix(4), full: shown))
        #expect(Disclosure(for: caller).phone("13800138000").masked == "138****8000")
        #expect(Disclosure(for: caller).phone("13800138000").full == (expected == .full ? "13800138000" : nil))
    }

    @Test("A province sees full ID numbers and phones of its own province's applications; one audit row names operator, method and records")
    func provinceSeesFull() async throws {
        // Given an application reported to province 37
        let (f, app) = try await Self.reported()
        defer { f.base.remove() }
        // When the province lists and opens it
        let list = try await f.applications.list(for: Self.p37, ApplicationFilter(), audit: Self.audit(Self.p37, "/jzs.provincial.v1.Provincial/ListApplications"))
        let detail = try await f.applications.application(app.id, for: Self.p37, audit: Self.audit(Self.p37, "/jzs.provincial.v1.Provincial/GetApplication"))
        // Then the numbers are whole, and each call wrote one row without the numbers in it
        #expect(list.items.map(\.idNumber) == [Self.idNumber])
        #expect(list.items.map(\.phone) == ["13800138000"])
        #expect(detail.idNumber == Self.idNumber && detail.phone == "13800138000")
        #expect(detail.maskedIDNumber == "1101**********" + Self.idNumber.suffix(4))
        let rows = try await disclosureRows(f.base.database)
        #expect(rows.count == 2)
        #expect(rows.map { $0["method"] as String } == ["/jzs.provincial.v1.Provincial/ListApplications", "/jzs.provincial.v1.Provincial/GetApplication"])
        for row in rows {
            #expect((row["caller"] as String) == "jzs:province:37 operator=张三")
            #expect((row["target"] as String) == "application:\(app.id)")
            #expect((row["result"] as String).contains(app.id))
            #expect((row["request_id"] as String) == "req-1")
            #expect(!(row["result"] as String).contains(Self.idNumber) && !(row["result"] as String).contains("13800138000"))
        }
        let verification = try await f.base.database.pool.read { try AuditLog.verify(in: $0) }
        guard case .intact = verification else { Issue.record("audit chain: \(verification)"); return }
    }

    @Test("The enterprise and the applicant see masked numbers, and their reads write no disclosure row")
    func othersSeeMasked() async throws {
        let (f, app) = try await Self.reported()
        defer { f.base.remove() }
        for who in [f.enterprise, f.person] {
            let listed = try await f.applications.list(for: who, ApplicationFilter(), audit: Self.audit(who, "/list", operator: nil))
            let detail = try await f.applications.application(app.id, for: who, audit: Self.audit(who, "/get", operator: nil))
            for a in listed.items + [detail] {
                #expect(a.idNumber == nil && a.phone == nil)
                #expect(a.maskedIDNumber == "1101**********" + Self.idNumber.suffix(4))
                #expect(a.maskedPhone == "138****8000")
            }
        }
        #expect(try await disclosureRows(f.base.database).isEmpty)
    }

    @Test("Another province gets NOT_FOUND and nothing is disclosed or recorded")
    func otherProvince() async throws {
        let (f, app) = try await Self.reported()
        defer { f.base.remove() }
        let p11 = Caller.province(ProvinceCode(11)!)
        #expect(await registryError { _ = try await f.applications.application(app.id, for: p11, audit: Self.audit(p11, "/get")) }
                == .notFound(Text(.applicationNotFound, "\(app.id)")))
        #expect(try await f.applications.list(for: p11, ApplicationFilter(), audit: Self.audit(p11, "/list")).items.isEmpty)
        #expect(try await disclosureRows(f.base.database).isEmpty)
    }

    @Test("A reviewer's read without an audit context sees masked numbers")
    func unauditedIsMasked() async throws {
        let (f, app) = try await Self.reported()
        defer { f.base.remove() }
        #expect(try await f.applications.application(app.id, for: Self.p37).idNumber == nil)
        #expect(try await f.applications.list(for: .ministry, ApplicationFilter()).items.allSatisfy { $0.idNumber == nil })
        #expect(try await disclosureRows(f.base.database).isEmpty)
    }

    @Test("The ministry's export carries full numbers and records the page it sent")
    func ministryExport() async throws {
        // Given an application the province forwarded to the ministry
        let (f, app) = try await Self.reported()
        defer { f.base.remove() }
        _ = try await f.applications.accept(app.id, by: Self.p37, audit: Self.audit(Self.p37, "/accept"))
        // When the ministry exports
        var exported: [Application] = []
        try await f.applications.export(for: .ministry, ApplicationFilter(statuses: [.awaitingMinistry]),
                                        audit: Self.audit(.ministry, "/jzs.ministry.v1.Ministry/ExportApplications", operator: "王五")) { exported += $0.items }
        // Then
        #expect(exported.map(\.idNumber) == [Self.idNumber])
        let last = try #require(try await disclosureRows(f.base.database).last)
        #expect((last["caller"] as String) == "jzs:ministry operator=王五")
        #expect((last["method"] as String) == "/jzs.ministry.v1.Ministry/ExportApplications")
        #expect((last["result"] as String).contains(app.id))
    }

    @Test("A list of several records names them all and their count in one row")
    func severalRecords() async throws {
        let f = try await ApplicationsFixture()
        defer { f.base.remove() }
        var ids: [String] = []
        for n in 1...3 {
            let person = try await f.person(n)
            let app = try await f.applications.submit(f.draft(), by: person, audit: f.audit)
            _ = try await f.applications.report(app.id, acceptCommitment: true, by: f.enterprise, audit: f.audit)
            ids.append(app.id)
        }
        let page = try await f.applications.list(for: Self.p37, ApplicationFilter(), audit: Self.audit(Self.p37, "/list"))
        #expect(page.items.count == 3 && page.items.allSatisfy { $0.idNumber != nil })
        let rows = try await disclosureRows(f.base.database)
        #expect(rows.count == 1)
        #expect((rows[0]["target"] as String) == "applications:3")
        #expect(ids.allSatisfy { (rows[0]["result"] as String).contains($0) })
    }

    @Test("History names the person: the applicant, the enterprise's user, the authority with its operator")
    func historyNamesOperator() async throws {
        let (f, app) = try await Self.reported()
        defer { f.base.remove() }
        _ = try await f.applications.accept(app.id, by: Self.p37, audit: Self.audit(Self.p37, "/accept", operator: "李四"))
        let events = try await f.applications.application(app.id, for: f.person).events
        #expect(events.map(\.actorName) == ["张三", "山东测试建设有限公司 · 赵六（sdadmin）", "山东省住房和城乡建设厅 · 李四"])
        #expect(events.last?.actor == "jzs:province:37")
        // The ministry names its centre and operator.
        let results = try await f.applications.decide([MinistryDecision(applicationID: app.id, approve: true, reason: "")], idempotencyKey: "k-1",
                                                      by: .ministry, audit: Self.audit(.ministry, "/decide", operator: "王五"))
        #expect(results.first?.error == nil)
        #expect(try await f.applications.application(app.id, for: f.person).events.last?.actorName == "住房和城乡建设部执业资格注册中心 · 王五")
    }

    @Test("Events written before names were kept show the authority from the principal")
    func oldEvents() async throws {
        let (f, app) = try await Self.reported()
        defer { f.base.remove() }
        try await f.base.database.pool.write { db in
            try db.execute(sql: "INSERT INTO application_events (application_id, at, actor, action, to_status) VALUES (?, 0, 'jzs:province:37', 'accepted by province', 'awaiting_ministry')",
                           arguments: [app.id])
        }
        #expect(try await f.applications.application(app.id, for: f.person).events.last?.actorName == "山东省住房和城乡建设厅")
    }

    @Test("Authorities by name", arguments: [(UInt32(37), "山东省住房和城乡建设厅"), (11, "北京市住房和城乡建设委员会"), (31, "上海市住房和城乡建设管理委员会"),
                                            (66, "新疆生产建设兵团住房和城乡建设局")])
    func authorities(_ code: UInt32, _ name: String) {
        #expect(Province.authorityName(of: code) == name)
    }
}

@Suite("People by the identifiers they know")
struct UserIdentifierTests {
    @Test("Registered staff by 注册编号 within the enterprise; another enterprise's number is NOT_FOUND")
    func staffByNumber() async throws {
        let f = try await ApplicationsFixture()
        defer { f.base.remove() }
        let info = EnterpriseInfo(database: f.base.database)
        try await f.base.database.pool.write { db in
            guard case .individual(let person) = f.person, case .enterpriseUser(let enterprise, _, _) = f.enterprise else { return }
            try db.execute(sql: "INSERT INTO registrations (id, individual_id, enterprise_id, registration_number, status, registered_at) VALUES ('r1', ?, ?, '鲁137202400001', 'active', 0)", arguments: [person, enterprise])
            try db.execute(sql: "INSERT INTO registration_specialties VALUES ('r1', '建筑工程', '2024-01-01', '2027-01-01')")
        }
        let member = try await info.staffMember(.registrationNumber("鲁137202400001"), for: f.enterprise)
        #expect(member.registrationID == "r1" && member.name == "张三")
        #expect(member.idNumber == nil && member.maskedIDNumber.contains("**********"))
        #expect(try await info.staffMember(.registrationID("r1"), for: f.enterprise).registrationNumber == "鲁137202400001")
        let stranger = Caller.enterpriseUser(enterpriseID: "other", userID: "u", admin: true)
        #expect(await registryError { _ = try await info.staffMember(.registrationNumber("鲁137202400001"), for: stranger) }
                == .notFound(Text(.registeredPersonNotFound, "鲁137202400001")))
        #expect(await registryError { _ = try await info.staffMember(.registrationNumber("鲁137202499999"), for: f.enterprise) }
                == .notFound(Text(.registeredPersonNotFound, "鲁137202499999")))
    }

    @Test("Sub-users are edited and removed by account; another enterprise's account and the administrator are NOT_FOUND")
    func subUsersByAccount() async throws {
        // Given two enterprises, each with a sub-user
        let f = try await ApplicationsFixture()
        defer { f.base.remove() }
        let accounts = f.base.accounts
        _ = try await accounts.addUser(name: "钱九", account: "sd-clerk", password: "Clerk-Pass1", by: f.enterprise, audit: f.audit)
        let token = try await f.signupFixture.draft(SignupFixture.code37b, name: "山东第二建设有限公司", account: "sd2admin")
        let pending = try await f.signupFixture.signup.requestOnSite(draftToken: token, associated: false, certificatePEM: nil, signature: [], audit: f.audit)
        _ = try await f.signupFixture.signup.authenticateOnSite(enterpriseID: pending.enterpriseID, by: f.signupFixture.p37, audit: f.audit)
        let other = try await accounts.caller(forToken: try await accounts.loginEnterpriseUser(account: "sd2admin", password: "Admin-Pass1", audit: f.audit).token)
        _ = try await accounts.addUser(name: "孙十", account: "sd2-clerk", password: "Clerk-Pass1", by: other, audit: f.audit)
        // When / Then
        try await accounts.updateUser(.account("sd-clerk"), name: "钱九九", newPassword: nil, by: f.enterprise, audit: f.audit)
        #expect(try await accounts.users(of: f.enterprise).first { $0.account == "sd-clerk" }?.name == "钱九九")
        #expect(await registryError { try await accounts.removeUser(.account("sd2-clerk"), by: f.enterprise, audit: f.audit) }
                == .notFound(Text(.subUserNotFound, "sd2-clerk")))
        #expect(await registryError { try await accounts.updateUser(.account("sd2-clerk"), name: "x", newPassword: nil, by: f.enterprise, audit: f.audit) }
                == .notFound(Text(.subUserNotFound, "sd2-clerk")))
        #expect(await registryError { try await accounts.removeUser(.account("sdadmin"), by: f.enterprise, audit: f.audit) }
                == .notFound(Text(.subUserNotFound, "sdadmin")))
        try await accounts.removeUser(.account("sd-clerk"), by: f.enterprise, audit: f.audit)
        #expect(try await accounts.users(of: f.enterprise).map(\.account) == ["sdadmin"])
        #expect(try await accounts.users(of: other).map(\.account) == ["sd2admin", "sd2-clerk"])
    }

    @Test("Who am I: names, and an enterprise user's province is the enterprise's")
    func identity() async throws {
        let f = try await ApplicationsFixture()
        defer { f.base.remove() }
        let accounts = f.base.accounts
        let me = try await accounts.identity(of: f.enterprise, operatorName: nil)
        #expect(me == CallerIdentity(provinceCode: 37, provinceName: "山东省", organizationName: "山东测试建设有限公司", account: "sdadmin", name: "赵六"))
        #expect(try await accounts.identity(of: f.person, operatorName: nil) == CallerIdentity(name: "张三"))
        #expect(try await accounts.identity(of: .province(ProvinceCode(37)!), operatorName: "李四")
                == CallerIdentity(provinceCode: 37, provinceName: "山东省", organizationName: "山东省住房和城乡建设厅", name: "李四"))
        #expect(try await accounts.identity(of: .ministry, operatorName: nil) == CallerIdentity(organizationName: "住房和城乡建设部执业资格注册中心"))
    }
}
