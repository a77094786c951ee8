public import Foundation
import Crypto

/// What an individual fills in (个人申报).
public struct ApplicationDraft: Sendable, Equatable {
    public var type: RegistrationType?
    public var specialties: [String]
    /// The employer, by 统一社会信用代码.
    public var employerCreditCode: String
    public var qualificationCertificateNo: String
    /// `YYYY-MM-DD`.
    public var qualificationDate: String
    public var contractStart: String
    public var contractEnd: String

    public init(type: RegistrationType?, specialties: [String], employerCreditCode: String, qualificationCertificateNo: String,
                qualificationDate: String, contractStart: String, contractEnd: String) {
        self.type = type
        self.specialties = specialties
        self.employerCreditCode = employerCreditCode
        self.qualificationCertificateNo = qualificationCertificateNo
        self.qualificationDate = qualificationDate
        self.contractStart = contractStart
        self.contractEnd = contractEnd
    }
}

public struct ApplicationEvent: Sendable, Equatable {
    public let at: Date
    /// The machine principal (`jzs:province:37`).
    public let actor: String
    /// Who acted, as a person reads it (``EventActor``): `山东省住房和城乡建设厅 · 张三`.
    public let actorName: String
    public let action: String
    public let from: ApplicationStatus?
    public let to: ApplicationStatus
    public let reason: String?

    /// The name an event written before names were kept (v13) shows: its principal's
    /// authority (an engine reading a NULL `actor_name` uses it).
    public static func fallbackActorName(principal: String) -> String {
        EventActor.fallbackName(principal: principal)
    }

    /// For the engines (the store protocols hand these back).
    public init(at: Date, actor: String, actorName: String, action: String, from: ApplicationStatus?, to: ApplicationStatus, reason: String?) {
        self.at = at
        self.actor = actor
        self.actorName = actorName
        self.action = action
        self.from = from
        self.to = to
        self.reason = reason
    }
}

/// An application as its viewer sees it: the applicant's ID number and phone masked, and in
/// full only for a reviewer's audited read (``Disclosure``).
public struct Application: Sendable, Equatable {
    public let id: String
    public let individualID: String
    public let applicantName: String
    public let maskedIDNumber: String
    /// The full ID number: only for a province or the ministry, on an audited read.
    public let idNumber: String?
    public let maskedPhone: String
    /// The full mobile phone: as ``idNumber``.
    public let phone: String?
    public let enterpriseID: String
    public let enterpriseName: String
    public let enterpriseCreditCode: String
    public let provinceCode: UInt32
    public let type: RegistrationType
    public let specialties: [Specialty]
    public let qualificationCertificateNo: String
    public let qualificationDate: String
    public let contractStart: String
    public let contractEnd: String
    public let status: ApplicationStatus
    public let returnReason: String?
    public let createdAt: Date
    public let updatedAt: Date
    public var events: [ApplicationEvent]
    /// Only in detail answers.
    public var attachments: [ApplicationAttachment] = []
}

/// A document the applicant attached (资格证书、身份证、劳动合同、学历证明 …).
public struct ApplicationAttachment: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, CaseIterable, Codable {
        case qualificationCertificate = "qualification_certificate", idCard = "id_card", labourContract = "labour_contract",
             education, other
    }

    public let id: String
    public let kind: Kind
    public let contentType: String
    public let size: Int
    public let sha256: String

    /// For the engines (the store protocols hand these back).
    public init(id: String, kind: Kind, contentType: String, size: Int, sha256: String) {
        self.id = id
        self.kind = kind
        self.contentType = contentType
        self.size = size
        self.sha256 = sha256
    }
}

public struct ApplicationFilter: Sendable {
    public var statuses: [ApplicationStatus]
    public var type: RegistrationType?
    /// Only this enterprise (within the caller's scope).
    public var enterpriseID: String?
    /// Submitted at or after / before these instants.
    public var submittedFrom: Date?
    public var submittedUntil: Date?
    public var pageSize: Int
    public var pageToken: String

    public init(statuses: [ApplicationStatus] = [], type: RegistrationType? = nil, enterpriseID: String? = nil,
                submittedFrom: Date? = nil, submittedUntil: Date? = nil, pageSize: Int = 0, pageToken: String = "") {
        self.statuses = statuses
        self.type = type
        self.enterpriseID = enterpriseID
        self.submittedFrom = submittedFrom
        self.submittedUntil = submittedUntil
        self.pageSize = pageSize
        self.pageToken = pageToken
    }
}

