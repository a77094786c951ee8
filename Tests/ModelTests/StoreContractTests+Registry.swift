import Foundation
@testable import Model
import Testing

/// The contracts of the applications, registrations, certificates, announcements and
/// enterprise stores, on every engine (``StoreContractTests/engines``), written against the
/// protocols only.
extension StoreContractTests {
    /// Two enterprises (Beijing, Shanghai), two people, one application each (to their own
    /// enterprise), in the store: the three-scope setting of every visibility contract.
    static func twoTenants(_ store: any RegistryStore) async throws {
        try await store.write { tx in
            for (id, province) in [("e-bj", UInt32(11)), ("e-sh", UInt32(31))] {
                try tx.enterprises.insert(StoredEnterprise(id: id, creditCode: "code-\(id)", name: "企业 \(id)", provinceCode: province,
                                                           legalRepresentative: "法人", registeredAddress: "地址", status: .authenticated, createdAt: 1))
            }
            for (person, idNumber) in [("p-bj", "11010519491231002X"), ("p-sh", "110105194912310037")] {
                try tx.accounts.insertIndividual(StoredIndividual(id: person, idNumber: idNumber, name: "人员\(person)", phone: "13800138000",
                                                                  passwordHash: "h", mustChangePassword: false), createdAt: Date())
            }
            for (app, person, enterprise, province) in [("a-bj", "p-bj", "e-bj", UInt32(11)), ("a-sh", "p-sh", "e-sh", UInt32(31))] {
                try tx.applications.insert(id: app, individualID: person, content: content(enterprise, province), status: .awaitingEnterprise, at: 10)
            }
        }
    }

    static func content(_ enterprise: String, _ province: UInt32, type: RegistrationType = .initial) -> ApplicationContent {
        ApplicationContent(enterpriseID: enterprise, provinceCode: province, type: type, specialties: ["建筑工程"], qualificationCertificateNo: "Q1",
                           qualificationDate: "2020-01-01", contractStart: "2024-01-01", contractEnd: "2030-01-01")
    }

    /// Who sees the Beijing application and who sees nothing of it.
    static let applicationScopes: [(Scope, Bool)] = [
        (.individual("p-bj"), true), (.enterprise("e-bj"), true), (.province(ProvinceCode(11)!), true), (.nationwide, true),
        (.individual("p-sh"), false), (.enterprise("e-sh"), false), (.province(ProvinceCode(31)!), false), (.nothing, false),
    ]

    @Test("Applications: visible by one rule; out of scope answers like an absent one", arguments: engines)
    func applicationVisibility(engine: EngineUnderTest) async throws {
        let (store, remove) = try await engine.make()
        defer { remove() }
        try await Self.twoTenants(store)
        try await store.write { tx in
            try tx.applications.insertAttachment(NewApplicationAttachment(id: "t1", applicationID: "a-bj", kind: .idCard, contentType: "image/png",
                                                                          sha256: Array(repeating: 1, count: 32), bytes: [1, 2, 3], createdAt: 11))
        }
        for (scope, sees) in Self.applicationScopes {
            let seen = try await store.read { tx in
                (try tx.applications.state(of: "a-bj", visibleTo: scope) != nil, try tx.applications.application("a-bj", visibleTo: scope) != nil,
                 try tx.applications.record("a-bj", visibleTo: scope) != nil,
                 try tx.applications.records(matching: ApplicationQuery(), visibleTo: scope, after: nil, limit: 10).map(\.application.id).contains("a-bj"),
                 try tx.applications.attachmentContent("t1", of: "a-bj", visibleTo: scope)?.bytes)
            }
            #expect(seen.0 == sees && seen.1 == sees && seen.2 == sees && seen.3 == sees, "\(scope)")
            #expect(seen.4 == (sees ? [1, 2, 3] : nil), "\(scope)")
            // Absent and out of scope look the same.
            #expect(try await store.read { tx in try tx.applications.state(of: "a-none", visibleTo: scope) } == nil)
        }
        let counts = try await store.read { tx in
            (try tx.applications.count(matching: ApplicationQuery(), visibleTo: .nationwide),
             try tx.applications.count(matching: ApplicationQuery(), visibleTo: .enterprise("e-sh")),
             try tx.applications.count(matching: ApplicationQuery(statuses: [.returned]), visibleTo: .nationwide),
             try tx.applications.counts(visibleTo: .province(ProvinceCode(11)!)).map(\.count))
        }
        #expect(counts.0 == 2 && counts.1 == 1 && counts.2 == 0 && counts.3 == [1])
        let record = try #require(try await store.read { tx in try tx.applications.record("a-bj", visibleTo: .nationwide) })
        #expect(record.applicantName == "人员p-bj" && record.enterpriseName == "企业 e-bj" && record.idNumber == "11010519491231002X")
        #expect(record.application.content == Self.content("e-bj", 11) && record.application.employerProvinceCode == 11)
    }

