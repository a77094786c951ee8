public import Foundation
import Crypto
import GRDB

/// One decision of the ministry on one application.
public struct MinistryDecision: Sendable, Equatable, Codable {
    public let applicationID: String
    public let approve: Bool
    public let reason: String

    public init(applicationID: String, approve: Bool, reason: String) {
        self.applicationID = applicationID
        self.approve = approve
        self.reason = reason
    }
}

/// The outcome of one decision: the registration number when approval created or kept one.
public struct DecisionResult: Sendable, Equatable, Codable {
    public let applicationID: String
    /// nil when applied; otherwise why not (RPCServer's one mapping turns it into a status).
    public let error: RegistryError?
    public let status: String?
    public let registrationNumber: String?
}

/// A published 公告.
public struct Announcement: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public let name: String
        public let registrationNumber: String
        public let enterpriseName: String
        public let type: RegistrationType
        public let specialties: [Specialty]
    }

    public let number: String
    public let title: String
    public let publishedAt: Date
    public let items: [Item]
    public let itemCount: Int
}

/// 部级审批 and 公告 (issue #4): decisions one or many per call (idempotent by key), the effect of
/// an approval per registration type, registration numbers, numbered announcements.
extension Applications {
    public static let validityYears = 3
    public static let maxDecisions = 10_000

    /// Decides many applications in one transaction; a result per item. Retried with the same
    /// idempotency key it returns the stored results and applies nothing twice.
    public func decide(_ decisions: [MinistryDecision], idempotencyKey: String?, by caller: Caller, audit: AuditContext) async throws(RegistryError) -> [DecisionResult] {
        guard case .ministry = caller else { throw .forbidden(Text(.onlyMinistryDecides)) }
        guard !decisions.isEmpty else { throw .invalid("decisions", .emptyList) }
        guard decisions.count <= Self.maxDecisions else { throw .invalid("decisions", .tooManyElements, "\(Self.maxDecisions)") }
        var v = Violations()
        for (i, d) in decisions.enumerated() where !d.approve && d.reason.trimmed.isEmpty {
            v.add("decisions[\(i)].reason", .rejectReasonRequired)
        }
        try v.throwIfAny()
        let key = try Idempotency.key(idempotencyKey, required: true)
        let now = self.now()
        let corpsCode = self.corpsCode
        let canonical = Idempotency.canonical(decisions.map { [$0.applicationID, $0.approve ? "approve" : "reject", $0.reason] })
        return try await database.write { db -> [DecisionResult] in
            try Idempotency.once(principal: caller.principal, key: key, method: audit.method, request: canonical, at: now, in: db) {
                var results: [DecisionResult] = []
                var auditRows: [AuditEntry] = []
                var seen = Set<String>()
                let actor = try EventActor(caller, audit, in: db)
                for d in decisions {
                    guard seen.insert(d.applicationID).inserted else {
                        results.append(.init(applicationID: d.applicationID, error: .alreadyExists(Text(.listedTwice)), status: nil, registrationNumber: nil))
                        continue
                    }
                    // Each decision is its own savepoint: a failing item leaves the others applied.
                    var outcome: DecisionResult!
                    var reissued: [(id: String, version: Int)] = []
                    try db.inSavepoint {
                        do {
                            outcome = try Self.apply(d, at: now, by: actor, corpsCode: corpsCode, reissued: &reissued, in: db)
                            return .commit
                        } catch let e as RegistryError {
                            outcome = .init(applicationID: d.applicationID, error: e, status: nil, registrationNumber: nil)
                            return .rollback
                        }
                    }
                    if outcome.error == nil {
                        auditRows.append(audit.entry(at: now, tenant: "nationwide", target: "application:\(d.applicationID)",
                                                     result: d.approve ? "approved → \(outcome.status ?? "")\(outcome.registrationNumber.map { " \($0)" } ?? "")" : "rejected: \(d.reason.trimmed)"))
                        auditRows += reissued.map { audit.entry(at: now, tenant: "nationwide", target: "certificate:\($0.id)", result: "issued version \($0.version) after application \(d.applicationID)") }
                    }
                    results.append(outcome)
                }
                try AuditLog.appendAll(auditRows, in: db)
                return results
            }
        }
    }

