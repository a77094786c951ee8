public import Foundation
import Crypto

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
        return try await store.write { tx -> [DecisionResult] in
            try Idempotency.once(principal: caller.principal, key: key, method: audit.method, request: canonical, at: now, in: tx.idempotency) {
                var results: [DecisionResult] = []
                var auditRows: [AuditEntry] = []
                var seen = Set<String>()
                let actor = try EventActor(caller, audit, in: tx)
                for d in decisions {
                    guard seen.insert(d.applicationID).inserted else {
                        results.append(.init(applicationID: d.applicationID, error: .alreadyExists(Text(.listedTwice)), status: nil, registrationNumber: nil))
                        continue
                    }
                    // Each decision is its own savepoint: a failing item leaves the others applied.
                    var reissued: [(id: String, version: Int)] = []
                    let outcome: DecisionResult
                    do {
                        outcome = try tx.savepoint { try Self.apply(d, at: now, by: actor, corpsCode: corpsCode, reissued: &reissued, in: tx) }
                    } catch let e as RegistryError {
                        outcome = .init(applicationID: d.applicationID, error: e, status: nil, registrationNumber: nil)
                        reissued = []
                    }
                    if outcome.error == nil {
                        auditRows.append(audit.entry(at: now, tenant: "nationwide", target: "application:\(d.applicationID)",
                                                     result: d.approve ? "approved → \(outcome.status ?? "")\(outcome.registrationNumber.map { " \($0)" } ?? "")" : "rejected: \(d.reason.trimmed)"))
                        auditRows += reissued.map { audit.entry(at: now, tenant: "nationwide", target: "certificate:\($0.id)", result: "issued version \($0.version) after application \(d.applicationID)") }
                    }
                    results.append(outcome)
                }
                try tx.audit.append(auditRows)
                return results
            }
        }
    }

    /// Applies one decision inside the caller's unit of work.
    static func apply(_ d: MinistryDecision, at now: Date, by actor: EventActor, corpsCode: UInt32, reissued: inout [(id: String, version: Int)],
                      in tx: any StoreTransaction) throws -> DecisionResult {
        let applications = tx.applications
        guard let app = try applications.application(d.applicationID, visibleTo: .nationwide) else {
            throw RegistryError.notFound(Text(.applicationNotFound, "\(d.applicationID)"))
        }
        guard app.status == .awaitingMinistry else {
            throw RegistryError.failedPrecondition(Text(app.status.isDecidedByMinistry ? .alreadyDecided : .notForwarded, .status(app.status.rawValue)))
        }
        let id = d.applicationID
        let at = now.timeIntervalSince1970
        guard d.approve else {
            let why = d.reason.trimmed
            guard try applications.move(id, from: .awaitingMinistry, to: .rejected, reason: why, at: at, milestone: .decided, registrationNumber: nil) else {
                throw RegistryError.conflict(Text(.applicationChanged))
            }
            try event(tx, id, at: now, actor: actor, action: "rejected by ministry", from: .awaitingMinistry, to: .rejected, reason: why)
            return .init(applicationID: id, error: nil, status: ApplicationStatus.rejected.rawValue, registrationNumber: nil)
        }
        let number = try register(app, at: now, corpsCode: corpsCode, in: tx.registrations, certificates: tx.certificates)
        let next = ApplicationRoute.next(after: .awaitingMinistry, for: app.content.type)!
        guard try applications.move(id, from: .awaitingMinistry, to: next, reason: nil, at: at, milestone: .decided, registrationNumber: number) else {
            throw RegistryError.conflict(Text(.applicationChanged))
        }
        try event(tx, id, at: now, actor: actor, action: "approved by ministry", from: .awaitingMinistry, to: next, reason: nil)
        // A route without a 公告 (变更) takes effect now: the certificate states the new facts at
        // once. (注销 leaves no active registration; its certificate became void above.)
        if next == .completed, let certificate = try Certificates.issueOnEffect(individualID: app.individualID, at: now, in: tx) { reissued.append(certificate) }
        return .init(applicationID: id, error: nil, status: next.rawValue, registrationNumber: number)
    }

    /// The effect of an approval on the person's registration; returns the registration number.
    static func register(_ app: StoredApplication, at now: Date, corpsCode: UInt32, in registrations: any RegistrationStore,
                         certificates: any CertificateStore) throws -> String? {
        let person = app.individualID
        let enterprise = app.content.enterpriseID
        let province = app.employerProvinceCode
        let specialties = app.content.specialties
        let today = CalendarDate(now)
        let until = today.adding(years: validityYears).description
        let existing = try registrations.registration(ofPerson: person)
        let active = existing?.status == .active
        switch app.content.type {
        case .initial, .reRegistration:
            guard !active else { throw RegistryError.failedPrecondition(Text(.alreadyRegistered)) }
            let qualificationYear = Int(app.content.qualificationDate.prefix(4)) ?? today.year
            let number = try nextNumber(province: province, qualificationYear: qualificationYear, year: today.year, corpsCode: corpsCode, in: registrations)
            let registration = existing?.id ?? SecureRandom.hex(8)
            if existing == nil {
                try registrations.insert(StoredRegistration(id: registration, individualID: person, enterpriseID: enterprise, registrationNumber: number,
                                                            status: .active, registeredAt: now.timeIntervalSince1970))
            } else {
                try registrations.reactivate(registration, enterpriseID: enterprise, registrationNumber: number, at: now.timeIntervalSince1970)
            }
            for s in specialties {
                try registrations.setSpecialty(RegisteredSpecialty(specialty: s, validFrom: today.description, validUntil: until), of: registration)
            }
            return number
        case .renewal:
            guard let existing, active else { throw RegistryError.failedPrecondition(Text(.noRegistration)) }
            let held = try registrations.specialties(of: existing.id)
            for s in specialties {
                guard let current = held.first(where: { $0.specialty == s })?.validUntil, let end = try? date(current) else {
                    throw RegistryError.failedPrecondition(Text(.specialtyNotRegistered, "\(s)"))
                }
                try registrations.extendSpecialty(s, of: existing.id, until: end.adding(years: validityYears).description)
            }
            return existing.registrationNumber
        case .addSpecialty:
            guard let existing, active else { throw RegistryError.failedPrecondition(Text(.noRegistration)) }
            for s in specialties {
                try registrations.setSpecialty(RegisteredSpecialty(specialty: s, validFrom: today.description, validUntil: until), of: existing.id)
            }
            return existing.registrationNumber
        case .change:
            guard let existing, active else { throw RegistryError.failedPrecondition(Text(.noRegistration)) }
            // The leading character names the current province; digits 3-13 never change.
            let old = existing.registrationNumber
            let number = (Province.abbreviation(of: province, corpsCode: corpsCode) ?? String(old.prefix(1))) + old.dropFirst()
            try registrations.transfer(existing.id, enterpriseID: enterprise, registrationNumber: number)
            return number
        case .cancellation:
            guard let existing, active else { throw RegistryError.failedPrecondition(Text(.noRegistration)) }
            try registrations.cancel(existing.id)
            try certificates.voidValid(registrationID: existing.id, reason: "registration cancelled")
            return existing.registrationNumber
        }
    }

    /// The last serial a province may give out (five digits).
    static let maxSerial = 99_999

    /// 注册编号 (DOMAIN.md §2.3): province abbreviation, level 1, province code of first
    /// registration, 2-digit qualification year, 2-digit registration year, 5-digit serial per
    /// province. The serial comes from the store's serial point (``RegistrationStore/nextSerial(province:max:)``):
    /// no duplicates, also with several nodes.
    static func nextNumber(province: UInt32, qualificationYear: Int, year: Int, corpsCode: UInt32, in registrations: any RegistrationStore) throws -> String {
        guard let abbreviation = Province.abbreviation(of: province, corpsCode: corpsCode), (10...99).contains(province) else {
            throw RegistryError.failedPrecondition(Text(.noProvinceAbbreviation, "\(province)"))
        }
        guard let serial = try registrations.nextSerial(province: province, max: maxSerial) else {
            throw RegistryError.failedPrecondition(Text(.serialsExhausted, "\(province)"))
        }
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
        let number: String = try await store.write { tx in
            try Idempotency.once(principal: caller.principal, key: key, method: audit.method, request: heading, at: now, in: tx.idempotency) {
                let waiting = try tx.applications.awaitingAnnouncement()
                guard !waiting.isEmpty else { throw RegistryError.failedPrecondition(Text(.nothingToAnnounce)) }
                let actor = try EventActor(caller, audit, in: tx)
                let year = CalendarDate(now).year
                let number = String(format: "%d-%04d", year, try tx.announcements.nextSequence(year: year))
                let items = waiting.map {
                    StoredAnnouncementItem(applicationID: $0.application.id, name: $0.applicantName, registrationNumber: $0.application.registrationNumber ?? "",
                                           enterpriseName: $0.enterpriseName, type: $0.application.content.type, specialties: $0.application.content.specialties)
                }
                try tx.announcements.insert(StoredAnnouncement(id: id, number: number, title: heading, publishedAt: now.timeIntervalSince1970,
                                                               itemCount: waiting.count), items: items)
                for record in waiting {
                    let app = record.application.id
                    guard try tx.applications.move(app, from: .awaitingAnnouncement, to: .completed, reason: nil, at: now.timeIntervalSince1970,
                                                   milestone: nil, registrationNumber: nil) else { continue }
                    try Self.event(tx, app, at: now, actor: actor, action: "announced in \(number)", from: .awaitingAnnouncement, to: .completed, reason: nil)
                }
                // The 公告 takes effect: each person announced gets one new version stating every
                // approval it published (the first certificate for 初始 and 重新注册), in this
                // unit of work, so the holder can download it as soon as the 公告 is out.
                var reissued: [AuditEntry] = []
                var people = Set<String>()
                for record in waiting {
                    let person = record.application.individualID
                    guard people.insert(person).inserted else { continue }
                    if let (certificate, version) = try Certificates.issueOnEffect(individualID: person, at: now, in: tx) {
                        reissued.append(audit.entry(at: now, tenant: "nationwide", target: "certificate:\(certificate)", result: "issued version \(version) after \(number)"))
                    }
                }
                try tx.audit.append(reissued)
                try tx.audit.append(audit.entry(at: now, tenant: "nationwide", target: "announcement:\(number)", result: "published with \(waiting.count) items"))
                return number
            }
        }
        return try await announcement(number)
    }

    /// A published announcement (anyone may read it).
    public func announcement(_ number: String) async throws(RegistryError) -> Announcement {
        let found = try await store.read { tx -> Announcement? in
            guard let (head, items) = try tx.announcements.announcement(number: number) else { return nil }
            return Self.announcement(head, items: items.map {
                Announcement.Item(name: $0.name, registrationNumber: $0.registrationNumber, enterpriseName: $0.enterpriseName, type: $0.type,
                                  specialties: $0.specialties.compactMap(Specialty.init(rawValue:)))
            })
        }
        guard let found else { throw .notFound(Text(.announcementNotFound, "\(number)")) }
        return found
    }

    static func announcement(_ head: StoredAnnouncement, items: [Announcement.Item]) -> Announcement {
        Announcement(number: head.number, title: head.title, publishedAt: Date(timeIntervalSince1970: head.publishedAt), items: items, itemCount: head.itemCount)
    }

    /// Published announcements, newest first (without their items).
    public func announcements(limit: Int = 50) async throws(RegistryError) -> [Announcement] {
        let limit = min(max(limit, 1), 500)
        return try await store.read { tx in try tx.announcements.announcements(limit: limit).map { Self.announcement($0, items: []) } }
    }
}
