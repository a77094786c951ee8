import Foundation
import GRDB
import Model
import Proto
import RPCClient
import RPCServer
import Testing

/// The whole route over TLS: individual → enterprise → province → ministry → 公告 → registration.
@Suite("Registration route end to end")
struct RouteTests {
    struct World {
        let server: TestServer
        let person: Client
        let enterpriseA: Client, enterpriseB: Client
        let province37: Client, province11: Client
        let ministry: Client
        let codeA: String, codeB: String

        func close() async {
            for c in [person, enterpriseA, enterpriseB, province37, province11, ministry] { await c.close() }
        }
    }

    /// Enterprise A in 山东 (37), enterprise B in 北京 (11), one individual born 1990.
    func world(_ server: TestServer) async throws -> World {
        let anonymous = try await Client.connect(server.clientConfiguration())
        defer { Task { await anonymous.close() } }
        func enterprise(_ code: String, province: String, account: String, phone: String) async throws -> Client {
            let started = try await anonymous.enterprise.startSignup(.init(creditCode: code, name: "企业\(account)", legalRepresentative: "王五", registeredAddress: "地址"))
            _ = try await anonymous.enterprise.upload(draftToken: started.draftToken, kind: .businessLicence, content: SignupEndToEndTests.png)
            _ = try await anonymous.enterprise.setAdministrator(draftToken: started.draftToken, name: "赵六", account: account, password: "Admin-Pass1", passwordAgain: "Admin-Pass1")
            _ = try await anonymous.enterprise.sendSignupCode(phone: phone)
            _ = try await anonymous.enterprise.bindContact(draftToken: started.draftToken, email: "a@b.cn", phone: phone, smsCode: try await server.lastSMSCode(phone))
            let pending = try await anonymous.enterprise.requestOnSite(draftToken: started.draftToken, associated: false)
            _ = try await withClient(server.clientConfiguration(as: province, operator: "审核员")) { try await $0.provincial.authenticate(enterpriseID: pending.enterpriseID) }
            let token = try await anonymous.enterprise.login(account: account, password: "Admin-Pass1").sessionToken
            return try await Client.connect(server.clientConfiguration(session: token))
        }
        let codeA = "913701000000000000".fixedCode, codeB = "911101000000000000".fixedCode
        let a = try await enterprise(codeA, province: "province-37", account: "admin-a", phone: "13700137001")
        let b = try await enterprise(codeB, province: "province-11", account: "admin-b", phone: "13700137002")
        let idNumber = "11010519900307001".appending("0").validID
        _ = try await anonymous.individual.sendRegistrationCode(phone: "13800138000")
        _ = try await anonymous.individual.createAccount(.init(idNumber: idNumber, name: "李四", phone: "13800138000", password: "Good-Pass1",
                                                               passwordAgain: "Good-Pass1", smsCode: try await server.lastSMSCode("13800138000")))
        let token = try await anonymous.individual.login(idNumber: idNumber, password: "Good-Pass1").sessionToken
        return World(server: server, person: try await Client.connect(server.clientConfiguration(session: token)), enterpriseA: a, enterpriseB: b,
                     province37: try await Client.connect(server.clientConfiguration(as: "province-37", operator: "省审核员")),
                     province11: try await Client.connect(server.clientConfiguration(as: "province-11", operator: "省审核员")),
                     ministry: try await Client.connect(server.clientConfiguration(as: "ministry", operator: "部审核员")), codeA: codeA, codeB: codeB)
    }

    func draft(_ type: Wire.Common.RegistrationType, _ specialties: [String], employer: String) -> Wire.Common.ApplicationDraft {
        .init(type: type, specialties: specialties, employerCreditCode: employer, qualificationCertificateNo: "Q0012345", qualificationDate: "2021-09-20",
              contractStart: "2025-01-01", contractEnd: CalendarDate(Date()).adding(years: 3).description)
    }

    func approve(_ w: World, _ id: String) async throws -> Wire.Ministry.DecisionResult {
        let r = try await w.ministry.ministry.decide([.init(applicationID: id, approve: true)], idempotencyKey: UUID().uuidString)
        return r.results[0]
    }