    @Test("Applications: one open application per person; a move happens only from the status it names", arguments: engines)
    func oneOpenApplication(engine: EngineUnderTest) async throws {
        let (store, remove) = try await engine.make()
        defer { remove() }
        try await Self.twoTenants(store)
        let refused = try await store.write { tx -> StoreConflict? in
            do {
                try tx.savepoint { try tx.applications.insert(id: "a-bj2", individualID: "p-bj", content: Self.content("e-bj", 11), status: .returned, at: 20) }
                return nil
            } catch let conflict as StoreConflict {
                return conflict
            }
        }
        #expect(refused == StoreConflict(.oneOpenApplicationPerPerson))
        #expect(try await store.read { tx in try tx.applications.exists(individualID: "p-bj", in: Applications.openStatuses, except: nil) })
        #expect(try await store.read { tx in try tx.applications.exists(individualID: "p-bj", in: Applications.openStatuses, except: "a-bj") } == false)
        // A move from a status the application is not in changes nothing.
        let moved = try await store.write { tx in
            (try tx.applications.move("a-bj", from: .awaitingProvince, to: .awaitingMinistry, reason: nil, at: 30, milestone: nil, registrationNumber: nil),
             try tx.applications.move("a-bj", from: .awaitingEnterprise, to: .withdrawn, reason: nil, at: 30, milestone: nil, registrationNumber: nil))
        }
        #expect(moved == (false, true))
        // Once it ended, the person may apply again.
        try await store.write { tx in
            try tx.applications.insert(id: "a-bj2", individualID: "p-bj", content: Self.content("e-bj", 11), status: .awaitingEnterprise, at: 40)
            try tx.applications.appendEvent(NewApplicationEvent(applicationID: "a-bj2", at: 40, actorPrincipal: "jzs:individual:p-bj", actorName: "人员",
                                                                action: "submitted", from: nil, to: .awaitingEnterprise, reason: nil))
        }
        let state = try await store.read { tx in (try tx.applications.state(of: "a-bj", visibleTo: .nationwide), try tx.applications.events(of: "a-bj2")) }
        #expect(state.0?.status == .withdrawn && state.1.map(\.to) == [.awaitingEnterprise])
    }

