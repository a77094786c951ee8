// The enterprises-and-sign-ups table group: `enterprises`, `attachments`, `identity_locks`,
// `enterprise_changes`, `enterprise_change_attachments`. The engine implementations own the SQL
// (SQLite: Store/SQLite/). EnterpriseSignup.swift has not moved yet (docs/STORE.md, "Moving").

/// Where a change request of an enterprise stands.
public enum EnterpriseChangeStatus: String, Sendable, Equatable {
    case pending, approved, rejected
}

/// An authenticated enterprise's registered information.
public struct EnterpriseRecord: Sendable, Equatable {
    public var id: String
    public var creditCode: String
    public var provinceCode: UInt32
    public var fields: [EnterpriseField: String]

    /// For the engines (the store protocols hand these back).
    public init(id: String, creditCode: String, provinceCode: UInt32, fields: [EnterpriseField: String]) {
        self.id = id
        self.creditCode = creditCode
        self.provinceCode = provinceCode
        self.fields = fields
    }
}

/// A stored document's bytes.
public struct StoredDocument: Sendable, Equatable {
    public var contentType: String
    public var bytes: [UInt8]
    public var sha256: [UInt8]

    public init(contentType: String, bytes: [UInt8], sha256: [UInt8]) {
        self.contentType = contentType
        self.bytes = bytes
        self.sha256 = sha256
    }
}

/// The identifying facts of an enterprise row (what every sign-up starts with).
public struct StoredEnterprise: Sendable, Equatable {
    public var id: String
    public var creditCode: String
    public var name: String
    public var provinceCode: UInt32
    public var legalRepresentative: String
    public var registeredAddress: String
    public var status: SignupStatus
    public var createdAt: Double

    public init(id: String, creditCode: String, name: String, provinceCode: UInt32, legalRepresentative: String, registeredAddress: String,
                status: SignupStatus, createdAt: Double) {
        self.id = id
        self.creditCode = creditCode
        self.name = name
        self.provinceCode = provinceCode
        self.legalRepresentative = legalRepresentative
        self.registeredAddress = registeredAddress
        self.status = status
        self.createdAt = createdAt
    }
}

/// `enterprises` as other aggregates read it.
///
/// Invariant every engine keeps: one live (``SignupStatus/pending`` or
/// ``SignupStatus/authenticated``) enterprise per credit code (``StoreConflict``,
/// ``StoreInvariant/oneLiveEnterprisePerCreditCode``); drafts and returned sign-ups reserve nothing.
public protocol EnterpriseStore {
    func insert(_ enterprise: StoredEnterprise) throws
    /// The authenticated enterprise with this 统一社会信用代码: its id and province.
    func authenticated(creditCode: String) throws -> (id: String, provinceCode: UInt32)?
    /// The enterprise's name, whatever its status.
    func name(of id: String) throws -> String?

    // Registered information (EnterpriseInfo)
    /// An authenticated enterprise visible to `scope` (an enterprise itself, a province its own,
    /// the ministry all; nobody else any): out of scope is absent.
    func authenticatedEnterprise(_ id: String, visibleTo scope: Scope) throws -> EnterpriseRecord?
    func provinceCode(of id: String) throws -> UInt32?
    func update(_ id: String, fields: [EnterpriseField: String]) throws
    /// Its documents' descriptions, by kind.
    func attachments(of enterpriseID: String) throws -> [AttachmentInfo]
    func attachment(_ kind: AttachmentKind, of enterpriseID: String) throws -> StoredDocument?
    /// Stores the document of its kind, replacing any earlier one.
    func replaceAttachment(_ kind: AttachmentKind, of enterpriseID: String, id: String, document: StoredDocument, at: Double) throws

    // Change requests: visible by the same rule, on the request's own enterprise and province.
    func change(_ id: String, visibleTo scope: Scope) throws -> EnterpriseChange?
    /// Oldest first.
    func changes(visibleTo scope: Scope, status: EnterpriseChangeStatus?) throws -> [EnterpriseChange]
    /// The newest decided request of the enterprise: its status and reason.
    func lastDecision(of enterpriseID: String) throws -> (status: EnterpriseChangeStatus, reason: String?)?
    /// Invariant: one pending request per enterprise (``StoreConflict``, ``StoreInvariant/onePendingChangePerEnterprise``).
    func insertChange(id: String, enterpriseID: String, provinceCode: UInt32, changes: [EnterpriseField: String], at: Double) throws
    /// Stores the document of its kind on a request, replacing any earlier one.
    func setChangeAttachment(_ kind: AttachmentKind, of changeID: String, document: StoredDocument, at: Double) throws
    func changeAttachment(_ kind: AttachmentKind, of changeID: String) throws -> StoredDocument?
    /// Decides a pending request. - Returns: false when it was no longer pending.
    func decideChange(_ id: String, status: EnterpriseChangeStatus, reason: String?, at: Double, by decidedBy: String) throws -> Bool
}
