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
                try Self.decideAll(decisions, at: now, by: EventActor(caller, audit, in: tx), corpsCode: corpsCode, audit: audit, in: tx)
            }
        }
    }

    /// The decisions of one call, inside its unit of work, in three steps:
    ///
    /// 1. One read of every application (held to the end of the unit of work) and of the people's
    ///    registrations; the rules run on what it gave, so an item that breaks one fails here and
    ///    writes nothing.
    /// 2. The items that passed are written together: one serial allocation per province, one
    ///    guarded move, the registrations, specialties and history lines each in one write. Nothing
    ///    in this step fails for one item alone (the rows are held; a schema conflict fails the
    ///    call, as it always did).
    /// 3. Approvals that take effect at once (变更, 注销: the route ends at the decision, and a
    ///    certificate version is issued, which can still fail for its item) and a second
    ///    application of a person already in step 2 run one by one, each in its own savepoint,
    ///    after step 2, so they see its effects.
    ///
    /// Audit rows follow the items' order, all appended once at the end.
    static func decideAll(_ decisions: [MinistryDecision], at now: Date, by actor: EventActor, corpsCode: UInt32, audit: AuditContext,
                          in tx: any StoreTransaction) throws -> [DecisionResult] {
        let at = now.timeIntervalSince1970
        let today = CalendarDate(now)
        var results = [DecisionResult?](repeating: nil, count: decisions.count)
        var auditRows = [[AuditEntry]](repeating: [], count: decisions.count)
        func failed(_ i: Int, _ error: RegistryError) {
            results[i] = .init(applicationID: decisions[i].applicationID, error: error, status: nil, registrationNumber: nil)
        }
        func applied(_ i: Int, _ outcome: DecisionResult, reissued: [(id: String, version: Int)] = []) {
            let d = decisions[i]
            results[i] = outcome
            auditRows[i].append(audit.entry(at: now, tenant: "nationwide", target: "application:\(d.applicationID)",
                                            result: d.approve ? "approved → \(outcome.status ?? "")\(outcome.registrationNumber.map { " \($0)" } ?? "")"
                                                : "rejected: \(d.reason.trimmed)"))
            auditRows[i] += reissued.map {
                audit.entry(at: now, tenant: "nationwide", target: "certificate:\($0.id)", result: "issued version \($0.version) after application \(d.applicationID)")
            }
        }

        // 1. Read, then the rules.
        var seen = Set<String>()
        var unique: [Int] = []
        for (i, d) in decisions.enumerated() {
            if seen.insert(d.applicationID).inserted { unique.append(i) } else { failed(i, .alreadyExists(Text(.listedTwice))) }
        }
        let applications = try tx.applications.holding(unique.map { decisions[$0].applicationID }, visibleTo: .nationwide)
        let registrations = try tx.registrations.registrations(ofPersons: applications.values.map(\.individualID))
        var planned: [PlannedDecision] = []
        var oneByOne: [Int] = []
        var people = Set<String>()
        for i in unique {
            let d = decisions[i]
            guard let app = applications[d.applicationID] else {
                failed(i, .notFound(Text(.applicationNotFound, "\(d.applicationID)")))
                continue
            }
            guard app.status == .awaitingMinistry else {
                failed(i, .failedPrecondition(Text(app.status.isDecidedByMinistry ? .alreadyDecided : .notForwarded, .status(app.status.rawValue))))
                continue
            }
            guard d.approve else {
                planned.append(PlannedDecision(index: i, application: app, to: .rejected, reason: d.reason.trimmed, effect: nil))
                continue
            }
            let next = ApplicationRoute.next(after: .awaitingMinistry, for: app.content.type)!
            guard next != .completed, people.insert(app.individualID).inserted else {
                oneByOne.append(i)
                continue
            }
            do {
                let effect = try effect(of: app, on: registrations[app.individualID], today: today, corpsCode: corpsCode, in: tx.registrations)
                planned.append(PlannedDecision(index: i, application: app, to: next, reason: nil, effect: effect))
            } catch let e as RegistryError {
                failed(i, e)
            }
        }

        // 2. Write the items that passed together.
        var numbers: [Int: String] = [:]
        var byProvince: [UInt32: [(index: Int, prefix: String)]] = [:]
        for p in planned {
            if case .register(_, let province, let prefix, _) = p.effect { byProvince[province, default: []].append((p.index, prefix)) }
        }
        for province in byProvince.keys.sorted() {
            let items = byProvince[province]!
            let serials = try tx.registrations.nextSerials(province: province, count: items.count, max: maxSerial)
            for (item, serial) in zip(items, serials) { numbers[item.index] = item.prefix + digits(serial, 5) }
            for item in items.dropFirst(serials.count) { failed(item.index, .failedPrecondition(Text(.serialsExhausted, "\(province)"))) }
        }
        let writing = planned.filter { results[$0.index] == nil }
        let moved = try tx.applications.move(writing.map {
            ApplicationMove(id: $0.application.id, from: .awaitingMinistry, to: $0.to, reason: $0.reason,
                            registrationNumber: numbers[$0.index] ?? $0.effect?.registrationNumber)
        }, at: at, milestone: .decided)
        var effects: [(effect: RegistrationEffect, application: StoredApplication, number: String?)] = []
        var events: [NewApplicationEvent] = []
        for p in writing {
            let id = p.application.id
            guard moved.contains(id) else {
                failed(p.index, .conflict(Text(.applicationChanged)))
                continue
            }
            let number = numbers[p.index] ?? p.effect?.registrationNumber
            if let effect = p.effect { effects.append((effect, p.application, number)) }
            events.append(event(id, at: now, actor: actor, action: p.to == .rejected ? "rejected by ministry" : "approved by ministry",
                                from: .awaitingMinistry, to: p.to, reason: p.reason))
            applied(p.index, .init(applicationID: id, error: nil, status: p.to.rawValue, registrationNumber: p.to == .rejected ? nil : number))
        }
        try perform(effects, at: now, in: tx.registrations, certificates: tx.certificates)
        try tx.applications.appendEvents(events)

        // 3. One by one, each in its savepoint.
        for i in oneByOne {
            var reissued: [(id: String, version: Int)] = []
            do {
                let outcome = try tx.savepoint { try Self.apply(decisions[i], at: now, by: actor, corpsCode: corpsCode, reissued: &reissued, in: tx) }
                applied(i, outcome, reissued: reissued)
            } catch let e as RegistryError {
                failed(i, e)
            }
        }
        try tx.audit.append(auditRows.flatMap { $0 })
        return results.map { $0! }
    }

    /// An item of ``decideAll(_:at:by:corpsCode:audit:in:)`` that passed the rules: its move and
    /// the effect an approval has on the person's registration.
    struct PlannedDecision {
        let index: Int
        let application: StoredApplication
        let to: ApplicationStatus
        let reason: String?
        let effect: RegistrationEffect?
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
        let effect = try effect(of: app, on: try registrations.registration(ofPerson: app.individualID), today: CalendarDate(now), corpsCode: corpsCode,
                                in: registrations)
        var number = effect.registrationNumber
        if case .register(_, let province, let prefix, _) = effect {
            guard let serial = try registrations.nextSerial(province: province, max: maxSerial) else {
                throw RegistryError.failedPrecondition(Text(.serialsExhausted, "\(province)"))
            }
            number = prefix + digits(serial, 5)
        }
        try perform([(effect, app, number)], at: now, in: registrations, certificates: certificates)
        return number
    }

    /// What an approval does to the person's registration, decided by the rules before
    /// anything is written.
    enum RegistrationEffect {
        /// 初始, 重新注册: a new number (`prefix` and the province's next serial); `existing` (cancelled) is in force again, else a new registration.
        case register(existing: String?, province: UInt32, prefix: String, specialties: [RegisteredSpecialty])
        /// 延续注册: the specialties' new ends.
        case extend(registration: StoredRegistration, until: [(specialty: String, until: String)])
        /// 增项注册.
        case add(registration: StoredRegistration, specialties: [RegisteredSpecialty])
        /// 变更: the new employer and the number with its new leading character.
        case transfer(registration: StoredRegistration, number: String)
        /// 注销 (the valid certificate becomes void).
        case cancel(registration: StoredRegistration)

        /// The number the registration keeps; nil for a new one (it waits for its serial).
        var registrationNumber: String? {
            switch self {
            case .register: nil
            case .extend(let r, _), .add(let r, _), .cancel(let r): r.registrationNumber
            case .transfer(_, let number): number
            }
        }
    }

    /// The rules of an approval (DOMAIN.md §2) against the person's registration `existing`,
    /// decided on `today` (China's calendar date of the decision).
    static func effect(of app: StoredApplication, on existing: StoredRegistration?, today: CalendarDate, corpsCode: UInt32,
                       in registrations: any RegistrationStore) throws -> RegistrationEffect {
        let province = app.employerProvinceCode
        let specialties = app.content.specialties
        let until = today.adding(years: validityYears).description
        let active = existing?.status == .active
        switch app.content.type {
        case .initial, .reRegistration:
            guard !active else { throw RegistryError.failedPrecondition(Text(.alreadyRegistered)) }
            let qualificationYear = Int(app.content.qualificationDate.prefix(4)) ?? today.year
            let prefix = try numberPrefix(province: province, qualificationYear: qualificationYear, year: today.year, corpsCode: corpsCode)
            return .register(existing: existing?.id, province: province, prefix: prefix,
                             specialties: specialties.map { RegisteredSpecialty(specialty: $0, validFrom: today.description, validUntil: until) })
        case .renewal:
            guard let existing, active else { throw RegistryError.failedPrecondition(Text(.noRegistration)) }
            let held = try registrations.specialties(of: existing.id)
            return .extend(registration: existing, until: try specialties.map { s in
                guard let current = held.first(where: { $0.specialty == s })?.validUntil, let end = try? date(current) else {
                    throw RegistryError.failedPrecondition(Text(.specialtyNotRegistered, "\(s)"))
                }
                return (s, end.adding(years: validityYears).description)
            })
        case .addSpecialty:
            guard let existing, active else { throw RegistryError.failedPrecondition(Text(.noRegistration)) }
            return .add(registration: existing, specialties: specialties.map { RegisteredSpecialty(specialty: $0, validFrom: today.description, validUntil: until) })
        case .change:
            guard let existing, active else { throw RegistryError.failedPrecondition(Text(.noRegistration)) }
            // The leading character names the current province; digits 3-13 never change.
            let old = existing.registrationNumber
            return .transfer(registration: existing, number: (Province.abbreviation(of: province, corpsCode: corpsCode) ?? String(old.prefix(1))) + old.dropFirst())
        case .cancellation:
            guard let existing, active else { throw RegistryError.failedPrecondition(Text(.noRegistration)) }
            return .cancel(registration: existing)
        }
    }

    /// Writes the effects of approvals that passed their rules, new registrations and
    /// specialties each in one write (`number`: the registration number the approval gave).
    static func perform(_ effects: [(effect: RegistrationEffect, application: StoredApplication, number: String?)], at now: Date,
                        in registrations: any RegistrationStore, certificates: any CertificateStore) throws {
        var inserted: [StoredRegistration] = []
        var specialties: [(registrationID: String, specialty: RegisteredSpecialty)] = []
        for (effect, app, number) in effects {
            switch effect {
            case .register(let existing, _, _, let granted):
                let id = existing ?? SecureRandom.hex(8)
                if let existing {
                    try registrations.reactivate(existing, enterpriseID: app.content.enterpriseID, registrationNumber: number!, at: now.timeIntervalSince1970)
                } else {
                    inserted.append(StoredRegistration(id: id, individualID: app.individualID, enterpriseID: app.content.enterpriseID,
                                                       registrationNumber: number!, status: .active, registeredAt: now.timeIntervalSince1970))
                }
                specialties += granted.map { (id, $0) }
            case .extend(let registration, let until):
                for (specialty, end) in until { try registrations.extendSpecialty(specialty, of: registration.id, until: end) }
            case .add(let registration, let granted):
                specialties += granted.map { (registration.id, $0) }
            case .transfer(let registration, let number):
                try registrations.transfer(registration.id, enterpriseID: app.content.enterpriseID, registrationNumber: number)
            case .cancel(let registration):
                try registrations.cancel(registration.id)
                try certificates.voidValid(registrationID: registration.id, reason: "registration cancelled")
            }
        }
        try registrations.insert(inserted)
        try registrations.setSpecialties(specialties)
    }

    /// The last serial a province may give out (five digits).
    static let maxSerial = 99_999

    /// 注册编号 (DOMAIN.md §2.3): province abbreviation, level 1, province code of first
    /// registration, 2-digit qualification year, 2-digit registration year, then the 5-digit
    /// serial per province, which comes from the store's serial point
    /// (``RegistrationStore/nextSerials(province:count:max:)``): no duplicates, also with several
    /// nodes. This is the number without its serial.
    static func numberPrefix(province: UInt32, qualificationYear: Int, year: Int, corpsCode: UInt32) throws -> String {
        guard let abbreviation = Province.abbreviation(of: province, corpsCode: corpsCode), (10...99).contains(province) else {
            throw RegistryError.failedPrecondition(Text(.noProvinceAbbreviation, "\(province)"))
        }
        return abbreviation + "1" + digits(Int(province), 2) + digits(qualificationYear % 100, 2) + digits(year % 100, 2)
    }

    /// `n` in `width` decimal digits, zeros in front (what `%05d` prints, without a formatter per number).
    static func digits(_ n: Int, _ width: Int) -> String {
        let text = String(n)
        return text.count < width ? String(repeating: "0", count: width - text.count) + text : text
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
                // One guarded move and one insert of history lines for all of them.
                let moved = try tx.applications.move(waiting.map { ApplicationMove(id: $0.application.id, from: .awaitingAnnouncement, to: .completed) },
                                                     at: now.timeIntervalSince1970, milestone: nil)
                try tx.applications.appendEvents(waiting.map(\.application.id).filter(moved.contains).map {
                    Self.event($0, at: now, actor: actor, action: "announced in \(number)", from: .awaitingAnnouncement, to: .completed, reason: nil)
                })
                // The 公告 takes effect: each person announced gets one new version stating every
                // approval it published (the first certificate for 初始 and 重新注册), in this
                // unit of work, so the holder can download it as soon as the 公告 is out.
                var people = Set<String>()
                let persons = waiting.map(\.application.individualID).filter { people.insert($0).inserted }
                let reissued = try Certificates.issueOnEffect(individualIDs: persons, at: now, in: tx).map { certificate, version in
                    audit.entry(at: now, tenant: "nationwide", target: "certificate:\(certificate)", result: "issued version \(version) after \(number)")
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