public struct Page<Item: Sendable>: Sendable {
    public let items: [Item]
    public let nextPageToken: String
    public let total: Int
}

/// One item of a batch report.
public struct BatchItemResult: Sendable, Equatable, Codable {
    public let applicationID: String
    /// nil when reported; otherwise why not (RPCServer's one mapping turns it into a status).
    public let error: RegistryError?
}

/// The enterprise's home page (企业首页): pending applications and statistics.
public struct EnterpriseHome: Sendable {
    public let pending: Int
    public let byStatus: [ApplicationStatus: Int]
    public let byType: [RegistrationType: Int]
    public let registeredStaff: Int
}

/// Applications from submission to the enterprise's report (issue #3); provincial and ministry
/// steps follow the same route table (issue #4).
public final class Applications: Sendable {
    let store: any RegistryStore
    let now: @Sendable () -> Date
    /// 65th birthday: no registration from then on (DOMAIN.md §1.3).
    public static let ageLimit = 65
    public static let maxBatch = 10_000

    /// Code of 新疆生产建设兵团 (兵 in registration numbers).
    let corpsCode: UInt32
    let rules: RegistrationRules

    public convenience init(database: RegistryDatabase, corpsCode: UInt32 = Province.defaultCorpsCode, rules: RegistrationRules = .init(),
                            now: @escaping @Sendable () -> Date = { Date() }) {
        self.init(store: database.store, corpsCode: corpsCode, rules: rules, now: now)
    }

    /// - Parameter store: the engine (``SQLiteStore`` embedded, or another ``RegistryStore``).
    public init(store: any RegistryStore, corpsCode: UInt32 = Province.defaultCorpsCode, rules: RegistrationRules = .init(),
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.corpsCode = corpsCode
        self.rules = rules
        self.now = now
    }

    // MARK: Individuals

    public func submit(_ draft: ApplicationDraft, by caller: Caller, audit: AuditContext) async throws(RegistryError) -> Application {
        guard case .individual(let individual) = caller else { throw .forbidden(Text(.onlyIndividuals)) }
        let now = self.now()
        let valid = try Self.validate(draft, today: CalendarDate(now))
        let id = SecureRandom.hex(8)
        let rules = self.rules
        try await store.write { tx in
            let valid = try Self.checkRules(valid, individual: individual, replacing: nil, today: CalendarDate(now), rules: rules, in: tx)
            let status = ApplicationRoute.first(valid.type)
            try Self.openApplicationRefused {
                try tx.applications.insert(id: id, individualID: individual, content: valid.content, status: status, at: now.timeIntervalSince1970)
            }
            try Self.event(tx, id, at: now, actor: EventActor(caller, audit, in: tx), action: "submitted", from: nil, to: status, reason: nil)
            try tx.audit.append(audit.entry(at: now, tenant: "individual:\(individual)", target: "application:\(id)",
                                            result: "submitted \(valid.type.chineseName) → \(status.rawValue)"))
        }
        return try await application(id, for: caller, audit: audit)
    }

    /// Withdraws an application the enterprise has not reported yet (or one returned to the applicant).
    public func withdraw(_ id: String, by caller: Caller, audit: AuditContext) async throws(RegistryError) {
        guard case .individual = caller else { throw .forbidden(Text(.onlyApplicant)) }
        try await transition(id, by: caller, audit: audit, action: "withdrawn", from: [.awaitingEnterprise, .returned],
                             refusal: .onlyUnreportedWithdraw) { _ in (.withdrawn, nil) }
    }

    /// Edits and resubmits a returned application; it starts its route again.
    public func resubmit(_ id: String, _ draft: ApplicationDraft, by caller: Caller, audit: AuditContext) async throws(RegistryError) -> Application {
        guard case .individual(let individual) = caller else { throw .forbidden(Text(.onlyApplicant)) }
        let now = self.now()
        let valid = try Self.validate(draft, today: CalendarDate(now))
        let scope = Scope(caller)
        let rules = self.rules
        try await store.write { tx in
            guard let status = try tx.applications.state(of: id, visibleTo: scope)?.status else {
                throw RegistryError.notFound(Text(.applicationNotFound, "\(id)"))
            }
            guard status == .returned else {
                throw RegistryError.failedPrecondition(Text(.onlyReturnedResubmit, .status(status.rawValue)))
            }
            let valid = try Self.checkRules(valid, individual: individual, replacing: id, today: CalendarDate(now), rules: rules, in: tx)
            let next = ApplicationRoute.first(valid.type)
            try Self.openApplicationRefused {
                try tx.applications.resubmit(id, content: valid.content, status: next, at: now.timeIntervalSince1970)
            }
            try Self.event(tx, id, at: now, actor: EventActor(caller, audit, in: tx), action: "resubmitted", from: .returned, to: next, reason: nil)
            try tx.audit.append(audit.entry(at: now, tenant: "individual:\(individual)", target: "application:\(id)", result: "resubmitted → \(next.rawValue)"))
        }
        return try await application(id, for: caller, audit: audit)
    }

