// The applications-and-documents table group: `applications`, `application_events`,
// `application_attachments`. The engine implementations own the SQL (SQLite: Store/SQLite/).

/// What an applicant filled in, resolved against the employer (written at submission and
/// replaced at resubmission).
public struct ApplicationContent: Sendable, Equatable {
    public var enterpriseID: String
    /// The employer's province when the application was (re)submitted.
    public var provinceCode: UInt32
    public var type: RegistrationType
    /// Specialty names as stored (``Specialty`` raw values), in the applicant's order.
    public var specialties: [String]
    public var qualificationCertificateNo: String
    /// `YYYY-MM-DD`, empty when the type does not ask for it (``RegistrationFields``).
    public var qualificationDate: String
    public var contractStart: String
    public var contractEnd: String

    public init(enterpriseID: String, provinceCode: UInt32, type: RegistrationType, specialties: [String], qualificationCertificateNo: String,
                qualificationDate: String, contractStart: String, contractEnd: String) {
        self.enterpriseID = enterpriseID
        self.provinceCode = provinceCode
        self.type = type
        self.specialties = specialties
        self.qualificationCertificateNo = qualificationCertificateNo
        self.qualificationDate = qualificationDate
        self.contractStart = contractStart
        self.contractEnd = contractEnd
    }
}

/// A row of `applications` as the workflow steps read it.
public struct StoredApplication: Sendable, Equatable {
    public var id: String
    public var individualID: String
    public var content: ApplicationContent
    public var status: ApplicationStatus
    public var returnReason: String?
    /// Seconds since 1970 (the list's order and page cursor).
    public var createdAt: Double
    public var updatedAt: Double
    /// Set by the ministry's approval.
    public var registrationNumber: String?
    /// The employer's province as it stands (where a registration number is allocated).
    public var employerProvinceCode: UInt32

    public init(id: String, individualID: String, content: ApplicationContent, status: ApplicationStatus, returnReason: String? = nil,
                createdAt: Double, updatedAt: Double, registrationNumber: String? = nil, employerProvinceCode: UInt32) {
        self.id = id
        self.individualID = individualID
        self.content = content
        self.status = status
        self.returnReason = returnReason
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.registrationNumber = registrationNumber
        self.employerProvinceCode = employerProvinceCode
    }
}

/// An application with the applicant's and employer's facts a reader sees (the numbers in full:
/// the use case masks them through ``Disclosure``).
public struct ApplicationRecord: Sendable, Equatable {
    public var application: StoredApplication
    public var applicantName: String
    public var idNumber: String
    public var phone: String
    public var enterpriseName: String
    public var enterpriseCreditCode: String

    /// For the engines (the store protocols hand these back).
    public init(application: StoredApplication, applicantName: String, idNumber: String, phone: String, enterpriseName: String, enterpriseCreditCode: String) {
        self.application = application
        self.applicantName = applicantName
        self.idNumber = idNumber
        self.phone = phone
        self.enterpriseName = enterpriseName
        self.enterpriseCreditCode = enterpriseCreditCode
    }
}

/// Which applications a list or count takes (all conditions together; empty means any).
public struct ApplicationQuery: Sendable, Equatable {
    public var statuses: [ApplicationStatus] = []
    public var type: RegistrationType?
    public var enterpriseID: String?
    /// Seconds since 1970: submitted at or after / before.
    public var submittedFrom: Double?
    public var submittedUntil: Double?

    public init(statuses: [ApplicationStatus] = [], type: RegistrationType? = nil, enterpriseID: String? = nil,
                submittedFrom: Double? = nil, submittedUntil: Double? = nil) {
        self.statuses = statuses
        self.type = type
        self.enterpriseID = enterpriseID
        self.submittedFrom = submittedFrom
        self.submittedUntil = submittedUntil
    }
}

/// Where a list page starts: after this (created, id), the list's order.
public struct ApplicationCursor: Sendable, Equatable {
    public var createdAt: Double
    public var id: String

    public init(createdAt: Double, id: String) {
        self.createdAt = createdAt
        self.id = id
    }
}