    @Test("Registrations: visible by one rule; one per person, one per number", arguments: engines)
    func registrations(engine: EngineUnderTest) async throws {
        let (store, remove) = try await engine.make()
        defer { remove() }
        try await Self.twoTenants(store)
        try await store.write { tx in
            try tx.registrations.insert(StoredRegistration(id: "r-bj", individualID: "p-bj", enterpriseID: "e-bj", registrationNumber: "京1111",
                                                           status: .active, registeredAt: 50))
            try tx.registrations.setSpecialty(RegisteredSpecialty(specialty: "建筑工程", validFrom: "2025-01-01", validUntil: "2028-01-01"), of: "r-bj")
            try tx.registrations.setSpecialty(RegisteredSpecialty(specialty: "建筑工程", validFrom: "2025-01-01", validUntil: "2029-01-01"), of: "r-bj")
        }
        let cases: [(Scope, Bool)] = [
            (.individual("p-bj"), true), (.enterprise("e-bj"), true), (.nationwide, true),
            (.individual("p-sh"), false), (.enterprise("e-sh"), false), (.province(ProvinceCode(11)!), false), (.nothing, false),
        ]
        for (scope, sees) in cases {
            let seen = try await store.read { tx in
                (try tx.registrations.activeStaffMember(.number("京1111"), visibleTo: scope)?.specialties,
                 try tx.registrations.activeStaffCount(visibleTo: scope, nameContains: "人员"),
                 try tx.registrations.activeStaff(visibleTo: scope, nameContains: "", limit: 10, offset: 0).count)
            }
            #expect(seen.0 == (sees ? [RegisteredSpecialty(specialty: "建筑工程", validFrom: "2025-01-01", validUntil: "2029-01-01")] : nil), "\(scope)")
            #expect(seen.1 == (sees ? 1 : 0) && seen.2 == (sees ? 1 : 0), "\(scope)")
        }
        let conflicts = try await store.write { tx -> [StoreConflict?] in
            func attempt(_ r: StoredRegistration) -> StoreConflict? {
                do { try tx.savepoint { try tx.registrations.insert(r) }; return nil } catch { return error as? StoreConflict }
            }
            return [attempt(StoredRegistration(id: "r-2", individualID: "p-bj", enterpriseID: "e-bj", registrationNumber: "京2222", status: .cancelled, registeredAt: 60)),
                    attempt(StoredRegistration(id: "r-3", individualID: "p-sh", enterpriseID: "e-sh", registrationNumber: "京1111", status: .active, registeredAt: 60))]
        }
        #expect(conflicts == [StoreConflict(.oneRegistrationPerPerson), StoreConflict(.uniqueRegistrationNumber)])
        try await store.write { tx in try tx.registrations.cancel("r-bj") }
        #expect(try await store.read { tx in try tx.registrations.activeStaffMember(.id("r-bj"), visibleTo: .nationwide) } == nil)
        #expect(try await store.read { tx in try tx.registrations.registration(ofPerson: "p-bj")?.status } == .cancelled)
    }

    @Test("Registration serials: per province, never repeated, nil once the last one is given out", arguments: engines)
    func serials(engine: EngineUnderTest) async throws {
        let (store, remove) = try await engine.make()
        defer { remove() }
        var given: [Int?] = []
        for _ in 0..<3 { given.append(try await store.write { tx in try tx.registrations.nextSerial(province: 11, max: 3) }) }
        given.append(try await store.write { tx in try tx.registrations.nextSerial(province: 11, max: 3) })
        #expect(given == [1, 2, 3, nil])
        #expect(try await store.write { tx in try tx.registrations.nextSerial(province: 31, max: 3) } == 1)
        // A unit of work that fails gives its serial back; none is handed out twice.
        _ = await registryError {
            try await store.write { tx in
                _ = try tx.registrations.nextSerial(province: 31, max: 99_999)
                throw RegistryError.failedPrecondition(Text(.listedTwice))
            }
        }
        let next = try await store.write { tx in try [tx.registrations.nextSerial(province: 31, max: 99_999), tx.registrations.nextSerial(province: 31, max: 99_999)] }
        #expect(next == [2, 3])
    }