    // MARK: Reading (every query takes the caller's scope)

    /// One application with its history and documents, in the caller's scope.
    ///
    /// A province or the ministry sees the applicant's ID number and phone in full when `audit`
    /// is given, and the read writes its disclosure row (``DisclosureAudit``) in the same
    /// transaction; everyone else, and a read without `audit`, sees them masked.
    public func application(_ id: String, for caller: Caller, audit: AuditContext? = nil) async throws(RegistryError) -> Application {
        let scope = Scope(caller)
        let found = try await disclosing(to: caller, audit: audit) { tx, disclosure -> (Application?, [String]) in
            guard let record = try tx.applications.record(id, visibleTo: scope) else { return (nil, []) }
            var app = Self.application(record, disclosure: disclosure)
            app.events = try tx.applications.events(of: id)
            app.attachments = try tx.applications.attachments(of: id)
            return (app, [app.id])
        }
        guard let found else { throw .notFound(Text(.applicationNotFound, "\(id)")) }
        return found
    }

    /// Runs a read of applications with the view ``Disclosure`` gives `caller`: a full view runs
    /// in one write transaction that also appends the disclosure row naming the records `body`
    /// returns (none: no row), so no full number leaves without its row; a masked view is a
    /// plain read.
    func disclosing<T: Sendable>(to caller: Caller, audit: AuditContext?,
                                 _ body: @escaping @Sendable (any StoreTransaction, Disclosure) throws -> (T, [String])) async throws(RegistryError) -> T {
        guard Disclosure(for: caller, audited: audit) == .full, let audit else {
            return try await store.read { tx in try body(tx, .masked).0 }
        }
        let now = self.now()
        return try await store.write { tx in
            let (value, records) = try body(tx, .full)
            try DisclosureAudit.record(audit, kind: "application", records: records, tenant: Self.tenant(caller), at: now, in: tx.audit)
            return value
        }
    }

    public static let maxAttachmentBytes = 2 * 1024 * 1024

    /// Attaches a document to the caller's own application while it waits at the first step of
    /// its route (the enterprise; the province for 增项, which skips the enterprise) or is returned:
    /// images (gif, jpg, png, bmp) or PDF, at most 2 MB.
    /// With an idempotency key, a retry returns the document it attached instead of a second copy.
    public func attach(_ kind: ApplicationAttachment.Kind, content: [UInt8], to id: String, idempotencyKey: String? = nil,
                       by caller: Caller, audit: AuditContext) async throws(RegistryError) -> ApplicationAttachment {
        guard case .individual(let person) = caller else { throw .forbidden(Text(.onlyApplicant)) }
        let key = try Idempotency.key(idempotencyKey, required: false)
        guard !content.isEmpty else { throw .invalid("content", .fileEmpty) }
        guard content.count <= Self.maxAttachmentBytes else { throw .invalid("content", .documentTooLarge, "\(content.count)") }
        let type = EnterpriseSignup.imageType(content) ?? (content.starts(with: Array("%PDF-".utf8)) ? "application/pdf" : nil)
        guard let type else { throw .invalid("content", .documentType) }
        let scope = Scope(caller)
        let now = self.now()
        let attachmentID = SecureRandom.hex(8)
        let digest = Digest.sha256(content)
        return try await store.write { tx in
            try Idempotency.once(principal: caller.principal, key: key, method: audit.method,
                                 request: "\(id)\u{1F}\(kind.rawValue)\u{1F}\(Digest.hex(digest))", at: now, in: tx.idempotency) {
                guard let (registrationType, status) = try tx.applications.state(of: id, visibleTo: scope) else {
                    throw RegistryError.notFound(Text(.applicationNotFound, "\(id)"))
                }
                guard status == .returned || status == ApplicationRoute.first(registrationType) else {
                    throw RegistryError.failedPrecondition(Text(.documentsClosed, .status(status.rawValue)))
                }
                guard try tx.applications.attachmentCount(of: id) < 20 else { throw RegistryError.failedPrecondition(Text(.tooManyDocuments, "20")) }
                try tx.applications.insertAttachment(NewApplicationAttachment(id: attachmentID, applicationID: id, kind: kind, contentType: type,
                                                                              sha256: digest, bytes: content, createdAt: now.timeIntervalSince1970))
                try tx.audit.append(audit.entry(at: now, tenant: "individual:\(person)", target: "application:\(id)",
                                                result: "attached \(kind.rawValue) \(content.count) bytes sha256 \(Digest.hex(digest).prefix(16))"))
                return ApplicationAttachment(id: attachmentID, kind: kind, contentType: type, size: content.count, sha256: Digest.hex(digest))
            }
        }
    }