/// Which time a status change stamps besides `updated_at`.
public enum ApplicationMilestone: Sendable {
    /// The enterprise's 上报 (`reported_at`).
    case reported
    /// The ministry's decision (`decided_at`).
    case decided
}

/// One status move of a batch (``ApplicationStore/move(_:at:milestone:)``): `id` from `from` to
/// `to`, with the return reason (nil clears it) and the registration number (nil keeps it).
public struct ApplicationMove: Sendable, Equatable {
    public var id: String
    public var from: ApplicationStatus
    public var to: ApplicationStatus
    public var reason: String?
    public var registrationNumber: String?

    public init(id: String, from: ApplicationStatus, to: ApplicationStatus, reason: String? = nil, registrationNumber: String? = nil) {
        self.id = id
        self.from = from
        self.to = to
        self.reason = reason
        self.registrationNumber = registrationNumber
    }
}

/// One line of an application's history.
public struct NewApplicationEvent: Sendable, Equatable {
    public var applicationID: String
    public var at: Double
    public var actorPrincipal: String
    public var actorName: String
    public var action: String
    public var from: ApplicationStatus?
    public var to: ApplicationStatus
    public var reason: String?

    public init(applicationID: String, at: Double, actorPrincipal: String, actorName: String, action: String, from: ApplicationStatus?,
                to: ApplicationStatus, reason: String?) {
        self.applicationID = applicationID
        self.at = at
        self.actorPrincipal = actorPrincipal
        self.actorName = actorName
        self.action = action
        self.from = from
        self.to = to
        self.reason = reason
    }
}

/// A stored document of an application.
public struct NewApplicationAttachment: Sendable, Equatable {
    public var id: String
    public var applicationID: String
    public var kind: ApplicationAttachment.Kind
    public var contentType: String
    public var sha256: [UInt8]
    public var bytes: [UInt8]
    public var createdAt: Double

    public init(id: String, applicationID: String, kind: ApplicationAttachment.Kind, contentType: String, sha256: [UInt8], bytes: [UInt8], createdAt: Double) {
        self.id = id
        self.applicationID = applicationID
        self.kind = kind
        self.contentType = contentType
        self.sha256 = sha256
        self.bytes = bytes
        self.createdAt = createdAt
    }
}

/// `applications`, `application_events`, `application_attachments`.
///
/// Applications are visible by one rule (``Scope``: an individual their own, an enterprise its
/// employees', a province those filed in it, the ministry all, nobody else any): an out-of-scope
/// application answers nil (or is left out), exactly like an absent one. Events and attachments
/// are read through an application the caller could already see.
///
/// Invariant every engine keeps in its schema: at most one open application per person
/// (``ApplicationStatus/isOpen``); ``insert(id:individualID:content:status:at:)`` and
/// ``resubmit(_:content:status:at:)`` throw ``StoreConflict`` (``StoreInvariant/oneOpenApplicationPerPerson``).
public protocol ApplicationStore {
    /// The status and type of one application (the cheap read each workflow step starts with).
    func state(of id: String, visibleTo scope: Scope) throws -> (type: RegistrationType, status: ApplicationStatus)?
    func application(_ id: String, visibleTo scope: Scope) throws -> StoredApplication?

    // Batches (a report or a decision of up to 10,000): one read for all items, one write per
    // kind of change, so an engine reached over a network makes a few round trips per batch, not
    // several per item. The use case checks its rules on what the read gave back, then writes
    // only the items that passed; nothing here fails for one item alone.

    /// ``state(of:visibleTo:)`` of each of `ids`, by id; an absent or out-of-scope one is left out.
    func states(of ids: [String], visibleTo scope: Scope) throws -> [String: (type: RegistrationType, status: ApplicationStatus)]
    /// ``application(_:visibleTo:)`` of each of `ids`, by id, each held to the end of the unit of
    /// work: an engine with concurrent writers locks the rows (in id order, so two batches never
    /// deadlock), so the statuses read here are still the statuses when this unit of work writes
    /// (SQLite: the single writer). Only in a write unit of work.
    func holding(_ ids: [String], visibleTo scope: Scope) throws -> [String: StoredApplication]
    /// With the applicant's and employer's facts.
    func record(_ id: String, visibleTo scope: Scope) throws -> ApplicationRecord?
    /// A page in (created, id) order, starting after `cursor`.
    func records(matching query: ApplicationQuery, visibleTo scope: Scope, after cursor: ApplicationCursor?, limit: Int) throws -> [ApplicationRecord]
    func count(matching query: ApplicationQuery, visibleTo scope: Scope) throws -> Int
    /// Counts by (status, type).
    func counts(visibleTo scope: Scope) throws -> [(status: ApplicationStatus, type: RegistrationType, count: Int)]
    /// Applications waiting for the 公告, in decision order, with the names the 公告 prints.
    func awaitingAnnouncement() throws -> [ApplicationRecord]

