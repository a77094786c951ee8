public import Foundation
import Crypto

/// An enterprise's registered information as its users (and its province) see it.
public struct EnterpriseProfile: Sendable, Equatable {
    public var id: String
    public var creditCode: String
    public var fields: [EnterpriseField: String]
    public var provinceCode: UInt32
    public var attachments: [AttachmentInfo]
    public var pendingChange: EnterpriseChange?
    /// The reason of the last rejected change request (shown in red in the seed's UI).
    public var lastRejection: String?
}

public struct AttachmentInfo: Sendable, Equatable {
    public let kind: AttachmentKind
    public let contentType: String
    public let size: Int
    public let sha256: String

    /// For the engines (the store protocols hand these back).
    public init(kind: AttachmentKind, contentType: String, size: Int, sha256: String) {
        self.kind = kind
        self.contentType = contentType
        self.size = size
        self.sha256 = sha256
    }
}

public struct EnterpriseChange: Sendable, Equatable {
    public let id: String
    public let enterpriseID: String
    public let enterpriseName: String
    public let changes: [EnterpriseField: String]
    public let status: String
    public let reason: String?
    public let requestedAt: Date
    /// New documents for the change (a new name needs the new 营业执照); approval replaces the
    /// enterprise's attachment of the same kind.
    public var attachments: [AttachmentInfo] = []

    /// For the engines (the store protocols hand these back).
    public init(id: String, enterpriseID: String, enterpriseName: String, changes: [EnterpriseField: String], status: String, reason: String?,
                requestedAt: Date, attachments: [AttachmentInfo] = []) {
        self.id = id
        self.enterpriseID = enterpriseID
        self.enterpriseName = enterpriseName
        self.changes = changes
        self.status = status
        self.reason = reason
        self.requestedAt = requestedAt
        self.attachments = attachments
    }
}

/// A document filed with a change request: its kind and bytes (image or PDF, checked by content).
public struct NewAttachment: Sendable, Equatable {
    public let kind: AttachmentKind
    public let content: [UInt8]
    public init(kind: AttachmentKind, content: [UInt8]) {
        self.kind = kind
        self.content = content
    }
}

/// The editable fields of an enterprise. Four apply at once; every other needs the province.
public enum EnterpriseField: String, Sendable, CaseIterable, Codable {
    case name, legalRepresentative = "legal_representative", enterpriseType = "enterprise_type",
         economicNature = "economic_nature", registeredAddress = "registered_address",
         correspondenceAddress = "correspondence_address", postcode, contact, contactPhone = "contact_phone",
         qualificationCertificateNo = "qualification_certificate_no", email

    /// 通讯地址, 邮政编码, 联系人, 联系电话 change at once (seed 000 §3.1.5).
    public var appliesAtOnce: Bool {
        switch self {
        case .correspondenceAddress, .postcode, .contact, .contactPhone: true
        default: false
        }
    }

    var column: String { rawValue }
}

/// Enterprise information: view, immediate updates, change requests the province decides.
public final class EnterpriseInfo: Sendable {
    let store: any RegistryStore
    let now: @Sendable () -> Date

    public convenience init(database: RegistryDatabase, now: @escaping @Sendable () -> Date = { Date() }) {
        self.init(store: database.store, now: now)
    }

    /// - Parameter store: the engine (``SQLiteStore`` embedded, or another ``RegistryStore``).
    public init(store: any RegistryStore, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.now = now
    }

    /// The caller's own enterprise (enterprise users) or one of its province's (provinces).
    public func profile(of enterpriseID: String?, for caller: Caller) async throws(RegistryError) -> EnterpriseProfile {
        let scope = Scope(caller)
        let target: String
        switch caller {
        case .enterpriseUser(let own, _, _): target = own
        case .province, .ministry:
            guard let enterpriseID else { throw .invalid("enterprise_id", .required) }
            target = enterpriseID
        default: throw .forbidden(Text(.enterpriseInfoWho))
        }
        let found = try await store.read { tx -> EnterpriseProfile? in
            guard let enterprise = try tx.enterprises.authenticatedEnterprise(target, visibleTo: scope) else { return nil }
            let pending = try tx.enterprises.changes(visibleTo: .enterprise(target), status: .pending).first
            // The reason shows while the latest decided request is a rejection and none is pending.
            let latest = try tx.enterprises.lastDecision(of: target)
            let rejection = latest?.status == .rejected ? latest?.reason : nil
            return EnterpriseProfile(id: target, creditCode: enterprise.creditCode, fields: enterprise.fields, provinceCode: enterprise.provinceCode,
                                     attachments: try tx.enterprises.attachments(of: target), pendingChange: pending,
                                     lastRejection: pending == nil ? rejection : nil)
        }
        guard let found else { throw .notFound(Text(.enterpriseNotFound)) }
        return found
    }