    @Test("Every type: initial with returns and resubmission, renewal, 增项, change of employer, cancellation, re-registration")
    func fullRoute() async throws {
        // The renewal window is opened to the whole validity, so the route runs in one day.
        try await withTestServer(rules: .renewalAnyTime) { server in
            let w = try await world(server)
            defer { Task { await w.close() } }

            // 初始注册: returned by the enterprise, resubmitted, returned by the province, resubmitted, then all the way.
            var app = try await w.person.individual.submit(draft(.initial, ["建筑工程"], employer: w.codeA))
            #expect(app.status == .awaitingEnterprise)
            _ = try await w.enterpriseA.enterprise.returnApplication(app.applicationID, reason: "合同日期有误")
            app = try await w.person.individual.resubmit(app.applicationID, draft(.initial, ["建筑工程"], employer: w.codeA))
            _ = try await w.enterpriseA.enterprise.report(app.applicationID, acceptCommitment: true)
            // Province 11 sees nothing of province 37.
            let other = try await w.province11.provincial.applications()
            #expect(other.applications.isEmpty)
            #expect(await rpcError { _ = try await w.province11.provincial.accept(app.applicationID) }?.code == .notFound)
            app = try await w.province37.provincial.returnApplication(app.applicationID, reason: "资格证书编号模糊")
            #expect(app.status == .returned)
            app = try await w.person.individual.resubmit(app.applicationID, draft(.initial, ["建筑工程"], employer: w.codeA))
            _ = try await w.enterpriseA.enterprise.report(app.applicationID, acceptCommitment: true)
            app = try await w.province37.provincial.accept(app.applicationID)
            #expect(app.status == .awaitingMinistry)
            let approved = try await approve(w, app.applicationID)
            #expect(approved.status == .awaitingAnnouncement)
            let number = approved.registrationNumber
            #expect(number.hasPrefix("鲁137") && number.count == 13)   // 鲁 1 37 21 YY 00001
            #expect(number.hasSuffix("00001"))
            let announcement = try await w.ministry.ministry.announce(title: "2026年第一批一级建造师初始注册公告")
            #expect(announcement.itemCount == 1)
            let published = try await w.person.public.announcement(announcement.number)
            #expect(published.items.map(\.registrationNumber) == [number])
            #expect(try await w.person.individual.application(app.applicationID).status == .completed)
            let staff = try await w.enterpriseA.enterprise.staff()
            #expect(staff.staff.map(\.registrationNumber) == [number])

            // 延续注册 (renewal), inside its window (opened wide here); extends by 3 years.
            let renewal = try await w.person.individual.submit(draft(.renewal, ["建筑工程"], employer: w.codeA))
            _ = try await w.enterpriseA.enterprise.report(renewal.applicationID, acceptCommitment: true)
            _ = try await w.province37.provincial.accept(renewal.applicationID)
            #expect(try await approve(w, renewal.applicationID).registrationNumber == number)
            _ = try await w.ministry.ministry.announce(title: "延续注册公告")
            let renewed = try await w.enterpriseA.enterprise.staff().staff[0].specialties[0]
            #expect(renewed.validUntil == CalendarDate(Date()).adding(years: 6).description)

            // 增项注册: skips the enterprise.
            var add = try await w.person.individual.submit(draft(.addSpecialty, ["市政公用工程"], employer: w.codeA))
            #expect(add.status == .awaitingProvince)
            add = try await w.province37.provincial.accept(add.applicationID)
            _ = try await approve(w, add.applicationID)
            _ = try await w.ministry.ministry.announce(title: "增项注册公告")
            #expect(Set(try await w.enterpriseA.enterprise.staff().staff[0].specialties.map(\.specialty)) == ["建筑工程", "市政公用工程"])

            // 变更注册: to enterprise B in Beijing; no announcement; the number's first character follows the province.
            let change = try await w.person.individual.submit(draft(.change, [], employer: w.codeB))
            _ = try await w.enterpriseB.enterprise.report(change.applicationID, acceptCommitment: true)
            #expect(try await w.province37.provincial.applications().applications.isEmpty)   // now Beijing's
            _ = try await w.province11.provincial.accept(change.applicationID)
            let moved = try await approve(w, change.applicationID)
            #expect(moved.status == .completed)
            #expect(moved.registrationNumber == "京" + number.dropFirst())
            #expect(try await w.enterpriseA.enterprise.staff().staff.isEmpty)
            #expect(try await w.enterpriseB.enterprise.staff().staff.map(\.registrationNumber) == [moved.registrationNumber])

            // 注销 then 重新注册 (a new number).
            let cancel = try await w.person.individual.submit(draft(.cancellation, [], employer: w.codeB))
            _ = try await w.enterpriseB.enterprise.report(cancel.applicationID, acceptCommitment: true)
            _ = try await w.province11.provincial.accept(cancel.applicationID)
            #expect(try await approve(w, cancel.applicationID).status == .completed)
            #expect(try await w.enterpriseB.enterprise.staff().staff.isEmpty)
            let again = try await w.person.individual.submit(draft(.reRegistration, ["建筑工程"], employer: w.codeB))
            _ = try await w.enterpriseB.enterprise.report(again.applicationID, acceptCommitment: true)
            _ = try await w.province11.provincial.accept(again.applicationID)
            let fresh = try await approve(w, again.applicationID)
            #expect(fresh.registrationNumber.hasPrefix("京111") && fresh.registrationNumber != moved.registrationNumber)
            _ = try await w.ministry.ministry.announce(title: "重新注册公告")
            let stats = try await w.ministry.ministry.statistics()
            #expect(stats.total == 6)
        }
    }