    /// Applies one decision inside the caller's transaction.
    static func apply(_ d: MinistryDecision, at now: Date, by actor: EventActor, corpsCode: UInt32, reissued: inout [(id: String, version: Int)], in db: Database) throws -> DecisionResult {
        guard let app = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT a.*, e.province_code AS employer_province FROM applications a JOIN enterprises e ON e.id = a.enterprise_id WHERE a.id = ?
            """), arguments: [d.applicationID]) else {
            throw RegistryError.notFound(Text(.applicationNotFound, "\(d.applicationID)"))
        }
        let status: String = app["status"]
        guard status == ApplicationStatus.awaitingMinistry.rawValue, let type = RegistrationType(rawValue: app["type"]) else {
            let decided = ApplicationStatus(rawValue: status)?.isDecidedByMinistry ?? false
            throw RegistryError.failedPrecondition(Text(decided ? .alreadyDecided : .notForwarded, .status(status)))
        }
        let id = d.applicationID
        guard d.approve else {
            try db.cachedStatement(sql: "UPDATE applications SET status = 'rejected', return_reason = ?, decided_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND status = 'awaiting_ministry'").execute(
                           arguments: [d.reason.trimmed, now.timeIntervalSince1970, now.timeIntervalSince1970, id])
            try event(db, id, at: now, actor: actor, action: "rejected by ministry", from: .awaitingMinistry, to: .rejected, reason: d.reason.trimmed)
            return .init(applicationID: id, error: nil, status: ApplicationStatus.rejected.rawValue, registrationNumber: nil)
        }
        let number = try register(type: type, application: app, at: now, corpsCode: corpsCode, in: db)
        let next = ApplicationRoute.next(after: .awaitingMinistry, for: type)!
        try db.cachedStatement(sql: "UPDATE applications SET status = ?, decided_at = ?, updated_at = ?, registration_number = ?, version = version + 1 WHERE id = ? AND status = 'awaiting_ministry'").execute(
                       arguments: [next.rawValue, now.timeIntervalSince1970, now.timeIntervalSince1970, number, id])
        try event(db, id, at: now, actor: actor, action: "approved by ministry", from: .awaitingMinistry, to: next, reason: nil)
        // A route without a 公告 (变更) takes effect now: the certificate states the new facts at
        // once. (注销 leaves no active registration; its certificate became void above.)
        if next == .completed, let certificate = try Certificates.issueOnEffect(individualID: app["individual_id"], at: now, in: db) { reissued.append(certificate) }
        return .init(applicationID: id, error: nil, status: next.rawValue, registrationNumber: number)
    }

    /// The effect of an approval on the person's registration; returns the registration number.
    static func register(type: RegistrationType, application app: Row, at now: Date, corpsCode: UInt32, in db: Database) throws -> String? {
        let person: String = app["individual_id"]
        let enterprise: String = app["enterprise_id"]
        let province: UInt32 = app["employer_province"]
        let specialties = (app["specialties"] as String).split(separator: ",").map(String.init)
        let today = CalendarDate(now)
        let until = today.adding(years: validityYears).description
        let existing = try Row.fetchOne(db.cachedStatement(sql: "SELECT id, status, registration_number FROM registrations WHERE individual_id = ?"), arguments: [person])
        let active = existing.map { ($0["status"] as String) == "active" } ?? false
        switch type {
        case .initial, .reRegistration:
            guard !active else { throw RegistryError.failedPrecondition(Text(.alreadyRegistered)) }
            let qualificationYear = Int((app["qualification_date"] as String).prefix(4)) ?? today.year
            let number = try nextNumber(province: province, qualificationYear: qualificationYear, year: today.year, corpsCode: corpsCode, in: db)
            let registration = existing?["id"] as String? ?? SecureRandom.hex(8)
            if existing == nil {
                try db.cachedStatement(sql: "INSERT INTO registrations (id, individual_id, enterprise_id, registration_number, status, registered_at) VALUES (?, ?, ?, ?, 'active', ?)").execute(
                               arguments: [registration, person, enterprise, number, now.timeIntervalSince1970])
            } else {
                try db.cachedStatement(sql: "UPDATE registrations SET enterprise_id = ?, registration_number = ?, status = 'active', registered_at = ? WHERE id = ?").execute(
                               arguments: [enterprise, number, now.timeIntervalSince1970, registration])
                try db.cachedStatement(sql: "DELETE FROM registration_specialties WHERE registration_id = ?").execute(arguments: [registration])
            }
            for s in specialties {
                try db.cachedStatement(sql: "INSERT INTO registration_specialties (registration_id, specialty, valid_from, valid_until) VALUES (?, ?, ?, ?)").execute(
                               arguments: [registration, s, today.description, until])
            }
            return number
        case .renewal:
            guard let existing, active else { throw RegistryError.failedPrecondition(Text(.noRegistration)) }
            for s in specialties {
                guard let current = try String.fetchOne(db.cachedStatement(sql: "SELECT valid_until FROM registration_specialties WHERE registration_id = ? AND specialty = ?"),
                                                        arguments: [existing["id"] as String, s]),
                      let end = try? date(current) else { throw RegistryError.failedPrecondition(Text(.specialtyNotRegistered, "\(s)")) }
                try db.cachedStatement(sql: "UPDATE registration_specialties SET valid_until = ? WHERE registration_id = ? AND specialty = ?").execute(
                               arguments: [end.adding(years: validityYears).description, existing["id"] as String, s])
            }
            return existing["registration_number"]
        case .addSpecialty:
            guard let existing, active else { throw RegistryError.failedPrecondition(Text(.noRegistration)) }
            for s in specialties {
                try db.cachedStatement(sql: "INSERT OR REPLACE INTO registration_specialties (registration_id, specialty, valid_from, valid_until) VALUES (?, ?, ?, ?)").execute(
                               arguments: [existing["id"] as String, s, today.description, until])
            }
            return existing["registration_number"]
        case .change:
            guard let existing, active else { throw RegistryError.failedPrecondition(Text(.noRegistration)) }
            // The leading character names the current province; digits 3-13 never change.
            let old: String = existing["registration_number"]
            let number = (Province.abbreviation(of: province, corpsCode: corpsCode) ?? String(old.prefix(1))) + old.dropFirst()
            try db.cachedStatement(sql: "UPDATE registrations SET enterprise_id = ?, registration_number = ? WHERE id = ?").execute(
                           arguments: [enterprise, number, existing["id"] as String])
            return number
        case .cancellation:
            guard let existing, active else { throw RegistryError.failedPrecondition(Text(.noRegistration)) }
            try db.cachedStatement(sql: "UPDATE registrations SET status = 'cancelled' WHERE id = ?").execute(arguments: [existing["id"] as String])
            try db.cachedStatement(sql: "UPDATE certificates SET status = 'void', reason = 'registration cancelled' WHERE registration_id = ? AND status = 'valid'").execute(
                           arguments: [existing["id"] as String])
            return existing["registration_number"]
        }
    }

    /// 注册编号 (DOMAIN.md §2.3): province abbreviation, level 1, province code of first
    /// registration, 2-digit qualification year, 2-digit registration year, 5-digit serial per
    /// province. Allocated inside the approving transaction through the single writer: no duplicates.
    static func nextNumber(province: UInt32, qualificationYear: Int, year: Int, corpsCode: UInt32, in db: Database) throws -> String {
        guard let abbreviation = Province.abbreviation(of: province, corpsCode: corpsCode), (10...99).contains(province) else {
            throw RegistryError.failedPrecondition(Text(.noProvinceAbbreviation, "\(province)"))
        }
        let current = try Int.fetchOne(db.cachedStatement(sql: "SELECT last FROM registration_serials WHERE province_code = ?"), arguments: [province]) ?? 0
        guard current < 99_999 else { throw RegistryError.failedPrecondition(Text(.serialsExhausted, "\(province)")) }
        try db.cachedStatement(sql: "INSERT INTO registration_serials (province_code, last) VALUES (?, 1) ON CONFLICT (province_code) DO UPDATE SET last = last + 1").execute(
                       arguments: [province])
        let serial = current + 1
        return abbreviation + "1" + String(format: "%02d%02d%02d%05d", Int(province), qualificationYear % 100, year % 100, serial)
    }

    // MARK: Announcements

    /// Publishes every approved application waiting for a 公告 as one numbered announcement
    /// (`YYYY-NNNN`); they are completed. Published once: an announcement never changes. With an
    /// idempotency key, a retry of the same title returns the announcement it published.
    public func announce(title: String, idempotencyKey: String? = nil, by caller: Caller, audit: AuditContext) async throws(RegistryError) -> Announcement {
        guard case .ministry = caller else { throw .forbidden(Text(.onlyMinistryAnnounces)) }
        let heading = title.trimmed
        guard !heading.isEmpty, heading.count <= 200 else { throw .invalid("title", .requiredUpTo, "200") }
        let key = try Idempotency.key(idempotencyKey, required: false)
        let now = self.now()
        let id = SecureRandom.hex(8)
        let number: String = try await database.write { db in
            try Idempotency.once(principal: caller.principal, key: key, method: audit.method, request: heading, at: now, in: db) {
                let waiting = try Row.fetchAll(db.cachedStatement(sql: """
                    SELECT a.id, a.type, a.specialties, a.registration_number, a.individual_id, i.name, e.name AS enterprise_name FROM applications a
                    JOIN individuals i ON i.id = a.individual_id JOIN enterprises e ON e.id = a.enterprise_id
                    WHERE a.status = 'awaiting_announcement' ORDER BY a.decided_at, a.id
                    """))
                guard !waiting.isEmpty else { throw RegistryError.failedPrecondition(Text(.nothingToAnnounce)) }
                let actor = try EventActor(caller, audit, in: db)
                let year = CalendarDate(now).year
                let count = try Int.fetchOne(db.cachedStatement(sql: "SELECT COUNT(*) FROM announcements WHERE number LIKE ?"), arguments: ["\(year)-%"]) ?? 0
                let number = String(format: "%d-%04d", year, count + 1)
                var reissued: [AuditEntry] = []
                try db.cachedStatement(sql: "INSERT INTO announcements (id, number, title, published_at, item_count) VALUES (?, ?, ?, ?, ?)").execute(
                               arguments: [id, number, heading, now.timeIntervalSince1970, waiting.count])
                for row in waiting {
                    let app: String = row["id"]
                    try db.cachedStatement(sql: """
                        INSERT INTO announcement_items (announcement_id, application_id, name, registration_number, enterprise_name, type, specialties)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """).execute( arguments: [id, app, row["name"] as String, row["registration_number"] as String? ?? "", row["enterprise_name"] as String,
                                         row["type"] as String, row["specialties"] as String])
                    try db.cachedStatement(sql: "UPDATE applications SET status = 'completed', updated_at = ? WHERE id = ? AND status = 'awaiting_announcement'").execute(
                                   arguments: [now.timeIntervalSince1970, app])
                    try Self.event(db, app, at: now, actor: actor, action: "announced in \(number)", from: .awaitingAnnouncement, to: .completed, reason: nil)
                }
                // The 公告 takes effect: each person announced gets one new version stating every
                // approval it published (the first certificate for 初始 and 重新注册), in this
                // transaction, so the holder can download it as soon as the 公告 is out.
                var people = Set<String>()
                for row in waiting {
                    let person: String = row["individual_id"]
                    guard people.insert(person).inserted else { continue }
                    if let (certificate, version) = try Certificates.issueOnEffect(individualID: person, at: now, in: db) {
                        reissued.append(audit.entry(at: now, tenant: "nationwide", target: "certificate:\(certificate)", result: "issued version \(version) after \(number)"))
                    }
                }
                try AuditLog.appendAll(reissued, in: db)
                try AuditLog.append(audit.entry(at: now, tenant: "nationwide", target: "announcement:\(number)", result: "published with \(waiting.count) items"), in: db)
                return number
            }
        }
        return try await announcement(number)
    }

    /// A published announcement (anyone may read it).
    public func announcement(_ number: String) async throws(RegistryError) -> Announcement {
        let found = try await database.read { db -> Announcement? in
            guard let head = try Row.fetchOne(db, sql: "SELECT * FROM announcements WHERE number = ?", arguments: [number]) else { return nil }
            let items = try Row.fetchAll(db, sql: "SELECT * FROM announcement_items WHERE announcement_id = ? ORDER BY registration_number", arguments: [head["id"] as String]).map {
                Announcement.Item(name: $0["name"], registrationNumber: $0["registration_number"], enterpriseName: $0["enterprise_name"],
                                  type: RegistrationType(rawValue: $0["type"]) ?? .initial,
                                  specialties: ($0["specialties"] as String).split(separator: ",").compactMap { Specialty(rawValue: String($0)) })
            }
            return Announcement(number: head["number"], title: head["title"], publishedAt: Date(timeIntervalSince1970: head["published_at"]),
                                items: items, itemCount: head["item_count"])
        }
        guard let found else { throw .notFound(Text(.announcementNotFound, "\(number)")) }
        return found
    }

    /// Published announcements, newest first (without their items).
    public func announcements(limit: Int = 50) async throws(RegistryError) -> [Announcement] {
        try await database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM announcements ORDER BY published_at DESC, number DESC LIMIT ?", arguments: [min(max(limit, 1), 500)]).map {
                Announcement(number: $0["number"], title: $0["title"], publishedAt: Date(timeIntervalSince1970: $0["published_at"]), items: [], itemCount: $0["item_count"])
            }
        }
    }
}