    /// The bytes of one attachment of the caller's enterprise (or of its province's enterprise).
    public func attachment(_ kind: AttachmentKind, of enterpriseID: String?, for caller: Caller) async throws(RegistryError) -> (contentType: String, bytes: [UInt8]) {
        let profile = try await profile(of: enterpriseID, for: caller)
        let id = profile.id
        let found = try await store.read { tx in try tx.enterprises.attachment(kind, of: id) }
        guard let found else { throw .notFound(Text(.attachmentNotFound, "\(kind.rawValue)")) }
        return (found.contentType, found.bytes)
    }

    /// Applies 通讯地址/邮政编码/联系人/联系电话 at once; files every other field as one change
    /// request for the province (FAILED_PRECONDITION while one is pending). Admin or sub-user.
    /// Documents go with the request (`attachments`, at most one per kind): a request may carry
    /// only documents (a renewed 营业执照); approval replaces the enterprise's attachments.
    public func update(_ changes: [EnterpriseField: String], attachments: [NewAttachment] = [], by caller: Caller,
                       audit: AuditContext) async throws(RegistryError) -> (applied: [EnterpriseField], requested: EnterpriseChange?) {
        guard case .enterpriseUser(let enterprise, _, _) = caller else { throw .forbidden(Text(.onlyEnterpriseUsers)) }
        guard !changes.isEmpty || !attachments.isEmpty else { throw .invalid("changes", .nothingToChange) }
        let documents = try Self.checked(attachments)
        var v = Violations()
        var clean: [EnterpriseField: String] = [:]
        for (field, value) in changes {
            let t = value.trimmed
            switch field {
            case .postcode: if v.check(field.rawValue, { () throws(InvalidValue) in try Postcode(validating: t) }) != nil { clean[field] = t }
            case .email: if v.check(field.rawValue, { () throws(InvalidValue) in try EmailAddress(validating: t) }) != nil { clean[field] = t }
            case .contactPhone:
                if EnterpriseSignup.isPhone(t) { clean[field] = t } else { v.add(field.rawValue, .phoneOrLandline) }
            case .name, .legalRepresentative, .registeredAddress:
                if t.isEmpty { v.add(field.rawValue, .required) }
                else if t.count > 200 { v.add(field.rawValue, .tooLong, "200") }
                else if t.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) { v.add(field.rawValue, .controlCharacters) }
                else { clean[field] = t }
            case .enterpriseType, .economicNature, .qualificationCertificateNo:
                // As at sign-up (step 1): at most 50 characters, no control characters.
                if t.count > 50 { v.add(field.rawValue, .tooLong, "50") }
                else if t.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) { v.add(field.rawValue, .controlCharacters) }
                else { clean[field] = t }
            default:
                if t.count > 200 { v.add(field.rawValue, .tooLong, "200") }
                else if t.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) { v.add(field.rawValue, .controlCharacters) }
                else { clean[field] = t }
            }
        }
        try v.throwIfAny()
        let immediate = clean.filter { $0.key.appliesAtOnce }
        let confirmed = clean.filter { !$0.key.appliesAtOnce }
        let now = self.now()
        let changeID = SecureRandom.hex(8)
        let requested = try await store.write { tx -> Bool in
            try tx.enterprises.update(enterprise, fields: immediate)
            if !immediate.isEmpty {
                try tx.audit.append(audit.entry(at: now, tenant: "enterprise:\(enterprise)", target: "enterprise:\(enterprise)",
                                                result: "updated \(immediate.keys.map(\.rawValue).sorted().joined(separator: ", "))"))
            }
            guard !confirmed.isEmpty || !documents.isEmpty else { return false }
            guard try tx.enterprises.changes(visibleTo: .enterprise(enterprise), status: .pending).isEmpty else {
                throw RegistryError.failedPrecondition(Text(.changeAlreadyPending))
            }
            let province = try tx.enterprises.provinceCode(of: enterprise) ?? 0
            do {
                try tx.enterprises.insertChange(id: changeID, enterpriseID: enterprise, provinceCode: province, changes: confirmed, at: now.timeIntervalSince1970)
            } catch let conflict as StoreConflict where conflict.invariant == .onePendingChangePerEnterprise {
                throw RegistryError.failedPrecondition(Text(.changeAlreadyPending))
            }
            for document in documents {
                try Self.store(document, change: changeID, now: now, in: tx.enterprises)
            }
            let listed = confirmed.keys.map(\.rawValue).sorted() + documents.map { "attachment:\($0.kind.rawValue)" }
            try tx.audit.append(audit.entry(at: now, tenant: "enterprise:\(enterprise)", target: "enterprise_change:\(changeID)",
                                            result: "change requested: \(listed.joined(separator: ", "))"))
            return true
        }
        var request: EnterpriseChange?
        if requested {
            request = try await store.read { tx in try tx.enterprises.change(changeID, visibleTo: .nationwide) }
        }
        return (immediate.keys.sorted { $0.rawValue < $1.rawValue }, request)
    }

    /// At most one document per kind (so at most two) on a change request.
    public static let maxChangeAttachments = AttachmentKind.allCases.count

    /// Checks documents by content: a gif/jpg/png/bmp image or a PDF, at most 500 KB (what an
    /// enterprise's attachment may be), one per kind.
    /// - Parameter single: the request field of a single document (`attachment`), else the list's.
    static func checked(_ attachments: [NewAttachment], single: String? = nil) throws(RegistryError) -> [(kind: AttachmentKind, type: String, content: [UInt8])] {
        guard attachments.count <= maxChangeAttachments else { throw .invalid("attachments", .changeAttachmentsTooMany, "\(maxChangeAttachments)") }
        var v = Violations()
        var out: [(kind: AttachmentKind, type: String, content: [UInt8])] = []
        for (i, a) in attachments.enumerated() {
            let prefix = single ?? "attachments[\(i)]"
            let field = "\(prefix).content"
            if attachments[..<i].contains(where: { $0.kind == a.kind }) { v.add("\(prefix).kind", .listedTwice); continue }
            if a.content.isEmpty { v.add(field, .fileEmpty); continue }
            if a.content.count > EnterpriseSignup.maxAttachmentBytes { v.add(field, .imageTooLarge, "\(a.content.count / 1024)"); continue }
            guard let type = EnterpriseSignup.imageType(a.content) ?? (a.content.starts(with: Array("%PDF-".utf8)) ? "application/pdf" : nil) else {
                v.add(field, .documentType)
                continue
            }
            out.append((a.kind, type, a.content))
        }
        try v.throwIfAny()
        return out
    }

    /// Stores (or replaces) the document of its kind on a change request.
    static func store(_ document: (kind: AttachmentKind, type: String, content: [UInt8]), change: String, now: Date,
                      in enterprises: any EnterpriseStore) throws {
        try enterprises.setChangeAttachment(document.kind, of: change, document: StoredDocument(contentType: document.type, bytes: document.content,
                                                                                               sha256: Digest.sha256(document.content)),
                                            at: now.timeIntervalSince1970)
    }

    /// Attaches a document to the caller's pending change request (right after filing it); a
    /// second document of the same kind replaces the first. Returns the request as it stands.
    public func attach(_ attachment: NewAttachment, toChange changeID: String, by caller: Caller,
                       audit: AuditContext) async throws(RegistryError) -> EnterpriseChange {
        guard case .enterpriseUser(let enterprise, _, _) = caller else { throw .forbidden(Text(.changeAttachmentOnlyEnterprise)) }
        let document = try Self.checked([attachment], single: "attachment")[0]
        let scope = Scope(caller)
        let now = self.now()
        return try await store.write { tx in
            guard let change = try tx.enterprises.change(changeID, visibleTo: scope) else {
                throw RegistryError.notFound(Text(.changeNotFound, "\(changeID)"))
            }
            guard change.status == EnterpriseChangeStatus.pending.rawValue else {
                throw RegistryError.failedPrecondition(Text(.changeNotPendingAttach, "\(changeID)", .changeStatus(change.status)))
            }
            try Self.store(document, change: changeID, now: now, in: tx.enterprises)
            try tx.audit.append(audit.entry(at: now, tenant: "enterprise:\(enterprise)", target: "enterprise_change:\(changeID)",
                                            result: "attached \(document.kind.rawValue) \(document.content.count) bytes sha256 \(Digest.hex(Digest.sha256(document.content)).prefix(16))"))
            guard let updated = try tx.enterprises.change(changeID, visibleTo: scope) else { throw RegistryError.notFound(Text(.changeNotFound, "\(changeID)")) }
            return updated
        }
    }

    /// One document of a change request: the province deciding it (its own province only;
    /// audited) or the enterprise that filed it.
    public func changeAttachment(_ kind: AttachmentKind, ofChange changeID: String, for caller: Caller,
                                 audit: AuditContext) async throws(RegistryError) -> (contentType: String, bytes: [UInt8], sha256: String) {
        switch caller {
        case .province, .enterpriseUser, .ministry: break
        default: throw .forbidden(Text(.onlyProvincesDecideChanges))
        }
        let scope = Scope(caller)
        let now = self.now()
        let found: StoredDocument? = try await store.write { tx in
            guard try tx.enterprises.change(changeID, visibleTo: scope) != nil else {
                throw RegistryError.notFound(Text(.changeNotFound, "\(changeID)"))
            }
            guard let document = try tx.enterprises.changeAttachment(kind, of: changeID) else { return nil }
            if case .province = caller {
                try tx.audit.append(audit.entry(at: now, tenant: caller.principal, target: "enterprise_change:\(changeID) attachment:\(kind.rawValue)",
                                                result: "change attachment viewed sha256 \(Digest.hex(document.sha256).prefix(16))"))
            }
            return document
        }
        guard let found else { throw .notFound(Text(.changeAttachmentNotFound, "\(changeID)", .text(kind.textCode))) }
        return (found.contentType, found.bytes, Digest.hex(found.sha256))
    }

    /// Change requests waiting in the caller's province.
    public func pendingChanges(for caller: Caller) async throws(RegistryError) -> [EnterpriseChange] {
        guard case .province = caller else { throw .forbidden(Text(.onlyProvincesDecideChanges)) }
        let scope = Scope(caller)
        return try await store.read { tx in try tx.enterprises.changes(visibleTo: scope, status: .pending) }
    }

    /// Approves (applies the fields) or rejects (with a reason, shown to the enterprise) a change request of the caller's province.
    public func decide(_ changeID: String, approve: Bool, reason: String, by caller: Caller, audit: AuditContext) async throws(RegistryError) {
        guard case .province = caller else { throw .forbidden(Text(.onlyProvincesDecideChanges)) }
        let scope = Scope(caller)
        let why = reason.trimmed
        if !approve && why.isEmpty { throw .invalid("reason", .rejectReasonRequired) }
        let now = self.now()
        try await store.write { tx in
            let enterprises = tx.enterprises
            guard let change = try enterprises.change(changeID, visibleTo: scope) else {
                throw RegistryError.notFound(Text(.changeNotFound, "\(changeID)"))
            }
            guard change.status == EnterpriseChangeStatus.pending.rawValue else {
                throw RegistryError.failedPrecondition(Text(.changeAlreadyDecided, .changeStatus(change.status)))
            }
            var reissued: [(id: String, version: Int)] = []
            if approve {
                let oldName = try enterprises.name(of: change.enterpriseID)
                try enterprises.update(change.enterpriseID, fields: change.changes)
                // The employer's name is a certified fact: its people's certificates are re-issued
                // with the new name in this unit of work, and the versions with the old name become void.
                if let name = change.changes[.name], name != oldName {
                    reissued = try Certificates.reissue(employerID: change.enterpriseID, at: now, in: tx.certificates)
                }
                // The documents filed with the request become the enterprise's (a new 营业执照
                // replaces the old one).
                for kind in change.attachments.map(\.kind) {
                    guard let document = try enterprises.changeAttachment(kind, of: changeID) else { continue }
                    try enterprises.replaceAttachment(kind, of: change.enterpriseID, id: SecureRandom.hex(8), document: document, at: now.timeIntervalSince1970)
                }
            }
            guard try enterprises.decideChange(changeID, status: approve ? .approved : .rejected, reason: why.isEmpty ? nil : why,
                                               at: now.timeIntervalSince1970, by: audit.entry(at: now, tenant: "", target: "", result: "").caller) else {
                throw RegistryError.failedPrecondition(Text(.changeAlreadyDecided, .changeStatus(change.status)))
            }
            try tx.audit.append(audit.entry(at: now, tenant: caller.principal, target: "enterprise_change:\(changeID)",
                                            result: approve ? EnterpriseChangeStatus.approved.rawValue : "rejected: \(why)"))
            try tx.audit.append(reissued.map { audit.entry(at: now, tenant: "nationwide", target: "certificate:\($0.id)",
                                                           result: "issued version \($0.version) after enterprise_change:\(changeID)") })
        }
    }
}
