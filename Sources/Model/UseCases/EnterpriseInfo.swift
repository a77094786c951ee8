public import Foundation
import Crypto
import GRDB

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
    let database: RegistryDatabase
    let now: @Sendable () -> Date

    public init(database: RegistryDatabase, now: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.now = now
    }

    /// The caller's own enterprise (enterprise users) or one of its province's (provinces).
    public func profile(of enterpriseID: String?, for caller: Caller) async throws(RegistryError) -> EnterpriseProfile {
        let scope = Scope(caller).enterprisesFilter
        let target: String
        switch caller {
        case .enterpriseUser(let own, _, _): target = own
        case .province, .ministry:
            guard let enterpriseID else { throw .invalid("enterprise_id", .required) }
            target = enterpriseID
        default: throw .forbidden(Text(.enterpriseInfoWho))
        }
        let found = try await database.read { db -> EnterpriseProfile? in
            guard let row = try Row.fetchOne(db, sql: "SELECT e.* FROM enterprises e WHERE e.id = ? AND e.status = 'authenticated' AND \(scope.sql)",
                                             arguments: [target] + scope.arguments) else { return nil }
            var fields: [EnterpriseField: String] = [:]
            for f in EnterpriseField.allCases { fields[f] = row[f.column] }
            let attachments = try Row.fetchAll(db, sql: "SELECT kind, content_type, size, sha256 FROM attachments WHERE enterprise_id = ? ORDER BY kind", arguments: [target]).map {
                AttachmentInfo(kind: AttachmentKind(rawValue: $0["kind"])!, contentType: $0["content_type"], size: $0["size"],
                               sha256: Digest.hex(Array($0["sha256"] as Data)))
            }
            let pending = try Self.changes(db, where: "c.enterprise_id = ? AND c.status = 'pending'", [target]).first
            // The reason shows while the latest decided request is a rejection and none is pending.
            let latest = try Row.fetchOne(db, sql: """
                SELECT status, reason FROM enterprise_changes WHERE enterprise_id = ? AND status != 'pending'
                ORDER BY decided_at DESC, rowid DESC LIMIT 1
                """, arguments: [target])
            let rejection: String? = latest.flatMap { ($0["status"] as String) == "rejected" ? $0["reason"] : nil }
            let showRejection = rejection != nil && pending == nil
            return EnterpriseProfile(id: target, creditCode: row["credit_code"], fields: fields, provinceCode: row["province_code"], attachments: attachments,
                                     pendingChange: pending, lastRejection: showRejection ? rejection : nil)
        }
        guard let found else { throw .notFound(Text(.enterpriseNotFound)) }
        return found
    }

    /// The bytes of one attachment of the caller's enterprise (or of its province's enterprise).
    public func attachment(_ kind: AttachmentKind, of enterpriseID: String?, for caller: Caller) async throws(RegistryError) -> (contentType: String, bytes: [UInt8]) {
        let profile = try await profile(of: enterpriseID, for: caller)
        let id = profile.id
        let found = try await database.read { db in
            try Row.fetchOne(db, sql: "SELECT content_type, bytes FROM attachments WHERE enterprise_id = ? AND kind = ?", arguments: [id, kind.rawValue])
                .map { ($0["content_type"] as String, Array($0["bytes"] as Data)) }
        }
        guard let found else { throw .notFound(Text(.attachmentNotFound, "\(kind.rawValue)")) }
        return (found.0, found.1)
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
                if t.isEmpty { v.add(field.rawValue, .required) } else if t.count > 200 { v.add(field.rawValue, .tooLong, "200") } else { clean[field] = t }
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
        let requested = try await database.write { db -> Bool in
            for (field, value) in immediate {
                try db.execute(sql: "UPDATE enterprises SET \(field.column) = ? WHERE id = ?", arguments: [value, enterprise])
            }
            if !immediate.isEmpty {
                try AuditLog.append(audit.entry(at: now, tenant: "enterprise:\(enterprise)", target: "enterprise:\(enterprise)",
                                                result: "updated \(immediate.keys.map(\.rawValue).sorted().joined(separator: ", "))"), in: db)
            }
            guard !confirmed.isEmpty || !documents.isEmpty else { return false }
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM enterprise_changes WHERE enterprise_id = ? AND status = 'pending'", arguments: [enterprise]) == true {
                throw RegistryError.failedPrecondition(Text(.changeAlreadyPending))
            }
            let province = try UInt32.fetchOne(db, sql: "SELECT province_code FROM enterprises WHERE id = ?", arguments: [enterprise]) ?? 0
            let json = String(decoding: try JSONEncoder().encode(Dictionary(uniqueKeysWithValues: confirmed.map { ($0.key.rawValue, $0.value) })), as: UTF8.self)
            try db.execute(sql: "INSERT INTO enterprise_changes (id, enterprise_id, province_code, changes, status, requested_at) VALUES (?, ?, ?, ?, 'pending', ?)",
                           arguments: [changeID, enterprise, province, json, now.timeIntervalSince1970])
            for document in documents {
                try Self.store(document, change: changeID, now: now, in: db)
            }
            let listed = confirmed.keys.map(\.rawValue).sorted() + documents.map { "attachment:\($0.kind.rawValue)" }
            try AuditLog.append(audit.entry(at: now, tenant: "enterprise:\(enterprise)", target: "enterprise_change:\(changeID)",
                                            result: "change requested: \(listed.joined(separator: ", "))"), in: db)
            return true
        }
        var request: EnterpriseChange?
        if requested {
            request = try await database.read { db in try Self.changes(db, where: "c.id = ?", [changeID]).first }
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
    static func store(_ document: (kind: AttachmentKind, type: String, content: [UInt8]), change: String, now: Date, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO enterprise_change_attachments (change_id, kind, content_type, size, sha256, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (change_id, kind) DO UPDATE SET content_type = excluded.content_type, size = excluded.size,
                sha256 = excluded.sha256, bytes = excluded.bytes, created_at = excluded.created_at
            """, arguments: [change, document.kind.rawValue, document.type, document.content.count, Data(Digest.sha256(document.content)),
                             Data(document.content), now.timeIntervalSince1970])
    }

    /// Attaches a document to the caller's pending change request (right after filing it); a
    /// second document of the same kind replaces the first. Returns the request as it stands.
    public func attach(_ attachment: NewAttachment, toChange changeID: String, by caller: Caller,
                       audit: AuditContext) async throws(RegistryError) -> EnterpriseChange {
        guard case .enterpriseUser(let enterprise, _, _) = caller else { throw .forbidden(Text(.changeAttachmentOnlyEnterprise)) }
        let document = try Self.checked([attachment], single: "attachment")[0]
        let scope = Scope(caller).enterpriseChangesFilter
        let now = self.now()
        return try await database.write { db in
            guard let change = try Self.changes(db, where: "c.id = ? AND \(scope.sql)", [changeID] + scope.arguments).first else {
                throw RegistryError.notFound(Text(.changeNotFound, "\(changeID)"))
            }
            guard change.status == "pending" else {
                throw RegistryError.failedPrecondition(Text(.changeNotPendingAttach, "\(changeID)", .changeStatus(change.status)))
            }
            try Self.store(document, change: changeID, now: now, in: db)
            try AuditLog.append(audit.entry(at: now, tenant: "enterprise:\(enterprise)", target: "enterprise_change:\(changeID)",
                                            result: "attached \(document.kind.rawValue) \(document.content.count) bytes sha256 \(Digest.hex(Digest.sha256(document.content)).prefix(16))"), in: db)
            return try Self.changes(db, where: "c.id = ?", [changeID])[0]
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
        let scope = Scope(caller).enterpriseChangesFilter
        let now = self.now()
        let found: (String, Data, Data)? = try await database.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM enterprise_changes c WHERE c.id = ? AND \(scope.sql)",
                                    arguments: [changeID] + scope.arguments) == true else {
                throw RegistryError.notFound(Text(.changeNotFound, "\(changeID)"))
            }
            guard let row = try Row.fetchOne(db, sql: "SELECT content_type, bytes, sha256 FROM enterprise_change_attachments WHERE change_id = ? AND kind = ?",
                                             arguments: [changeID, kind.rawValue]) else { return nil }
            let sha: Data = row["sha256"]
            if case .province = caller {
                try AuditLog.append(audit.entry(at: now, tenant: caller.principal, target: "enterprise_change:\(changeID) attachment:\(kind.rawValue)",
                                                result: "change attachment viewed sha256 \(Digest.hex(Array(sha)).prefix(16))"), in: db)
            }
            return (row["content_type"], row["bytes"], sha)
        }
        guard let found else { throw .notFound(Text(.changeAttachmentNotFound, "\(changeID)", .text(kind.textCode))) }
        return (found.0, Array(found.1), Digest.hex(Array(found.2)))
    }

    /// Change requests waiting in the caller's province.
    public func pendingChanges(for caller: Caller) async throws(RegistryError) -> [EnterpriseChange] {
        guard case .province = caller else { throw .forbidden(Text(.onlyProvincesDecideChanges)) }
        let scope = Scope(caller).enterpriseChangesFilter
        return try await database.read { db in try Self.changes(db, where: "\(scope.sql) AND c.status = 'pending'", scope.arguments) }
    }

    /// Approves (applies the fields) or rejects (with a reason, shown to the enterprise) a change request of the caller's province.
    public func decide(_ changeID: String, approve: Bool, reason: String, by caller: Caller, audit: AuditContext) async throws(RegistryError) {
        guard case .province = caller else { throw .forbidden(Text(.onlyProvincesDecideChanges)) }
        let scope = Scope(caller).enterpriseChangesFilter
        let why = reason.trimmed
        if !approve && why.isEmpty { throw .invalid("reason", .rejectReasonRequired) }
        let now = self.now()
        try await database.write { db in
            guard let change = try Self.changes(db, where: "c.id = ? AND \(scope.sql)", [changeID] + scope.arguments).first else {
                throw RegistryError.notFound(Text(.changeNotFound, "\(changeID)"))
            }
            guard change.status == "pending" else { throw RegistryError.failedPrecondition(Text(.changeAlreadyDecided, .changeStatus(change.status))) }
            var reissued: [(id: String, version: Int)] = []
            if approve {
                let oldName = try String.fetchOne(db, sql: "SELECT name FROM enterprises WHERE id = ?", arguments: [change.enterpriseID])
                for (field, value) in change.changes {
                    try db.execute(sql: "UPDATE enterprises SET \(field.column) = ? WHERE id = ?", arguments: [value, change.enterpriseID])
                }
                // The employer's name is a certified fact: its people's certificates are re-issued
                // with the new name in this transaction, and the versions with the old name become void.
                if let name = change.changes[.name], name != oldName {
                    reissued = try Certificates.reissue(employerID: change.enterpriseID, at: now, in: db)
                }
                // The documents filed with the request become the enterprise's (a new 营业执照
                // replaces the old one).
                for kind in change.attachments.map(\.kind) {
                    try db.execute(sql: "DELETE FROM attachments WHERE enterprise_id = ? AND kind = ?", arguments: [change.enterpriseID, kind.rawValue])
                    try db.execute(sql: """
                        INSERT INTO attachments (id, enterprise_id, kind, content_type, size, sha256, bytes, created_at)
                        SELECT ?, ?, kind, content_type, size, sha256, bytes, ? FROM enterprise_change_attachments WHERE change_id = ? AND kind = ?
                        """, arguments: [SecureRandom.hex(8), change.enterpriseID, now.timeIntervalSince1970, changeID, kind.rawValue])
                }
            }
            try db.execute(sql: "UPDATE enterprise_changes SET status = ?, reason = ?, decided_at = ?, decided_by = ? WHERE id = ? AND status = 'pending'",
                           arguments: [approve ? "approved" : "rejected", why.isEmpty ? nil : why, now.timeIntervalSince1970, audit.entry(at: now, tenant: "", target: "", result: "").caller, changeID])
            try AuditLog.append(audit.entry(at: now, tenant: caller.principal, target: "enterprise_change:\(changeID)",
                                            result: approve ? "approved" : "rejected: \(why)"), in: db)
            try AuditLog.appendAll(reissued.map { audit.entry(at: now, tenant: "nationwide", target: "certificate:\($0.id)",
                                                              result: "issued version \($0.version) after enterprise_change:\(changeID)") }, in: db)
        }
    }

    static func changes(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> [EnterpriseChange] {
        try Row.fetchAll(db, sql: """
            SELECT c.*, e.name AS enterprise_name FROM enterprise_changes c JOIN enterprises e ON e.id = c.enterprise_id
            WHERE \(condition) ORDER BY c.requested_at
            """, arguments: arguments).map { row in
            let decoded = (try? JSONDecoder().decode([String: String].self, from: Data((row["changes"] as String).utf8))) ?? [:]
            var changes: [EnterpriseField: String] = [:]
            for (k, v) in decoded { if let f = EnterpriseField(rawValue: k) { changes[f] = v } }
            let attachments = try Row.fetchAll(db, sql: "SELECT kind, content_type, size, sha256 FROM enterprise_change_attachments WHERE change_id = ? ORDER BY kind",
                                               arguments: [row["id"] as String]).compactMap { a -> AttachmentInfo? in
                guard let kind = AttachmentKind(rawValue: a["kind"]) else { return nil }
                return AttachmentInfo(kind: kind, contentType: a["content_type"], size: a["size"], sha256: Digest.hex(Array(a["sha256"] as Data)))
            }
            return EnterpriseChange(id: row["id"], enterpriseID: row["enterprise_id"], enterpriseName: row["enterprise_name"], changes: changes,
                                    status: row["status"], reason: row["reason"], requestedAt: Date(timeIntervalSince1970: row["requested_at"]),
                                    attachments: attachments)
        }
    }
}