    /// True when `individualID` has an application in one of `statuses` (other than `except`).
    func exists(individualID: String, in statuses: Set<ApplicationStatus>, except: String?) throws -> Bool
    /// True when someone other than `individualID` has an application in one of `statuses`
    /// carrying the qualification certificate number `number`.
    func qualificationNumberUsed(_ number: String, byOtherThan individualID: String, in statuses: Set<ApplicationStatus>) throws -> Bool

    func insert(id: String, individualID: String, content: ApplicationContent, status: ApplicationStatus, at: Double) throws
    /// The applicant's new content and first status (return reason cleared).
    func resubmit(_ id: String, content: ApplicationContent, status: ApplicationStatus, at: Double) throws
    /// Moves `id` from `from` to `to` only if it is still in `from` (of two concurrent callers one
    /// wins). Sets the return reason to `reason` (nil clears it), stamps `milestone`, and records
    /// `registrationNumber` when given.
    /// - Returns: false when the application was no longer in `from`.
    func move(_ id: String, from: ApplicationStatus, to: ApplicationStatus, reason: String?, at: Double,
              milestone: ApplicationMilestone?, registrationNumber: String?) throws -> Bool

    /// ``move(_:from:to:reason:at:milestone:registrationNumber:)`` for each of `moves`, all
    /// stamped `at` and `milestone`; each moves only if it is still in its `from`.
    /// - Returns: the ids that moved (one that was no longer in its `from` is not among them).
    func move(_ moves: [ApplicationMove], at: Double, milestone: ApplicationMilestone?) throws -> Set<String>

    func appendEvent(_ event: NewApplicationEvent) throws
    /// Many history lines at once (a batch's), in order.
    func appendEvents(_ events: [NewApplicationEvent]) throws
    /// The history, oldest first.
    func events(of id: String) throws -> [ApplicationEvent]

    func attachments(of id: String) throws -> [ApplicationAttachment]
    func attachmentCount(of id: String) throws -> Int
    func insertAttachment(_ attachment: NewApplicationAttachment) throws
    /// The bytes of an attachment of an application visible to `scope`.
    func attachmentContent(_ attachmentID: String, of id: String, visibleTo scope: Scope) throws -> (contentType: String, bytes: [UInt8])?
}

/// A write the schema refused because it would break one of the invariants the stores
/// promise (engine-neutral: SQLite's UNIQUE failures, PostgreSQL's 23505). Use cases map it to
/// their ``RegistryError`` where the rule is theirs to explain.
///
/// On an engine where a failed statement spoils the transaction (PostgreSQL), a caller that
/// wants to carry on after catching it runs the write in ``StoreTransaction/savepoint(_:)``.
public struct StoreConflict: Error, Sendable, Equatable {
    public let invariant: StoreInvariant

    public init(_ invariant: StoreInvariant) {
        self.invariant = invariant
    }
}

/// The schema's invariants a ``StoreConflict`` names.
public enum StoreInvariant: String, Sendable, Equatable {
    case oneOpenApplicationPerPerson
    case oneRegistrationPerPerson
    case uniqueRegistrationNumber
    case oneValidCertificatePerRegistration
    case uniqueCertificateVersion
    case uniqueAnnouncementNumber
    case oneAnnouncementPerApplication
    case oneLiveEnterprisePerCreditCode
    case onePendingChangePerEnterprise
    /// An identity lock authenticates once, ever.
    case lockUsedOnce
    /// Any other unique key (a duplicate id).
    case uniqueKey
}
