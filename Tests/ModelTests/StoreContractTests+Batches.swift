import Foundation
@testable import Model
import Testing

/// The batch methods of the stores (a report or a decision of up to 10,000 items in a few
/// statements) and the ministry's batch decision written with them, on every engine.
extension StoreContractTests {
    /// People `p<from>`… applying to the Beijing enterprise of ``twoTenants(_:)``, their
    /// applications (`a<i>`) in `status`.
    static func applicants(_ store: any RegistryStore, _ range: ClosedRange<Int>, status: ApplicationStatus, type: RegistrationType = .initial) async throws {
        try await store.write { tx in
            for i in range {
                try tx.accounts.insertIndividual(StoredIndividual(id: "p\(i)", idNumber: Seeder.idNumber(index: i), name: "人员\(i)", phone: "13800138000",
                                                                  passwordHash: "h", mustChangePassword: false), createdAt: Date())
                try tx.applications.insert(id: "a\(i)", individualID: "p\(i)", content: content("e-bj", 11, type: type), status: status, at: Double(i))
            }
        }
    }

    /// A text that array literals must quote and escape.
    static let awkward = #"引号 "a", 反斜杠 \ \\, {花括号}, NULL"#

    static func registration(_ id: String, _ person: String, _ number: String) -> StoredRegistration {
        StoredRegistration(id: id, individualID: person, enterpriseID: "e-bj", registrationNumber: number, status: .active, registeredAt: 50)
    }

    @Test("Batches: many read at once within scope, a guarded move of many, their history, registrations and specialties", arguments: engines)
    func batchMethods(engine: EngineUnderTest) async throws {
        let (store, remove) = try await engine.make()
        defer { remove() }
        try await Self.twoTenants(store)
        try await Self.applicants(store, 1...3, status: .awaitingEnterprise)
        let states = try await store.read { tx in try tx.applications.states(of: ["a1", "a2", "a-sh", "a-none", "a1"], visibleTo: .enterprise("e-bj")) }
        #expect(Set(states.keys) == ["a1", "a2"] && states["a1"]?.status == .awaitingEnterprise && states["a1"]?.type == .initial)
        let held = try await store.write { tx in try tx.applications.holding(["a3", "a-sh", "a-bj"], visibleTo: .province(ProvinceCode(11)!)) }
        #expect(Set(held.keys) == ["a3", "a-bj"] && held["a3"]?.individualID == "p3" && held["a3"]?.employerProvinceCode == 11)
        // a2 has moved on meanwhile: of the batch, a1 and a3 move; a2 is left as it is.
        let moved = try await store.write { tx -> Set<String> in
            _ = try tx.applications.move("a2", from: .awaitingEnterprise, to: .withdrawn, reason: nil, at: 40, milestone: nil, registrationNumber: nil)
            let moved = try tx.applications.move([ApplicationMove(id: "a1", from: .awaitingEnterprise, to: .awaitingProvince),
                                                  ApplicationMove(id: "a2", from: .awaitingEnterprise, to: .awaitingProvince),
                                                  ApplicationMove(id: "a3", from: .awaitingEnterprise, to: .returned, reason: "补正", registrationNumber: "京9")],
                                                 at: 50, milestone: .reported)
            try tx.applications.appendEvents(["a1", "a3"].map {
                NewApplicationEvent(applicationID: $0, at: 50, actorPrincipal: "jzs:enterprise:e-bj", actorName: "企业", action: "reported",
                                    from: .awaitingEnterprise, to: $0 == "a1" ? .awaitingProvince : .returned, reason: $0 == "a1" ? nil : Self.awkward)
            })
            try tx.audit.append([AuditEntry(at: Date(), caller: Self.awkward, tenant: "NULL", method: "", target: "{a,b}", result: "\\", requestID: "r")])
            return moved
        }
        #expect(moved == ["a1", "a3"])
        let after = try await store.read { tx in
            (try ["a1", "a2", "a3"].map { try tx.applications.application($0, visibleTo: .nationwide) },
             try ["a1", "a2", "a3"].map { try tx.applications.events(of: $0).map(\.to) })
        }
        #expect(after.0.map { $0?.status } == [.awaitingProvince, .withdrawn, .returned])
        #expect(after.0[2]?.returnReason == "补正" && after.0[2]?.registrationNumber == "京9" && after.0[0]?.returnReason == nil)
        #expect(after.1 == [[.awaitingProvince], [], [.returned]])
        // Values travel as array elements: quotes, backslashes, braces, commas and NULL come back as written.
        let reasons = try await store.read { tx in (try tx.applications.events(of: "a1").map(\.reason), try tx.applications.events(of: "a3").map(\.reason)) }
        #expect(reasons.0 == [nil] && reasons.1 == [Self.awkward])
        #expect(try await store.read { tx in try tx.audit.verify() } == .intact(rows: 1))

        try await store.write { tx in
            try tx.registrations.insert([Self.registration("r1", "p1", "京1"), Self.registration("r2", "p2", "京2")])
            try tx.registrations.setSpecialties([("r1", RegisteredSpecialty(specialty: "建筑工程", validFrom: "2025-01-01", validUntil: "2028-01-01")),
                                                 ("r2", RegisteredSpecialty(specialty: "市政公用工程", validFrom: "2025-01-01", validUntil: "2028-01-01")),
                                                 ("r1", RegisteredSpecialty(specialty: "建筑工程", validFrom: "2025-01-01", validUntil: "2029-01-01"))])
        }
        let registered = try await store.read { tx in
            (try tx.registrations.registrations(ofPersons: ["p1", "p2", "p3", "p1"]).mapValues(\.registrationNumber), try tx.registrations.specialties(of: "r1"))
        }
        #expect(registered.0 == ["p1": "京1", "p2": "京2"])
        #expect(registered.1 == [RegisteredSpecialty(specialty: "建筑工程", validFrom: "2025-01-01", validUntil: "2029-01-01")])
        // One conflicting row fails the whole insert: p3 gets no registration either.
        let conflict = try await store.write { tx -> StoreConflict? in
            do {
                try tx.savepoint { try tx.registrations.insert([Self.registration("r3", "p3", "京3"), Self.registration("r4", "p1", "京4")]) }
                return nil
            } catch { return error as? StoreConflict }
        }
        #expect(conflict == StoreConflict(.oneRegistrationPerPerson))
        #expect(try await store.read { tx in try tx.registrations.registration(ofPerson: "p3") } == nil)
    }