    /// The bytes of one attachment of an application the caller may see.
    public func attachmentContent(_ attachmentID: String, of id: String, for caller: Caller) async throws(RegistryError) -> (contentType: String, bytes: [UInt8]) {
        var v = Violations()
        if id.trimmed.isEmpty { v.add("application_id", .required) }
        if attachmentID.trimmed.isEmpty { v.add("attachment_id", .required) }
        try v.throwIfAny()
        let scope = Scope(caller)
        let found = try await store.read { tx in try tx.applications.attachmentContent(attachmentID, of: id, visibleTo: scope) }
        guard let found else { throw .notFound(Text(.attachmentNotFound, "\(attachmentID)")) }
        return (found.0, found.1)
    }

    /// A page of the caller's applications (an enterprise's, a province's, an individual's own), oldest first.
    /// With `audit`, a province or the ministry sees full ID numbers and phones, and the page's
    /// disclosure row is written with the read (``application(_:for:audit:)``).
    public func list(for caller: Caller, _ filter: ApplicationFilter, audit: AuditContext? = nil) async throws(RegistryError) -> Page<Application> {
        let scope = Scope(caller)
        let query = ApplicationQuery(statuses: filter.statuses, type: filter.type, enterpriseID: filter.enterpriseID,
                                     submittedFrom: filter.submittedFrom?.timeIntervalSince1970, submittedUntil: filter.submittedUntil?.timeIntervalSince1970)
        var cursor: ApplicationCursor?
        if !filter.pageToken.isEmpty {
            guard let (created, id) = Self.decodeToken(filter.pageToken) else { throw .invalid("page.page_token", .pageToken) }
            cursor = ApplicationCursor(createdAt: created, id: id)
        }
        let size = filter.pageSize == 0 ? 50 : filter.pageSize
        guard (1...500).contains(size) else { throw .invalid("page.page_size", .pageSize) }
        let after = cursor
        let (page, more, total) = try await disclosing(to: caller, audit: audit) { tx, disclosure -> (([Application], Bool, Int), [String]) in
            let items = try tx.applications.records(matching: query, visibleTo: scope, after: after, limit: size + 1)
            let total = try tx.applications.count(matching: query, visibleTo: scope)
            let page = items.prefix(size).map { Self.application($0, disclosure: disclosure) }
            return ((page, items.count > size, total), page.map(\.id))
        }
        let next = more ? Self.encodeToken(page.last!.createdAt.timeIntervalSince1970, page.last!.id) : ""
        return Page(items: page, nextPageToken: next, total: total)
    }

    // MARK: Enterprises (注册上报)

    /// 上报 one application: the enterprise accepts its 承诺条款. A report can never be undone.
    public func report(_ id: String, acceptCommitment: Bool, by caller: Caller, audit: AuditContext) async throws(RegistryError) -> Application {
        try Self.requireEnterprise(caller)
        guard acceptCommitment else { throw .invalid("accept_commitment", .commitmentRequired) }
        try await transition(id, by: caller, audit: audit, action: "reported", from: [.awaitingEnterprise],
                             refusal: .onlyAwaitingReport) { type in
            (ApplicationRoute.next(after: .awaitingEnterprise, for: type)!, nil)
        }
        return try await application(id, for: caller, audit: audit)
    }