    @Test("Province refusal and ministry rejection are final; decisions are idempotent and need a reason to reject")
    func refusals() async throws {
        try await withTestServer { server in
            let w = try await world(server)
            defer { Task { await w.close() } }
            var app = try await w.person.individual.submit(draft(.initial, ["建筑工程"], employer: w.codeA))
            _ = try await w.enterpriseA.enterprise.report(app.applicationID, acceptCommitment: true)
            #expect(await rpcError { _ = try await w.province37.provincial.refuse(app.applicationID, reason: "") }?.violations.first?.field == "reason")
            app = try await w.province37.provincial.refuse(app.applicationID, reason: "资格不符")
            #expect(app.status == .refused)
            #expect(await rpcError { _ = try await w.person.individual.resubmit(app.applicationID, draft(.initial, ["建筑工程"], employer: w.codeA)) }?.code == .failedPrecondition)

            let second = try await w.person.individual.submit(draft(.initial, ["建筑工程"], employer: w.codeA))
            _ = try await w.enterpriseA.enterprise.report(second.applicationID, acceptCommitment: true)
            _ = try await w.province37.provincial.accept(second.applicationID)
            let noReason = await rpcError { _ = try await w.ministry.ministry.decide([.init(applicationID: second.applicationID, approve: false)], idempotencyKey: "k1") }
            #expect(noReason?.violations.first?.field == "decisions[0].reason")
            let first = try await w.ministry.ministry.decide([.init(applicationID: second.applicationID, approve: false, reason: "业绩不足"), .init(applicationID: "nope", approve: true)], idempotencyKey: "k2")
            #expect(first.results.map(\.code) == [0, StatusCode.notFound.rawValue])
            let retry = try await w.ministry.ministry.decide([.init(applicationID: second.applicationID, approve: false, reason: "业绩不足"), .init(applicationID: "nope", approve: true)], idempotencyKey: "k2")
            #expect(retry == first)
            let later = try await w.ministry.ministry.decide([.init(applicationID: second.applicationID, approve: true)], idempotencyKey: "k3")
            #expect(later.results[0].code == StatusCode.failedPrecondition.rawValue)
            #expect(try await w.person.individual.application(second.applicationID).status == .rejected)
            // Ministry methods refuse provinces; provincial methods refuse the ministry.
            #expect(await rpcError { _ = try await w.province37.ministry.applications() }?.code == .permissionDenied)
            #expect(await rpcError { _ = try await w.ministry.provincial.applications() }?.code == .permissionDenied)
        }
    }