    @Test("Serials in batches: a run per call, cut at the last one, none once it is given out", arguments: engines)
    func serialRanges(engine: EngineUnderTest) async throws {
        let (store, remove) = try await engine.make()
        defer { remove() }
        let given = try await store.write { tx in
            [try tx.registrations.nextSerials(province: 11, count: 3, max: 5), try tx.registrations.nextSerials(province: 11, count: 3, max: 5),
             try tx.registrations.nextSerials(province: 11, count: 1, max: 5), try tx.registrations.nextSerials(province: 31, count: 2, max: 5)]
        }
        #expect(given.map { Array($0) } == [[1, 2, 3], [4, 5], [], [1, 2]])
        #expect(try await store.write { tx in try tx.registrations.nextSerial(province: 31, max: 5) } == 3)
    }

    @Test("Ministry batch decision: a failing item leaves no trace, the others commit once; a retry applies nothing twice", arguments: engines)
    func batchDecision(engine: EngineUnderTest) async throws {
        let (store, remove) = try await engine.make()
        defer { remove() }
        try await Self.twoTenants(store)
        try await Self.applicants(store, 1...4, status: .awaitingMinistry)
        try await Self.applicants(store, 5...5, status: .awaitingProvince)
        try await Self.applicants(store, 6...6, status: .awaitingMinistry, type: .change)
        try await Self.applicants(store, 7...7, status: .awaitingMinistry, type: .renewal)
        // p4 is registered already (an 初始 for them fails); p6 and p7 are registered too (变更, 延续).
        try await store.write { tx in
            try tx.registrations.insert([Self.registration("r4", "p4", "京111201900001"), Self.registration("r6", "p6", "京111201900002"),
                                         Self.registration("r7", "p7", "京111201900003")])
            try tx.registrations.setSpecialties(["r4", "r6", "r7"].map { ($0, RegisteredSpecialty(specialty: "建筑工程", validFrom: "2024-01-01", validUntil: "2027-01-01")) })
            _ = try tx.registrations.nextSerials(province: 11, count: 3, max: 99_999)
        }
        let decisions = [MinistryDecision(applicationID: "a1", approve: true, reason: ""), MinistryDecision(applicationID: "a2", approve: false, reason: " 材料不全 "),
                         MinistryDecision(applicationID: "a4", approve: true, reason: ""), MinistryDecision(applicationID: "a5", approve: true, reason: ""),
                         MinistryDecision(applicationID: "a-none", approve: true, reason: ""), MinistryDecision(applicationID: "a1", approve: true, reason: ""),
                         MinistryDecision(applicationID: "a6", approve: true, reason: ""), MinistryDecision(applicationID: "a7", approve: true, reason: ""),
                         MinistryDecision(applicationID: "a3", approve: true, reason: "")]
        let applications = Applications(store: store)
        let audit = AuditContext(caller: .ministry, method: "/decide", requestID: "r1")
        let before = try await store.read { tx in try tx.audit.verify() }
        let results = try await applications.decide(decisions, idempotencyKey: "batch-1", by: .ministry, audit: audit)
        let year = CalendarDate(Date()).year % 100
        #expect(results.map(\.applicationID) == decisions.map(\.applicationID))
        #expect(results.map { $0.error == nil } == [true, true, false, false, false, false, true, true, true])
        #expect(results.map(\.status) == ["awaiting_announcement", "rejected", nil, nil, nil, nil, "completed", "awaiting_announcement", "awaiting_announcement"])
        // Serials 4 and 5 in the order of the items that passed; a4's refusal used none.
        #expect(results[0].registrationNumber == String(format: "京111%02d%02d00004", 20, year))
        #expect(results[8].registrationNumber == String(format: "京111%02d%02d00005", 20, year))
        #expect(results[7].registrationNumber == "京111201900003" && results[6].registrationNumber == "京111201900002")
        if case .failedPrecondition = results[2].error {} else { Issue.record("a4: \(String(describing: results[2].error))") }
        if case .failedPrecondition = results[3].error {} else { Issue.record("a5: \(String(describing: results[3].error))") }
        if case .notFound = results[4].error {} else { Issue.record("a-none: \(String(describing: results[4].error))") }
        if case .alreadyExists = results[5].error {} else { Issue.record("a1 twice: \(String(describing: results[5].error))") }

        let state = try await store.read { tx in
            (try ["a1", "a2", "a3", "a4", "a5", "a6", "a7"].map { try tx.applications.application($0, visibleTo: .nationwide)?.status },
             try ["a1", "a2", "a3", "a4", "a5", "a6", "a7"].map { try tx.applications.events(of: $0).map(\.action) },
             try tx.registrations.registrations(ofPersons: ["p1", "p2", "p3", "p4", "p5"]).mapValues(\.registrationNumber),
             try tx.registrations.specialties(of: "r7").map(\.validUntil), try tx.applications.application("a2", visibleTo: .nationwide)?.returnReason,
             try tx.certificates.newest(serial: "111201900002")?.version, try tx.audit.verify())
        }
        #expect(state.0 == [.awaitingAnnouncement, .rejected, .awaitingAnnouncement, .awaitingMinistry, .awaitingProvince, .completed, .awaitingAnnouncement])
        #expect(state.1 == [["approved by ministry"], ["rejected by ministry"], ["approved by ministry"], [], [], ["approved by ministry"], ["approved by ministry"]])
        #expect(state.2 == ["p1": results[0].registrationNumber!, "p3": results[8].registrationNumber!, "p4": "京111201900001"])
        #expect(state.3 == ["2030-01-01"] && state.4 == "材料不全" && state.5 == 1)
        // One audit row per applied decision and one for the certificate the 变更 issued.
        guard case .intact(let rowsBefore) = before, case .intact(let rowsAfter) = state.6 else { Issue.record("audit: \(state.6)"); return }
        #expect(rowsAfter - rowsBefore == 6)

        // The same key again: the stored answer, nothing applied twice.
        let again = try await applications.decide(decisions, idempotencyKey: "batch-1", by: .ministry, audit: audit)
        #expect(again == results)
        let serial = try await store.write { tx in try tx.registrations.nextSerial(province: 11, max: 99_999) }
        #expect(serial == 6)
        #expect(try await store.read { tx in try tx.audit.verify() } == state.6)
    }