    /// 批量上报: every id in one transaction; a result per item. Retried with the same
    /// idempotency key, the stored results come back and nothing is applied twice.
    public func batchReport(_ ids: [String], acceptCommitment: Bool, idempotencyKey: String?, by caller: Caller,
                            audit: AuditContext) async throws(RegistryError) -> [BatchItemResult] {
        try Self.requireEnterprise(caller)
        guard acceptCommitment else { throw .invalid("accept_commitment", .commitmentRequired) }
        guard !ids.isEmpty else { throw .invalid("application_ids", .emptyList) }
        guard ids.count <= Self.maxBatch else { throw .invalid("application_ids", .tooManyElements, "\(Self.maxBatch)") }
        let key = try Idempotency.key(idempotencyKey, required: true)
        let now = self.now()
        let scope = Scope(caller)
        return try await store.write { tx -> [BatchItemResult] in
            try Idempotency.once(principal: caller.principal, key: key, method: audit.method, request: Idempotency.canonical([ids]), at: now,
                                 in: tx.idempotency) {
                // One read for every item, the rules on what it gave, then one guarded move for
                // those that passed: an item that fails writes nothing, so no savepoint is needed.
                let applications = tx.applications
                let actor = try EventActor(caller, audit, in: tx)
                let states = try applications.states(of: ids, visibleTo: scope)
                var results = [BatchItemResult?](repeating: nil, count: ids.count)
                var moves: [(index: Int, move: ApplicationMove)] = []
                var seen = Set<String>()
                for (i, id) in ids.enumerated() {
                    guard seen.insert(id).inserted else {
                        results[i] = .init(applicationID: id, error: .alreadyExists(Text(.listedTwice)))
                        continue
                    }
                    guard let (type, status) = states[id] else {
                        results[i] = .init(applicationID: id, error: .notFound(Text(.applicationNotFound, "\(id)")))
                        continue
                    }
                    guard status == .awaitingEnterprise, let next = ApplicationRoute.next(after: .awaitingEnterprise, for: type) else {
                        results[i] = .init(applicationID: id, error: .failedPrecondition(Text(.notAwaitingEnterprise, "\(id)", .status(status.rawValue))))
                        continue
                    }
                    moves.append((i, ApplicationMove(id: id, from: .awaitingEnterprise, to: next)))
                }
                let moved = try applications.move(moves.map(\.move), at: now.timeIntervalSince1970, milestone: .reported)
                var events: [NewApplicationEvent] = []
                var auditRows: [AuditEntry] = []
                for (i, m) in moves {
                    // Moved by someone else since the read: as if it had been read in its new status.
                    guard moved.contains(m.id) else {
                        results[i] = .init(applicationID: m.id, error: .failedPrecondition(Text(.notAwaitingEnterprise, "\(m.id)", .status(m.from.rawValue))))
                        continue
                    }
                    events.append(Self.event(m.id, at: now, actor: actor, action: "reported", from: m.from, to: m.to, reason: nil))
                    auditRows.append(audit.entry(at: now, tenant: Self.tenant(caller), target: "application:\(m.id)", result: "reported (batch) → \(m.to.rawValue)"))
                    results[i] = .init(applicationID: m.id, error: nil)
                }
                try applications.appendEvents(events)
                try tx.audit.append(auditRows)
                return results.map { $0! }
            }
        }
    }

    /// 退回: back to the applicant with a mandatory reason.
    public func returnToApplicant(_ id: String, reason: String, by caller: Caller, audit: AuditContext) async throws(RegistryError) {
        try Self.requireEnterprise(caller)
        let why = reason.trimmed
        guard !why.isEmpty else { throw .invalid("reason", .returnReasonRequired) }
        guard why.count <= 500 else { throw .invalid("reason", .tooLong, "500") }
        try await transition(id, by: caller, audit: audit, action: "returned by enterprise", from: [.awaitingEnterprise],
                             refusal: .onlyAwaitingReturn) { _ in (.returned, why) }
    }

    /// 企业首页: applications waiting for the enterprise and counts by status and type.
    public func home(for caller: Caller) async throws(RegistryError) -> EnterpriseHome {
        try Self.requireEnterprise(caller)
        let scope = Scope(caller)
        guard case .enterprise = scope else { throw .forbidden(Text(.onlyEnterpriseUsers)) }
        return try await store.read { tx in
            var byStatus: [ApplicationStatus: Int] = [:]
            var byType: [RegistrationType: Int] = [:]
            for (status, type, n) in try tx.applications.counts(visibleTo: scope) {
                byStatus[status, default: 0] += n
                byType[type, default: 0] += n
            }
            let staff = try tx.registrations.activeStaffCount(visibleTo: scope, nameContains: "")
            return EnterpriseHome(pending: byStatus[.awaitingEnterprise] ?? 0, byStatus: byStatus, byType: byType, registeredStaff: staff)
        }
    }

