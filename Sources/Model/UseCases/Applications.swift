public import Foundation
import Crypto
import GRDB

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
    let database: RegistryDatabase
    let now: @Sendable () -> Date
    /// 65th birthday: no registration from then on (DOMAIN.md §1.3).
    public static let ageLimit = 65
    public static let maxBatch = 10_000

    /// Code of 新疆生产建设兵团 (兵 in registration numbers).
    let corpsCode: UInt32
    let rules: RegistrationRules

    public init(database: RegistryDatabase, corpsCode: UInt32 = Province.defaultCorpsCode, rules: RegistrationRules = .init(),
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
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
        try await database.write { db in
            let valid = try Self.checkRules(valid, individual: individual, replacing: nil, today: CalendarDate(now), rules: self.rules, in: db)
            let status = ApplicationRoute.first(valid.type)
            try db.execute(sql: """
                INSERT INTO applications (id, individual_id, enterprise_id, province_code, type, specialties, qualification_certificate_no,
                    qualification_date, contract_start, contract_end, status, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, individual, valid.enterpriseID, valid.provinceCode, valid.type.rawValue, valid.specialtiesText,
                                 valid.certificateNo, valid.qualificationDate?.description ?? "", valid.contractStart?.description ?? "",
                                 valid.contractEnd?.description ?? "", status.rawValue, now.timeIntervalSince1970, now.timeIntervalSince1970])
            try Self.event(db, id, at: now, actor: EventActor(caller, audit, in: db), action: "submitted", from: nil, to: status, reason: nil)
            try AuditLog.append(audit.entry(at: now, tenant: "individual:\(individual)", target: "application:\(id)",
                                            result: "submitted \(valid.type.chineseName) → \(status.rawValue)"), in: db)
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
        let filter = Scope(caller).applicationsFilter
        try await database.write { db in
            guard let status = try String.fetchOne(db, sql: "SELECT a.status FROM applications a WHERE a.id = ? AND \(filter.sql)",
                                                   arguments: [id] + filter.arguments) else {
                throw RegistryError.notFound(Text(.applicationNotFound, "\(id)"))
            }
            guard status == ApplicationStatus.returned.rawValue else {
                throw RegistryError.failedPrecondition(Text(.onlyReturnedResubmit, .status("\(status)")))
            }
            let valid = try Self.checkRules(valid, individual: individual, replacing: id, today: CalendarDate(now), rules: self.rules, in: db)
            let next = ApplicationRoute.first(valid.type)
            try db.execute(sql: """
                UPDATE applications SET enterprise_id = ?, province_code = ?, type = ?, specialties = ?, qualification_certificate_no = ?,
                    qualification_date = ?, contract_start = ?, contract_end = ?, status = ?, return_reason = NULL,
                    version = version + 1, updated_at = ? WHERE id = ?
                """, arguments: [valid.enterpriseID, valid.provinceCode, valid.type.rawValue, valid.specialtiesText, valid.certificateNo,
                                 valid.qualificationDate?.description ?? "", valid.contractStart?.description ?? "", valid.contractEnd?.description ?? "",
                                 next.rawValue, now.timeIntervalSince1970, id])
            try Self.event(db, id, at: now, actor: EventActor(caller, audit, in: db), action: "resubmitted", from: .returned, to: next, reason: nil)
            try AuditLog.append(audit.entry(at: now, tenant: "individual:\(individual)", target: "application:\(id)", result: "resubmitted → \(next.rawValue)"), in: db)
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
        let filter = Scope(caller).applicationsFilter
        let found = try await disclosing(to: caller, audit: audit) { db, disclosure -> (Application?, [String]) in
            guard var app = try Self.fetch(db, where: "a.id = ? AND \(filter.sql)", [id] + filter.arguments, limit: 1, disclosure: disclosure).first else {
                return (nil, [])
            }
            app.events = try Row.fetchAll(db, sql: "SELECT * FROM application_events WHERE application_id = ? ORDER BY id", arguments: [id]).map {
                let actor: String = $0["actor"]
                return ApplicationEvent(at: Date(timeIntervalSince1970: $0["at"]), actor: actor,
                                        actorName: $0["actor_name"] ?? EventActor.fallbackName(principal: actor), action: $0["action"],
                                        from: ($0["from_status"] as String?).flatMap(ApplicationStatus.init(rawValue:)),
                                        to: ApplicationStatus(rawValue: $0["to_status"])!, reason: $0["reason"])
            }
            app.attachments = try Row.fetchAll(db, sql: "SELECT id, kind, content_type, size, sha256 FROM application_attachments WHERE application_id = ? ORDER BY created_at, id",
                                               arguments: [id]).map {
                ApplicationAttachment(id: $0["id"], kind: ApplicationAttachment.Kind(rawValue: $0["kind"]) ?? .other, contentType: $0["content_type"],
                                      size: $0["size"], sha256: Digest.hex(Array($0["sha256"] as Data)))
            }
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
                                 _ body: @escaping @Sendable (Database, Disclosure) throws -> (T, [String])) async throws(RegistryError) -> T {
        guard Disclosure(for: caller, audited: audit) == .full, let audit else {
            return try await database.read { db in try body(db, .masked).0 }
        }
        let now = self.now()
        return try await database.write { db in
            let (value, records) = try body(db, .full)
            try DisclosureAudit.record(audit, kind: "application", records: records, tenant: Self.tenant(caller), at: now, in: db)
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
        let filter = Scope(caller).applicationsFilter
        let now = self.now()
        let attachmentID = SecureRandom.hex(8)
        let digest = Digest.sha256(content)
        return try await database.write { db in
            try Idempotency.once(principal: caller.principal, key: key, method: audit.method,
                                 request: "\(id)\u{1F}\(kind.rawValue)\u{1F}\(Digest.hex(digest))", at: now, in: db) {
                guard let row = try Row.fetchOne(db, sql: "SELECT a.status, a.type FROM applications a WHERE a.id = ? AND \(filter.sql)", arguments: [id] + filter.arguments) else {
                    throw RegistryError.notFound(Text(.applicationNotFound, "\(id)"))
                }
                let status: String = row["status"]
                guard let registrationType = RegistrationType(rawValue: row["type"]),
                      status == ApplicationStatus.returned.rawValue || status == ApplicationRoute.first(registrationType).rawValue else {
                    throw RegistryError.failedPrecondition(Text(.documentsClosed, .status("\(status)")))
                }
                let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM application_attachments WHERE application_id = ?", arguments: [id]) ?? 0
                guard count < 20 else { throw RegistryError.failedPrecondition(Text(.tooManyDocuments, "20")) }
                try db.execute(sql: "INSERT INTO application_attachments (id, application_id, kind, content_type, size, sha256, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                               arguments: [attachmentID, id, kind.rawValue, type, content.count, Data(digest), Data(content), now.timeIntervalSince1970])
                try AuditLog.append(audit.entry(at: now, tenant: "individual:\(person)", target: "application:\(id)",
                                                result: "attached \(kind.rawValue) \(content.count) bytes sha256 \(Digest.hex(digest).prefix(16))"), in: db)
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
        let filter = Scope(caller).applicationsFilter
        let found = try await database.read { db in
            try Row.fetchOne(db, sql: """
                SELECT t.content_type, t.bytes FROM application_attachments t JOIN applications a ON a.id = t.application_id
                WHERE t.id = ? AND a.id = ? AND \(filter.sql)
                """, arguments: [attachmentID, id] + filter.arguments).map { ($0["content_type"] as String, Array($0["bytes"] as Data)) }
        }
        guard let found else { throw .notFound(Text(.attachmentNotFound, "\(attachmentID)")) }
        return (found.0, found.1)
    }

    /// A page of the caller's applications (an enterprise's, a province's, an individual's own), oldest first.
    /// With `audit`, a province or the ministry sees full ID numbers and phones, and the page's
    /// disclosure row is written with the read (``application(_:for:audit:)``).
    public func list(for caller: Caller, _ filter: ApplicationFilter, audit: AuditContext? = nil) async throws(RegistryError) -> Page<Application> {
        let scope = Scope(caller).applicationsFilter
        var conditions = [scope.sql]
        var arguments = scope.arguments
        if !filter.statuses.isEmpty {
            conditions.append("a.status IN (\(filter.statuses.map { _ in "?" }.joined(separator: ",")))")
            arguments += StatementArguments(filter.statuses.map(\.rawValue))
        }
        if let type = filter.type {
            conditions.append("a.type = ?")
            arguments += [type.rawValue]
        }
        if let enterprise = filter.enterpriseID, !enterprise.isEmpty {
            conditions.append("a.enterprise_id = ?")
            arguments += [enterprise]
        }
        if let from = filter.submittedFrom {
            conditions.append("a.created_at >= ?")
            arguments += [from.timeIntervalSince1970]
        }
        if let until = filter.submittedUntil {
            conditions.append("a.created_at < ?")
            arguments += [until.timeIntervalSince1970]
        }
        let counted = conditions
        let countArguments = arguments
        if !filter.pageToken.isEmpty {
            guard let (created, id) = Self.decodeToken(filter.pageToken) else { throw .invalid("page.page_token", .pageToken) }
            conditions.append("(a.created_at, a.id) > (?, ?)")
            arguments += [created, id]
        }
        let size = filter.pageSize == 0 ? 50 : filter.pageSize
        guard (1...500).contains(size) else { throw .invalid("page.page_size", .pageSize) }
        let pageCondition = conditions.joined(separator: " AND ")
        let pageArguments = arguments
        let (page, more, total) = try await disclosing(to: caller, audit: audit) { db, disclosure -> (([Application], Bool, Int), [String]) in
            let items = try Self.fetch(db, where: pageCondition, pageArguments, limit: size + 1, disclosure: disclosure)
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM applications a WHERE \(counted.joined(separator: " AND "))", arguments: countArguments) ?? 0
            let page = Array(items.prefix(size))
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
        let filter = Scope(caller).applicationsFilter
        return try await database.write { db -> [BatchItemResult] in
            try Idempotency.once(principal: caller.principal, key: key, method: audit.method, request: Idempotency.canonical([ids]), at: now, in: db) {
                var results: [BatchItemResult] = []
                results.reserveCapacity(ids.count)
                var auditRows: [AuditEntry] = []
                let select = try db.cachedStatement(sql: "SELECT a.type, a.status FROM applications a WHERE a.id = ? AND \(filter.sql)")
                let update = try db.cachedStatement(sql: "UPDATE applications SET status = ?, version = version + 1, updated_at = ?, reported_at = ? WHERE id = ? AND status = 'awaiting_enterprise'")
                var seen = Set<String>()
                let actor = try EventActor(caller, audit, in: db)
                for id in ids {
                    guard seen.insert(id).inserted else {
                        results.append(.init(applicationID: id, error: .alreadyExists(Text(.listedTwice))))
                        continue
                    }
                    guard let row = try Row.fetchOne(select, arguments: [id] + filter.arguments) else {
                        results.append(.init(applicationID: id, error: .notFound(Text(.applicationNotFound, "\(id)"))))
                        continue
                    }
                    guard row["status"] as String == ApplicationStatus.awaitingEnterprise.rawValue,
                          let type = RegistrationType(rawValue: row["type"]),
                          let next = ApplicationRoute.next(after: .awaitingEnterprise, for: type) else {
                        results.append(.init(applicationID: id, error: .failedPrecondition(Text(.notAwaitingEnterprise, "\(id)", .status(row["status"] as String)))))
                        continue
                    }
                    try update.execute(arguments: [next.rawValue, now.timeIntervalSince1970, now.timeIntervalSince1970, id])
                    try Self.event(db, id, at: now, actor: actor, action: "reported", from: .awaitingEnterprise, to: next, reason: nil)
                    auditRows.append(audit.entry(at: now, tenant: Self.tenant(caller), target: "application:\(id)", result: "reported (batch) → \(next.rawValue)"))
                    results.append(.init(applicationID: id, error: nil))
                }
                try AuditLog.appendAll(auditRows, in: db)
                return results
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
        let filter = Scope(caller).applicationsFilter
        guard case .enterprise(let enterprise) = Scope(caller) else { throw .forbidden(Text(.onlyEnterpriseUsers)) }
        return try await database.read { db in
            var byStatus: [ApplicationStatus: Int] = [:]
            var byType: [RegistrationType: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT a.status, a.type, COUNT(*) AS n FROM applications a WHERE \(filter.sql) GROUP BY a.status, a.type", arguments: filter.arguments) {
                let n: Int = row["n"]
                if let s = ApplicationStatus(rawValue: row["status"]) { byStatus[s, default: 0] += n }
                if let t = RegistrationType(rawValue: row["type"]) { byType[t, default: 0] += n }
            }
            let staff = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM registrations WHERE enterprise_id = ? AND status = 'active'", arguments: [enterprise]) ?? 0
            return EnterpriseHome(pending: byStatus[.awaitingEnterprise] ?? 0, byStatus: byStatus, byType: byType, registeredStaff: staff)
        }
    }

    // MARK: Shared machinery

    /// Moves one application from one of `from` to the status `decide` returns, in one
    /// transaction guarded by the current status (`UPDATE … WHERE status = ?`): of two concurrent
    /// callers exactly one wins; the other gets FAILED_PRECONDITION.
    func transition(_ id: String, by caller: Caller, audit: AuditContext, action: String, from: Set<ApplicationStatus>, refusal: TextCode,
                    decide: @escaping @Sendable (RegistrationType) -> (ApplicationStatus, String?)) async throws(RegistryError) {
        let now = self.now()
        let filter = Scope(caller).applicationsFilter
        try await database.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT a.type, a.status FROM applications a WHERE a.id = ? AND \(filter.sql)",
                                             arguments: [id] + filter.arguments) else {
                throw RegistryError.notFound(Text(.applicationNotFound, "\(id)"))
            }
            let status = ApplicationStatus(rawValue: row["status"])!
            guard from.contains(status), let type = RegistrationType(rawValue: row["type"]) else {
                throw RegistryError.failedPrecondition(Text(refusal, .text(status.textCode)))
            }
            let (next, reason) = decide(type)
            try db.execute(sql: """
                UPDATE applications SET status = ?, return_reason = ?, version = version + 1, updated_at = ?,
                    reported_at = CASE WHEN ? = 'reported' THEN ? ELSE reported_at END
                WHERE id = ? AND status = ?
                """, arguments: [next.rawValue, reason, now.timeIntervalSince1970, action, now.timeIntervalSince1970, id, status.rawValue])
            guard db.changesCount == 1 else { throw RegistryError.conflict(Text(.applicationChanged)) }
            try Self.event(db, id, at: now, actor: EventActor(caller, audit, in: db), action: action, from: status, to: next, reason: reason)
            try AuditLog.append(audit.entry(at: now, tenant: Self.tenant(caller), target: "application:\(id)",
                                            result: "\(action) → \(next.rawValue)\(reason.map { ": \($0)" } ?? "")"), in: db)
        }
    }

    static func event(_ db: Database, _ id: String, at: Date, actor: EventActor, action: String, from: ApplicationStatus?, to: ApplicationStatus, reason: String?) throws {
        try db.cachedStatement(sql: "INSERT INTO application_events (application_id, at, actor, actor_name, action, from_status, to_status, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            .execute(arguments: [id, at.timeIntervalSince1970, actor.principal, actor.name, action, from?.rawValue, to.rawValue, reason])
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

    /// Applications with the applicant's numbers as `disclosure` shows them.
    static func fetch(_ db: Database, where condition: String, _ arguments: StatementArguments, limit: Int, disclosure: Disclosure) throws -> [Application] {
        try Row.fetchAll(db, sql: """
            SELECT a.*, i.name AS applicant_name, i.id_number, i.phone, e.name AS enterprise_name, e.credit_code
            FROM applications a JOIN individuals i ON i.id = a.individual_id JOIN enterprises e ON e.id = a.enterprise_id
            WHERE \(condition) ORDER BY a.created_at, a.id LIMIT \(limit)
            """, arguments: arguments).map { row in
            let idNumber = disclosure.idNumber(row["id_number"])
            let phone = disclosure.phone(row["phone"])
            return Application(
                id: row["id"], individualID: row["individual_id"], applicantName: row["applicant_name"],
                maskedIDNumber: idNumber.masked, idNumber: idNumber.full, maskedPhone: phone.masked, phone: phone.full,
                enterpriseID: row["enterprise_id"], enterpriseName: row["enterprise_name"], enterpriseCreditCode: row["credit_code"],
                provinceCode: row["province_code"], type: RegistrationType(rawValue: row["type"])!,
                specialties: (row["specialties"] as String).split(separator: ",").compactMap { Specialty(rawValue: String($0)) },
                qualificationCertificateNo: row["qualification_certificate_no"], qualificationDate: row["qualification_date"],
                contractStart: row["contract_start"], contractEnd: row["contract_end"],
                status: ApplicationStatus(rawValue: row["status"])!, returnReason: row["return_reason"],
                createdAt: Date(timeIntervalSince1970: row["created_at"]), updatedAt: Date(timeIntervalSince1970: row["updated_at"]), events: [])
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
        var specialtiesText: String { specialties.map(\.rawValue).joined(separator: ",") }
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
    static func checkRules(_ valid: Valid, individual: String, replacing: String?, today: CalendarDate, rules: RegistrationRules, in db: Database) throws -> Valid {
        guard let enterprise = try Row.fetchOne(db, sql: "SELECT id, province_code FROM enterprises WHERE credit_code = ? AND status = 'authenticated'",
                                                arguments: [valid.creditCode.rawValue]) else {
            throw RegistryError.invalid("employer_credit_code", .noAuthenticatedEnterprise)
        }
        var valid = valid
        valid.enterpriseID = enterprise["id"]
        valid.provinceCode = enterprise["province_code"]
        // Age: no registration from the 65th birthday on (注销 is always allowed).
        if valid.type != .cancellation, let idNumber = try String.fetchOne(db, sql: "SELECT id_number FROM individuals WHERE id = ?", arguments: [individual]),
           let id = try? IDNumber(validating: idNumber, today: .distantFuture), today >= id.birthDate.adding(years: ageLimit) {
            throw RegistryError.failedPrecondition(Text(.ageLimit, "\(ageLimit)"))
        }
        // One open application per person.
        if try Bool.fetchOne(db, sql: """
            SELECT 1 FROM applications WHERE individual_id = ? AND id IS NOT ? AND status IN
            ('awaiting_enterprise', 'awaiting_province', 'awaiting_ministry', 'awaiting_announcement', 'returned')
            """, arguments: [individual, replacing]) == true {
            throw RegistryError.failedPrecondition(Text(.applicationInProgress))
        }
        let registration = try Row.fetchOne(db, sql: "SELECT id, enterprise_id FROM registrations WHERE individual_id = ? AND status = 'active'", arguments: [individual])
        let registeredAt: String? = registration?["enterprise_id"]
        var held: [Specialty: String] = [:]
        if let registration {
            for row in try Row.fetchAll(db, sql: "SELECT specialty, valid_until FROM registration_specialties WHERE registration_id = ?", arguments: [registration["id"] as String]) {
                if let s = Specialty(rawValue: row["specialty"]) { held[s] = row["valid_until"] }
            }
        }
        // A qualification certificate number belongs to one person: no one else's application
        // (in progress or completed) may carry it.
        if !valid.certificateNo.isEmpty, try Bool.fetchOne(db, sql: """
            SELECT 1 FROM applications WHERE qualification_certificate_no = ? AND individual_id != ?
                AND status NOT IN ('withdrawn', 'refused', 'rejected') LIMIT 1
            """, arguments: [valid.certificateNo, individual]) == true {
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