    @Test("Certificates in batches: the batch reads answer what the single reads answer; void and insert many keep the invariants", arguments: engines)
    func certificateBatches(engine: EngineUnderTest) async throws {
        let (store, remove) = try await engine.make()
        defer { remove() }
        try await Self.twoTenants(store)
        try await Self.applicants(store, 1...2, status: .completed)
        try await store.write { tx in
            try tx.registrations.insert([Self.registration("r1", "p1", "京111202600001"), Self.registration("r2", "p2", "京111202600002")])
            try tx.registrations.setSpecialties([("r1", RegisteredSpecialty(specialty: "建筑工程", validFrom: "2026-01-01", validUntil: "2031-01-01")),
                                                 ("r1", RegisteredSpecialty(specialty: "市政公用工程", validFrom: "2026-01-01", validUntil: "2031-01-01"))])
            try tx.certificates.insert(StoredCertificate(id: "c1-1", registrationID: "r1", serial: "111202600001", version: 1, status: .void, issuedAt: 60, content: nil))
            try tx.certificates.insert(StoredCertificate(id: "c1-2", registrationID: "r1", serial: "111202600001", version: 2, status: .valid, issuedAt: 61, content: nil))
        }
        let read = try await store.read { tx in
            (try tx.certificates.certifiedFacts(registrationIDs: ["r1", "r2", "r-none"]),
             try ["r1", "r2"].map { try tx.certificates.certifiedFacts(registrationID: $0) },
             try tx.certificates.newest(serials: ["111202600001", "111202600002"]).mapValues(\.id))
        }
        #expect(read.0.count == 2 && read.0["r1"] == read.1[0] && read.0["r2"] == read.1[1])
        #expect(read.0["r1"]?.specialties.map(\.specialty) == ["市政公用工程", "建筑工程"].sorted() && read.0["r2"]?.specialties == [])
        #expect(read.2 == ["111202600001": "c1-2"])

        // Two valid versions of one registration in one batch: refused as a whole.
        let conflict = try await store.write { tx -> StoreConflict? in
            do {
                try tx.savepoint {
                    try tx.certificates.insert([StoredCertificate(id: "c2-1", registrationID: "r2", serial: "111202600002", version: 1, status: .valid, issuedAt: 70, content: nil),
                                                StoredCertificate(id: "c2-x", registrationID: "r2", serial: "111202600003", version: 1, status: .valid, issuedAt: 70, content: nil)])
                }
                return nil
            } catch { return error as? StoreConflict }
        }
        #expect(conflict == StoreConflict(.oneValidCertificatePerRegistration))
        try await store.write { tx in
            try tx.certificates.voidValid([("r1", Self.awkward), ("r2", "none valid")])
            try tx.certificates.insert([StoredCertificate(id: "c1-3", registrationID: "r1", serial: "111202600001", version: 3, status: .valid, issuedAt: 80, content: Self.awkward),
                                        StoredCertificate(id: "c2-1", registrationID: "r2", serial: "111202600002", version: 1, status: .valid, issuedAt: 80, content: nil)])
        }
        let after = try await store.read { tx in
            (try ["c1-1", "c1-2", "c1-3", "c2-1", "c2-x"].map { try tx.certificates.certificate($0).map { "\($0.status.rawValue) \($0.reason ?? "-")" } },
             try tx.certificates.newest(serials: ["111202600001", "111202600002"]).mapValues(\.version), try tx.certificates.certificate("c1-3")?.content)
        }
        #expect(after.0 == ["void -", "void \(Self.awkward)", "valid -", "valid -", nil])
        #expect(after.1 == ["111202600001": 3, "111202600002": 1] && after.2 == Self.awkward)
    }