    // MARK: Shared machinery

    /// Moves one application from one of `from` to the status `decide` returns, in one
    /// unit of work guarded by the current status (``ApplicationStore/move(_:from:to:reason:at:milestone:registrationNumber:)``): of two concurrent
    /// callers exactly one wins; the other gets FAILED_PRECONDITION.
    func transition(_ id: String, by caller: Caller, audit: AuditContext, action: String, from: Set<ApplicationStatus>, refusal: TextCode,
                    decide: @escaping @Sendable (RegistrationType) -> (ApplicationStatus, String?)) async throws(RegistryError) {
        let now = self.now()
        let scope = Scope(caller)
        try await store.write { tx in
            guard let (type, status) = try tx.applications.state(of: id, visibleTo: scope) else {
                throw RegistryError.notFound(Text(.applicationNotFound, "\(id)"))
            }
            guard from.contains(status) else {
                throw RegistryError.failedPrecondition(Text(refusal, .text(status.textCode)))
            }
            let (next, reason) = decide(type)
            guard try tx.applications.move(id, from: status, to: next, reason: reason, at: now.timeIntervalSince1970,
                                           milestone: action == "reported" ? .reported : nil, registrationNumber: nil) else {
                throw RegistryError.conflict(Text(.applicationChanged))
            }
            try Self.event(tx, id, at: now, actor: EventActor(caller, audit, in: tx), action: action, from: status, to: next, reason: reason)
            try tx.audit.append(audit.entry(at: now, tenant: Self.tenant(caller), target: "application:\(id)",
                                            result: "\(action) → \(next.rawValue)\(reason.map { ": \($0)" } ?? "")"))
        }
    }

    static func event(_ tx: any StoreTransaction, _ id: String, at: Date, actor: EventActor, action: String, from: ApplicationStatus?,
                      to: ApplicationStatus, reason: String?) throws {
        try tx.applications.appendEvent(event(id, at: at, actor: actor, action: action, from: from, to: to, reason: reason))
    }

    /// One line of an application's history (a batch writes them together).
    static func event(_ id: String, at: Date, actor: EventActor, action: String, from: ApplicationStatus?, to: ApplicationStatus,
                      reason: String?) -> NewApplicationEvent {
        NewApplicationEvent(applicationID: id, at: at.timeIntervalSince1970, actorPrincipal: actor.principal, actorName: actor.name,
                            action: action, from: from, to: to, reason: reason)
    }

    static func tenant(_ caller: Caller) -> String {
        switch caller {
        case .enterpriseUser(let e, _, _): "enterprise:\(e)"
        case .individual(let i): "individual:\(i)"
        default: caller.principal
        }
    }

    static func requireEnterprise(_ caller: Caller) throws(RegistryError) {
        guard case .enterpriseUser = caller else { throw .forbidden(Text(.onlyEnterpriseUsers)) }
    }

    /// An application as `disclosure` shows the applicant's numbers.
    static func application(_ r: ApplicationRecord, disclosure: Disclosure) -> Application {
        let idNumber = disclosure.idNumber(r.idNumber)
        let phone = disclosure.phone(r.phone)
        let a = r.application
        return Application(
            id: a.id, individualID: a.individualID, applicantName: r.applicantName,
            maskedIDNumber: idNumber.masked, idNumber: idNumber.full, maskedPhone: phone.masked, phone: phone.full,
            enterpriseID: a.content.enterpriseID, enterpriseName: r.enterpriseName, enterpriseCreditCode: r.enterpriseCreditCode,
            provinceCode: a.content.provinceCode, type: a.content.type, specialties: a.content.specialties.compactMap(Specialty.init(rawValue:)),
            qualificationCertificateNo: a.content.qualificationCertificateNo, qualificationDate: a.content.qualificationDate,
            contractStart: a.content.contractStart, contractEnd: a.content.contractEnd, status: a.status, returnReason: a.returnReason,
            createdAt: Date(timeIntervalSince1970: a.createdAt), updatedAt: Date(timeIntervalSince1970: a.updatedAt), events: [])
    }

    /// The schema's "one open application per person" as the rule's own refusal (a concurrent
    /// submission from another node gets past the check in ``checkRules``, not past the schema).
    static func openApplicationRefused(_ write: () throws -> Void) throws {
        do {
            try write()
        } catch let conflict as StoreConflict where conflict.invariant == .oneOpenApplicationPerPerson {
            throw RegistryError.failedPrecondition(Text(.applicationInProgress))
        }
    }