    @Test("Certificates: one valid per registration, versions by serial, the public view", arguments: engines)
    func certificates(engine: EngineUnderTest) async throws {
        let (store, remove) = try await engine.make()
        defer { remove() }
        try await Self.twoTenants(store)
        try await store.write { tx in
            try tx.registrations.insert(StoredRegistration(id: "r-bj", individualID: "p-bj", enterpriseID: "e-bj", registrationNumber: "京111000000001",
                                                           status: .active, registeredAt: 50))
            try tx.certificates.insert(StoredCertificate(id: "c1", registrationID: "r-bj", serial: "111000000001", version: 1, status: .valid, issuedAt: 60,
                                                         content: #"{"registration_number":"京111000000001"}"#))
        }
        let second = try await store.write { tx -> StoreConflict? in
            do {
                try tx.savepoint {
                    try tx.certificates.insert(StoredCertificate(id: "c2", registrationID: "r-bj", serial: "111000000001", version: 2, status: .valid,
                                                                 issuedAt: 70, content: nil))
                }
                return nil
            } catch { return error as? StoreConflict }
        }
        #expect(second == StoreConflict(.oneValidCertificatePerRegistration))
        try await store.write { tx in
            try tx.certificates.voidValid(registrationID: "r-bj", reason: "superseded")
            try tx.certificates.insert(StoredCertificate(id: "c2", registrationID: "r-bj", serial: "111000000001", version: 2, status: .valid, issuedAt: 70, content: nil))
        }
        let read = try await store.read { tx in
            (try tx.certificates.newest(serial: "111000000001")?.id, try tx.certificates.certificate("c1")?.status,
             try tx.certificates.newest(visibleTo: .individual("p-bj"), id: nil, status: .valid)?.id,
             try tx.certificates.newest(visibleTo: .individual("p-sh"), id: nil, status: nil)?.id,
             try tx.certificates.registrationID(number: "京111000000001", serial: "111000000001", holderName: "人员p-bj"),
             try tx.certificates.registrationID(number: "京111000000001", serial: "111000000001", holderName: "别人"),
             try tx.certificates.certifiedFacts(registrationID: "r-bj")?.employer)
        }
        #expect(read.0 == "c2" && read.1 == .void && read.2 == "c2" && read.3 == nil)
        #expect(read.4 == "r-bj" && read.5 == nil && read.6 == "企业 e-bj")
    }

    @Test("Enterprises: one live enterprise per credit code; drafts and returned sign-ups reserve nothing", arguments: engines)
    func uniqueLiveCreditCode(engine: EngineUnderTest) async throws {
        let (store, remove) = try await engine.make()
        defer { remove() }
        @Sendable func enterprise(_ id: String, _ status: SignupStatus) -> StoredEnterprise {
            StoredEnterprise(id: id, creditCode: "91110000000000000X", name: id, provinceCode: 11, legalRepresentative: "法人",
                             registeredAddress: "地址", status: status, createdAt: 1)
        }
        let outcomes = try await store.write { tx -> [StoreConflict?] in
            try [enterprise("d1", .draft), enterprise("r1", .returned), enterprise("a1", .authenticated), enterprise("d2", .draft),
                 enterprise("p1", .pending), enterprise("a2", .authenticated)].map { e in
                do { try tx.savepoint { try tx.enterprises.insert(e) }; return nil } catch let conflict as StoreConflict { return conflict }
            }
        }
        #expect(outcomes == [nil, nil, nil, nil, StoreConflict(.oneLiveEnterprisePerCreditCode), StoreConflict(.oneLiveEnterprisePerCreditCode)])
        let found = try await store.read { tx in try tx.enterprises.authenticated(creditCode: "91110000000000000X") }
        #expect(found?.id == "a1" && found?.provinceCode == 11)
    }

    @Test("Announcements: numbered in sequence per year, published once, read back with their items", arguments: engines)
    func announcements(engine: EngineUnderTest) async throws {
        let (store, remove) = try await engine.make()
        defer { remove() }
        try await Self.twoTenants(store)
        #expect(try await store.read { tx in try tx.announcements.nextSequence(year: 2026) } == 1)
        let item = StoredAnnouncementItem(applicationID: "a-bj", name: "人员", registrationNumber: "京1", enterpriseName: "企业", type: .initial,
                                          specialties: ["建筑工程", "市政公用工程"])
        try await store.write { tx in
            try tx.announcements.insert(StoredAnnouncement(id: "n1", number: "2026-0001", title: "公告", publishedAt: 5, itemCount: 1), items: [item])
        }
        #expect(try await store.read { tx in try tx.announcements.nextSequence(year: 2026) } == 2)
        #expect(try await store.read { tx in try tx.announcements.nextSequence(year: 2027) } == 1)
        let read = try await store.read { tx in try tx.announcements.announcement(number: "2026-0001") }
        #expect(read?.0.title == "公告" && read?.1 == [item])
        let again = try await store.write { tx -> StoreConflict? in
            do {
                try tx.savepoint {
                    try tx.announcements.insert(StoredAnnouncement(id: "n2", number: "2026-0002", title: "又一", publishedAt: 6, itemCount: 1), items: [item])
                }
                return nil
            } catch { return error as? StoreConflict }
        }
        #expect(again == StoreConflict(.oneAnnouncementPerApplication))
        #expect(try await store.read { tx in try tx.announcements.announcements(limit: 10).map(\.number) } == ["2026-0001"])
    }
}

extension StoreContractTests {
    @Test("Enterprises and change requests: visible by one rule; one pending request per enterprise", arguments: engines)
    func enterpriseChanges(engine: EngineUnderTest) async throws {
        let (store, remove) = try await engine.make()
        defer { remove() }
        try await Self.twoTenants(store)
        try await store.write { tx in
            try tx.enterprises.insertChange(id: "c-bj", enterpriseID: "e-bj", provinceCode: 11, changes: [.name: "新名称"], at: 5)
            try tx.enterprises.setChangeAttachment(.businessLicence, of: "c-bj", document: StoredDocument(contentType: "image/png", bytes: [1, 2],
                                                                                                       sha256: Array(repeating: 7, count: 32)), at: 5)
        }
        let scopes: [(Scope, Bool)] = [
            (.enterprise("e-bj"), true), (.province(ProvinceCode(11)!), true), (.nationwide, true),
            (.enterprise("e-sh"), false), (.province(ProvinceCode(31)!), false), (.individual("p-bj"), false), (.nothing, false),
        ]
        for (scope, sees) in scopes {
            let seen = try await store.read { tx in
                (try tx.enterprises.authenticatedEnterprise("e-bj", visibleTo: scope)?.creditCode, try tx.enterprises.change("c-bj", visibleTo: scope)?.changes,
                 try tx.enterprises.changes(visibleTo: scope, status: .pending).map(\.id))
            }
            #expect(seen.0 == (sees ? "code-e-bj" : nil) && seen.1 == (sees ? [.name: "新名称"] : nil) && seen.2 == (sees ? ["c-bj"] : []), "\(scope)")
        }
        let second = try await store.write { tx -> StoreConflict? in
            do {
                try tx.savepoint { try tx.enterprises.insertChange(id: "c-bj2", enterpriseID: "e-bj", provinceCode: 11, changes: [.contact: "某"], at: 6) }
                return nil
            } catch { return error as? StoreConflict }
        }
        #expect(second == StoreConflict(.onePendingChangePerEnterprise))
        let decided = try await store.write { tx in
            (try tx.enterprises.decideChange("c-bj", status: .rejected, reason: "不符", at: 7, by: "jzs:province:11"),
             try tx.enterprises.decideChange("c-bj", status: .approved, reason: nil, at: 8, by: "jzs:province:11"))
        }
        #expect(decided == (true, false))
        let after = try await store.read { tx in
            (try tx.enterprises.lastDecision(of: "e-bj"), try tx.enterprises.changeAttachment(.businessLicence, of: "c-bj")?.bytes)
        }
        #expect(after.0?.status == .rejected && after.0?.reason == "不符" && after.1 == [1, 2])
        try await store.write { tx in
            try tx.enterprises.update("e-bj", fields: [.contact: "联系人", .postcode: "100000"])
            try tx.enterprises.replaceAttachment(.businessLicence, of: "e-bj", id: "att1",
                                                 document: StoredDocument(contentType: "image/png", bytes: [3], sha256: Array(repeating: 8, count: 32)), at: 9)
        }
        let profile = try await store.read { tx in
            (try tx.enterprises.authenticatedEnterprise("e-bj", visibleTo: .nationwide)?.fields, try tx.enterprises.attachments(of: "e-bj").map(\.size))
        }
        #expect(profile.0?[.contact] == "联系人" && profile.0?[.postcode] == "100000" && profile.1 == [1])
    }
}

extension StoreContractTests {
    static func info(_ code: String, name: String = "某建设有限公司") -> EnterpriseBasicInfo {
        EnterpriseBasicInfo(creditCode: code, name: name, legalRepresentative: "法人", registeredAddress: "地址", provinceCode: 11)
    }

    @Test("Sign-ups: found by draft token, id or lock; visible to their own province only; a lock is consumed once", arguments: engines)
    func signups(engine: EngineUnderTest) async throws {
        let (store, remove) = try await engine.make()
        defer { remove() }
        let token = Array(repeating: UInt8(5), count: 32)
        try await store.write { tx in
            try tx.signups.insertDraft(id: "s1", info: Self.info("91110000000000000X"), provinceCode: 11, draftTokenHash: token, at: 100)
            try tx.signups.insertDraft(id: "s2", info: Self.info("91110000000000000X"), provinceCode: 11,
                                       draftTokenHash: Array(repeating: 6, count: 32), at: 101)
            try tx.accounts.insertEnterpriseUser(StoredEnterpriseUser(id: "u1", enterpriseID: "s1", account: "admin1", name: "管理员", passwordHash: "h",
                                                                      isAdministrator: true, enabled: false, mustChangePassword: false), createdAt: Date())
            try tx.signups.setContact("s1", email: "a@b.cn", phone: "13800138000")
            try tx.signups.requestOnSite("s1", method: .onSiteAssociated, lockSerial: "LOCK1")
        }
        let draft = try await store.read { tx in try tx.signups.draft(tokenHash: token) }
        #expect(draft == StoredDraft(id: "s1", status: .pending, phone: "13800138000", createdAt: 100))
        let state = try #require(try await store.read { tx in try tx.signups.signup(.lockSerial("LOCK1")) })
        #expect(state.enterpriseID == "s1" && state.administratorAccount == "admin1" && state.contactBound && state.otherSignups == 1
                && state.method == .onSiteAssociated && state.lockSerial == "LOCK1")
        let cases: [(Scope, Bool)] = [(.province(ProvinceCode(11)!), true), (.nationwide, true), (.province(ProvinceCode(31)!), false),
                                      (.enterprise("s2"), false), (.nothing, false)]
        for (scope, sees) in cases {
            let seen = try await store.read { tx in
                (try tx.signups.signup("s1", visibleTo: scope)?.enterpriseID, try tx.signups.signups(visibleTo: scope, status: .pending, limit: 10).map(\.enterpriseID))
            }
            #expect(seen.0 == (sees ? "s1" : nil) && seen.1 == (sees ? ["s1"] : []), "\(scope)")
        }
        // A second on-site request for the same code: the live-code invariant holds.
        let second = try await store.write { tx -> StoreConflict? in
            do { try tx.savepoint { try tx.signups.requestOnSite("s2", method: .onSite, lockSerial: nil) }; return nil } catch { return error as? StoreConflict }
        }
        #expect(second == StoreConflict(.oneLiveEnterprisePerCreditCode))
        // The lock authenticates once, ever.
        let locks = try await store.write { tx -> [StoreConflict?] in
            try tx.signups.consumeLock(serial: "LOCK1", creditCode: "91110000000000000X", enterpriseID: "s1", at: 200)
            try tx.signups.authenticate("s1", withLock: nil, at: 200)
            try tx.accounts.enableAdministrator(of: "s1")
            let again: StoreConflict?
            do {
                try tx.savepoint { try tx.signups.consumeLock(serial: "LOCK1", creditCode: "91110000000000000X", enterpriseID: "s2", at: 201) }
                again = nil
            } catch { again = error as? StoreConflict }
            return [again]
        }
        #expect(locks == [StoreConflict(.lockUsedOnce)])
        let after = try await store.read { tx in
            (try tx.signups.lockUsed(serial: "LOCK1"), try tx.signups.draft(tokenHash: token), try tx.accounts.administrator(of: "s1")?.enabled,
             try tx.signups.authenticatedAdministrator(creditCode: "91110000000000000X", visibleTo: .province(ProvinceCode(11)!))?.account,
             try tx.signups.authenticatedAdministrator(creditCode: "91110000000000000X", visibleTo: .province(ProvinceCode(31)!))?.account)
        }
        #expect(after.0 && after.1 == nil && after.2 == true && after.3 == "admin1" && after.4 == nil)
        // A returned sign-up frees its accounts.
        try await store.write { tx in
            try tx.signups.markReturned("s2", reason: "重复", endDraft: false)
            try tx.accounts.releaseAccounts(of: "s1")
        }
        #expect(try await store.read { tx in try tx.accounts.accountTaken("admin1") } == false)
    }
}

extension StoreContractTests {
    @Test("Audit: rows appended in units of work form one chain that verifies; a unit that fails leaves no row", arguments: engines)
    func auditChain(engine: EngineUnderTest) async throws {
        let (store, remove) = try await engine.make()
        defer { remove() }
        @Sendable func entry(_ n: Int) -> AuditEntry {
            AuditEntry(at: Date(timeIntervalSince1970: Double(n)), caller: "jzs:ministry", tenant: "nationwide", method: "/m",
                       target: "application:a\(n)", result: "审核 \(n)", requestID: "r\(n)")
        }
        try await store.write { tx in try tx.audit.append([entry(1), entry(2)]) }
        _ = await registryError {
            try await store.write { tx in
                try tx.audit.append(entry(9))
                throw RegistryError.failedPrecondition(Text(.listedTwice))
            }
        }
        try await store.write { tx in try tx.audit.append(entry(3)) }
        #expect(try await store.read { tx in try tx.audit.verify() } == .intact(rows: 3))
    }
}