    @Test("The applicant's documents: attached while editable, readable by every tier that sees the application, by no one else")
    func documents() async throws {
        try await withTestServer { server in
            let w = try await world(server)
            defer { Task { await w.close() } }
            let app = try await w.person.individual.submit(draft(.initial, ["建筑工程"], employer: w.codeA))
            let pdf = Array("%PDF-1.7 资格证书".utf8)
            let doc = try await w.person.individual.attach(.qualificationCertificate, content: pdf, to: app.applicationID, idempotencyKey: "attach-1")
            #expect(doc.contentType == "application/pdf")
            // Retried with its key after a lost answer: the same document, not a second copy.
            #expect(try await w.person.individual.attach(.qualificationCertificate, content: pdf, to: app.applicationID, idempotencyKey: "attach-1") == doc)
            #expect(await rpcError { _ = try await w.person.individual.attach(.other, content: Array("plain text".utf8), to: app.applicationID) }?.violations.first?.field == "content")
            #expect(await rpcError { _ = try await w.person.individual.attach(.unspecified, content: pdf, to: app.applicationID) }?.violations.first?.field == "kind")
            _ = try await w.enterpriseA.enterprise.report(app.applicationID, acceptCommitment: true)
            #expect(await rpcError { _ = try await w.person.individual.attach(.other, content: pdf, to: app.applicationID) }?.code == .failedPrecondition)
            let detail = try await w.province37.provincial.application(app.applicationID)
            #expect(detail.attachments.map(\.attachmentID) == [doc.attachmentID])
            for (client, tier) in [(w.person, Client.Tier.individual), (w.enterpriseA, .enterprise), (w.province37, .province), (w.ministry, .ministry)] {
                let got = try await client.applicationDocument(doc.attachmentID, of: app.applicationID, as: tier)
                #expect(got.content == pdf)
            }
            for (client, tier) in [(w.enterpriseB, Client.Tier.enterprise), (w.province11, .province)] {
                #expect(await rpcError { _ = try await client.applicationDocument(doc.attachmentID, of: app.applicationID, as: tier) }?.code == .notFound)
            }
            #expect(await rpcError { _ = try await w.ministry.applicationDocument("", of: app.applicationID, as: .ministry) }?.violations.map(\.field) == ["attachment_id"])
        }
    }

    @Test("A corps configured under another code gets 兵 numbers with that code")
    func corpsNumbers() async throws {
        let f = try await ApplicationsFixtureE2E.make(people: 1, province: 68, corpsCode: 68)
        defer { f.remove() }
        let r = try await f.use.decide([MinistryDecision(applicationID: f.applications[0], approve: true, reason: "")], idempotencyKey: "k",
                                       by: .ministry, audit: AuditContext(caller: .ministry, method: "/t", requestID: "r"))
        let number = try #require(r.first?.registrationNumber)
        #expect(number.hasPrefix("兵168") && number.count == 13 && number.hasSuffix("00001"))
    }