    static func encodeToken(_ created: Double, _ id: String) -> String {
        Digest.hex(Array("\(created.bitPattern)|\(id)".utf8))
    }

    static func decodeToken(_ token: String) -> (Double, String)? {
        guard let bytes = PasswordHash.bytesFromHex(token) else { return nil }
        let parts = String(decoding: bytes, as: UTF8.self).split(separator: "|")
        guard parts.count == 2, let bits = UInt64(parts[0]) else { return nil }
        return (Double(bitPattern: bits), String(parts[1]))
    }

    // MARK: Validation and rules

    /// In progress: at most one per person.
    static let openStatuses = Set(ApplicationStatus.allCases.filter(\.isOpen))
    /// The statuses in which an application holds its qualification certificate number: all but
    /// those that ended without a registration.
    static let qualificationHoldingStatuses = Set(ApplicationStatus.allCases).subtracting([.withdrawn, .refused, .rejected])

    struct Valid: Sendable {
        let type: RegistrationType
        let specialties: [Specialty]
        let creditCode: UnifiedSocialCreditCode
        /// Empty, and the dates nil, for the types that do not ask for them (``RegistrationType/fields``).
        let certificateNo: String
        let qualificationDate: CalendarDate?
        let contractStart: CalendarDate?
        let contractEnd: CalendarDate?
        var enterpriseID = ""
        var provinceCode: UInt32 = 0
        /// What is stored (``ApplicationContent``).
        var content: ApplicationContent {
            ApplicationContent(enterpriseID: enterpriseID, provinceCode: provinceCode, type: type, specialties: specialties.map(\.rawValue),
                               qualificationCertificateNo: certificateNo, qualificationDate: qualificationDate?.description ?? "",
                               contractStart: contractStart?.description ?? "", contractEnd: contractEnd?.description ?? "")
        }
    }

    static func validate(_ d: ApplicationDraft, today: CalendarDate) throws(RegistryError) -> Valid {
        var v = Violations()
        if d.type == nil { v.add("type", .chooseType) }
        var specialties: [Specialty] = []
        for (i, s) in d.specialties.enumerated() {
            guard let sp = Specialty(rawValue: s.trimmed) else {
                v.add("specialties[\(i)]", .notASpecialty, "\(s)", "\(Specialty.allCases.map(\.rawValue).joined(separator: "、"))")
                continue
            }
            if specialties.contains(sp) { v.add("specialties[\(i)]", .listedTwice) } else { specialties.append(sp) }
        }
        if d.specialties.isEmpty && d.type != .cancellation && d.type != .change { v.add("specialties", .chooseSpecialty) }
        let code = v.check("employer_credit_code") { () throws(InvalidValue) in try UnifiedSocialCreditCode(validating: d.employerCreditCode) }
        // Each type asks only for what it needs: a 延续 or 注销 keeps the registration's
        // qualification and contract, a 变更 brings a new contract but the same qualification.
        let needs = d.type.map(RegistrationFields.init) ?? RegistrationFields(.initial)
        var number = "", qualified: CalendarDate?, start: CalendarDate?, end: CalendarDate?
        if needs.qualification {
            number = d.qualificationCertificateNo.trimmed
            if number.isEmpty || number.count > 50 { v.add("qualification_certificate_no", .requiredUpTo, "50") }
            qualified = v.check("qualification_date") { () throws(InvalidValue) in try Self.requiredDate(d.qualificationDate) }
            if let qualified, qualified > today { v.add("qualification_date", .dateInFuture) }
        }
        if needs.contract {
            start = v.check("contract_start") { () throws(InvalidValue) in try Self.requiredDate(d.contractStart) }
            end = v.check("contract_end") { () throws(InvalidValue) in try Self.requiredDate(d.contractEnd) }
            if let start, let end, end <= start { v.add("contract_end", .contractEndBeforeStart) }
            if let end, end < today { v.add("contract_end", .contractEnded) }
        }
        try v.throwIfAny()
        return Valid(type: d.type!, specialties: specialties, creditCode: code!, certificateNo: number, qualificationDate: qualified,
                     contractStart: start, contractEnd: end)
    }

    /// A date the type needs: missing says so, a wrong one says the format.
    static func requiredDate(_ text: String) throws(InvalidValue) -> CalendarDate {
        if text.trimmed.isEmpty { throw InvalidValue(.required) }
        return try date(text)
    }