    @Test("公告 on every engine: each person announced gets the next version at once; a revoked number and a cancelled registration get none", arguments: engines)
    func announcementIssuesCertificates(engine: EngineUnderTest) async throws {
        let (store, remove) = try await engine.make()
        defer { remove() }
        try await Self.twoTenants(store)
        try await Self.applicants(store, 1...4, status: .awaitingAnnouncement)
        try await store.write { tx in
            var cancelled = Self.registration("r4", "p4", "京111202600004")
            cancelled.status = .cancelled
            try tx.registrations.insert([Self.registration("r1", "p1", "京111202600001"), Self.registration("r2", "p2", "京111202600002"),
                                         Self.registration("r3", "p3", "京111202600003"), cancelled])
            try tx.registrations.setSpecialties(["r1", "r2", "r3", "r4"].map { ($0, RegisteredSpecialty(specialty: "建筑工程", validFrom: "2026-01-01", validUntil: "2031-01-01")) })
            try tx.certificates.insert(StoredCertificate(id: "c2-1", registrationID: "r2", serial: "111202600002", version: 1, status: .valid, issuedAt: 60, content: nil))
            try tx.certificates.insert(StoredCertificate(id: "c3-1", registrationID: "r3", serial: "111202600003", version: 1, status: .revoked, issuedAt: 60, content: nil))
        }
        let before = try await store.read { tx in try tx.audit.verify() }
        let announcement = try await Applications(store: store).announce(title: "第一批", by: .ministry,
                                                                         audit: AuditContext(caller: .ministry, method: "/announce", requestID: "r1"))
        #expect(announcement.itemCount == 4)
        let v1 = Certificates.identifier(registrationNumber: "京111202600001", version: 1)
        let v2 = Certificates.identifier(registrationNumber: "京111202600002", version: 2)
        let state = try await store.read { tx in
            (try tx.certificates.newest(serials: ["111202600001", "111202600002", "111202600003", "111202600004"]).mapValues { "\($0.id) \($0.status.rawValue)" },
             try tx.certificates.certificate("c2-1").map { "\($0.status.rawValue) \($0.reason ?? "-")" },
             try tx.certificates.certificate(v1)?.content, try tx.audit.verify())
        }
        #expect(state.0 == ["111202600001": "\(v1) valid", "111202600002": "\(v2) valid", "111202600003": "c3-1 revoked"])
        #expect(state.1 == "void superseded by \(v2)")
        #expect(state.2?.contains(#""holder":"人员1""#) == true && state.2?.contains(#""registration_number":"京111202600001""#) == true)
        // One audit row per certificate issued and one for the 公告.
        guard case .intact(let rowsBefore) = before, case .intact(let rowsAfter) = state.3 else { Issue.record("audit: \(state.3)"); return }
        #expect(rowsAfter - rowsBefore == 3)
    }
}