    @Test("Document limits: 2 MiB, 20 per application, own applications only; a 增项 takes documents while it waits for the province")
    func documentLimits() async throws {
        let f = try await ApplicationsFixtureE2E.make(people: 2, status: "awaiting_enterprise")
        defer { f.remove() }
        let person = Caller.individual(individualID: "p0"), audit = AuditContext(caller: .individual(individualID: "p0"), method: "/t", requestID: "r")
        let pdf = Array("%PDF-1.7".utf8)
        let app = f.applications[0]
        await #expect(throws: RegistryError.invalid("content", .documentTooLarge, "\(Applications.maxAttachmentBytes + 1)")) {
            _ = try await f.use.attach(.other, content: pdf + [UInt8](repeating: 0, count: Applications.maxAttachmentBytes + 1 - pdf.count), to: app, by: person, audit: audit)
        }
        for _ in 0..<20 { _ = try await f.use.attach(.other, content: pdf, to: app, by: person, audit: audit) }
        await #expect(throws: RegistryError.failedPrecondition(Text(.tooManyDocuments, "20"))) {
            _ = try await f.use.attach(.other, content: pdf, to: app, by: person, audit: audit)
        }
        // Another person's application does not exist for this caller.
        await #expect(throws: RegistryError.notFound(Text(.applicationNotFound, "\(f.applications[1])"))) {
            _ = try await f.use.attach(.other, content: pdf, to: f.applications[1], by: person, audit: audit)
        }
        // 增项 starts at the province: its first step, so documents are still welcome there.
        try await f.database.pool.write { db in
            try db.execute(sql: "UPDATE applications SET type = '04', status = 'awaiting_province' WHERE id = 'a1'")
        }
        let other = Caller.individual(individualID: "p1")
        #expect(try await f.use.attach(.qualificationCertificate, content: pdf, to: "a1", by: other, audit: audit).contentType == "application/pdf")
        try await f.database.pool.write { db in try db.execute(sql: "UPDATE applications SET status = 'awaiting_ministry' WHERE id = 'a1'") }
        await #expect(throws: RegistryError.self) { _ = try await f.use.attach(.other, content: pdf, to: "a1", by: other, audit: audit) }
    }

    @Test("Concurrent approvals never share a registration number")
    func concurrentNumbers() async throws {
        let f = try await ApplicationsFixtureE2E.make(people: 24)
        defer { f.remove() }
        try await withThrowingTaskGroup(of: [DecisionResult].self) { group in
            for (n, id) in f.applications.enumerated() {
                group.addTask {
                    try await f.use.decide([MinistryDecision(applicationID: id, approve: true, reason: "")], idempotencyKey: "c\(n)",
                                           by: .ministry, audit: AuditContext(caller: .ministry, method: "/t", requestID: "r"))
                }
            }
            var numbers: [String] = []
            for try await r in group { numbers += r.compactMap(\.registrationNumber) }
            #expect(numbers.count == 24)
            #expect(Set(numbers).count == 24)
            #expect(Set(numbers.map { $0.suffix(5) }).count == 24)
        }
    }
}

/// Applications forwarded to the ministry, made directly in a database (for the concurrency test).
struct ApplicationsFixtureE2E {
    let path: String
    let database: RegistryDatabase
    let use: Applications
    let applications: [String]

    static func make(people: Int, status: String = "awaiting_ministry", province: UInt32 = 37, corpsCode: UInt32 = Province.defaultCorpsCode) async throws -> ApplicationsFixtureE2E {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("jzs-route-\(UUID().uuidString).sqlite").path
        let database = try RegistryDatabase(path: path)
        var ids: [String] = []
        try await database.pool.write { db in
            try db.execute(sql: """
                INSERT INTO enterprises (id, credit_code, name, province_code, legal_representative, registered_address, status, created_at)
                VALUES ('e1', '913701000000000000', '企业', ?, '王', '地址', 'authenticated', 0)
                """, arguments: [province])
            for n in 0..<people {
                try db.execute(sql: "INSERT INTO individuals (id, id_number, name, phone, password_hash, created_at) VALUES (?, ?, '人', '13800138000', 'x', 0)",
                               arguments: ["p\(n)", "ID\(n)"])
                try db.execute(sql: """
                    INSERT INTO applications (id, individual_id, enterprise_id, province_code, type, specialties, qualification_certificate_no,
                        qualification_date, contract_start, contract_end, status, created_at, updated_at)
                    VALUES (?, ?, 'e1', ?, '01', '建筑工程', 'Q', '2021-01-01', '2025-01-01', '2029-01-01', ?, 0, 0)
                    """, arguments: ["a\(n)", "p\(n)", province, status])
            }
        }
        for n in 0..<people { ids.append("a\(n)") }
        return ApplicationsFixtureE2E(path: path, database: database, use: Applications(database: database, corpsCode: corpsCode), applications: ids)
    }

    func remove() { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
}