    static func date(_ text: String) throws(InvalidValue) -> CalendarDate {
        let parts = text.trimmed.split(separator: "-")
        guard parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), parts[0].count == 4,
              let date = CalendarDate(year: y, month: m, day: d) else { throw InvalidValue(.dateFormat) }
        return date
    }

    /// The rules of DOMAIN.md §1.3 that the data can check. Returns `valid` with the employer resolved.
    static func checkRules(_ valid: Valid, individual: String, replacing: String?, today: CalendarDate, rules: RegistrationRules,
                           in tx: any StoreTransaction) throws -> Valid {
        guard let enterprise = try tx.enterprises.authenticated(creditCode: valid.creditCode.rawValue) else {
            throw RegistryError.invalid("employer_credit_code", .noAuthenticatedEnterprise)
        }
        var valid = valid
        valid.enterpriseID = enterprise.id
        valid.provinceCode = enterprise.provinceCode
        // Age: no registration from the 65th birthday on (注销 is always allowed).
        if valid.type != .cancellation, let idNumber = try tx.accounts.individual(id: individual)?.idNumber,
           let id = try? IDNumber(validating: idNumber, today: .distantFuture), today >= id.birthDate.adding(years: ageLimit) {
            throw RegistryError.failedPrecondition(Text(.ageLimit, "\(ageLimit)"))
        }
        // One open application per person.
        if try tx.applications.exists(individualID: individual, in: Self.openStatuses, except: replacing) {
            throw RegistryError.failedPrecondition(Text(.applicationInProgress))
        }
        let registration = try tx.registrations.registration(ofPerson: individual).flatMap { $0.status == .active ? $0 : nil }
        let registeredAt = registration?.enterpriseID
        var held: [Specialty: String] = [:]
        if let registration {
            for s in try tx.registrations.specialties(of: registration.id) {
                if let specialty = Specialty(rawValue: s.specialty) { held[specialty] = s.validUntil }
            }
        }
        // A qualification certificate number belongs to one person: no one else's application
        // (in progress or completed) may carry it.
        if !valid.certificateNo.isEmpty,
           try tx.applications.qualificationNumberUsed(valid.certificateNo, byOtherThan: individual, in: Self.qualificationHoldingStatuses) {
            throw RegistryError.invalid("qualification_certificate_no", .qualificationNumberTaken)
        }
        switch valid.type {
        case .initial, .reRegistration:
            // One employer: someone registered must change or cancel, not register again.
            if registration != nil { throw RegistryError.failedPrecondition(Text(.registeredAlreadyApply, .text(valid.type.textCode))) }
        case .change:
            guard let registeredAt else { throw RegistryError.failedPrecondition(Text(.needsRegistration, .text(.typeChange))) }
            if registeredAt == valid.enterpriseID { throw RegistryError.invalid("employer_credit_code", .changeSameEmployer) }
        case .renewal:
            guard registeredAt != nil else { throw RegistryError.failedPrecondition(Text(.needsRegistration, .text(.typeRenewal))) }
            for s in valid.specialties {
                guard let until = held[s], let end = try? Self.date(until) else {
                    throw RegistryError.invalid("specialties", .specialtyNotRegistered, "\(s.rawValue)")
                }
                let opens = end.adding(days: -rules.renewalOpensDays), closes = end.adding(days: -rules.renewalClosesDays)
                if today < opens {
                    throw RegistryError.failedPrecondition(Text(.renewalNotYetOpen, "\(s.rawValue)", "\(until)", "\(opens)", "\(rules.renewalOpensDays)"))
                }
                if today > closes {
                    throw RegistryError.failedPrecondition(Text(.renewalClosed, "\(s.rawValue)", "\(until)", "\(rules.renewalClosesDays)"))
                }
            }
        case .addSpecialty:
            guard let registeredAt else { throw RegistryError.failedPrecondition(Text(.needsRegistration, .text(.typeAddSpecialty))) }
            if registeredAt != valid.enterpriseID { throw RegistryError.invalid("employer_credit_code", .addSpecialtyCurrentEmployer) }
            for s in valid.specialties where held[s] != nil {
                throw RegistryError.invalid("specialties", .specialtyAlreadyRegistered, "\(s.rawValue)")
            }
        case .cancellation:
            guard registeredAt != nil else { throw RegistryError.failedPrecondition(Text(.needsRegistration, .text(.typeCancellation))) }
        }
        return valid
    }
}
