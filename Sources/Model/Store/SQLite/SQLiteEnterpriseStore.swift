import Crypto
import Foundation
import GRDB

/// `enterprises`, `attachments`, `enterprise_changes`, `enterprise_change_attachments` on SQLite.
struct SQLiteEnterpriseStore: EnterpriseStore {
    let db: Database

    /// The one place a ``Scope`` becomes a condition on `enterprises` (aliased `e`).
    static func visible(to scope: Scope) -> (sql: String, arguments: StatementArguments) {
        switch scope {
        case .nationwide: ("1", [])
        case .province(let code): ("e.province_code = ?", [code.rawValue])
        case .enterprise(let id): ("e.id = ?", [id])
        case .individual, .nothing: ("0", [])
        }
    }

    /// The same rule on `enterprise_changes` (aliased `c`), which carries its enterprise and province.
    static func changeVisible(to scope: Scope) -> (sql: String, arguments: StatementArguments) {
        switch scope {
        case .nationwide: ("1", [])
        case .province(let code): ("c.province_code = ?", [code.rawValue])
        case .enterprise(let id): ("c.enterprise_id = ?", [id])
        case .individual, .nothing: ("0", [])
        }
    }

    func insert(_ e: StoredEnterprise) throws {
        try SQLiteConflicts.mapping([("enterprises.credit_code", .oneLiveEnterprisePerCreditCode)]) {
            try db.execute(sql: """
                INSERT INTO enterprises (id, credit_code, name, province_code, legal_representative, registered_address, status, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [e.id, e.creditCode, e.name, e.provinceCode, e.legalRepresentative, e.registeredAddress, e.status.rawValue, e.createdAt])
        }
    }

    func authenticated(creditCode: String) throws -> (id: String, provinceCode: UInt32)? {
        try Row.fetchOne(db, sql: "SELECT id, province_code FROM enterprises WHERE credit_code = ? AND status = ?",
                         arguments: [creditCode, SignupStatus.authenticated.rawValue]).map { ($0["id"], $0["province_code"]) }
    }

    func name(of id: String) throws -> String? {
        try String.fetchOne(db, sql: "SELECT name FROM enterprises WHERE id = ?", arguments: [id])
    }

    // MARK: Registered information

    func authenticatedEnterprise(_ id: String, visibleTo scope: Scope) throws -> EnterpriseRecord? {
        let visible = Self.visible(to: scope)
        guard let row = try Row.fetchOne(db, sql: "SELECT e.* FROM enterprises e WHERE e.id = ? AND e.status = ? AND \(visible.sql)",
                                         arguments: [id, SignupStatus.authenticated.rawValue] + visible.arguments) else { return nil }
        var fields: [EnterpriseField: String] = [:]
        for f in EnterpriseField.allCases { fields[f] = row[f.column] }
        return EnterpriseRecord(id: row["id"], creditCode: row["credit_code"], provinceCode: row["province_code"], fields: fields)
    }

    func provinceCode(of id: String) throws -> UInt32? {
        try UInt32.fetchOne(db, sql: "SELECT province_code FROM enterprises WHERE id = ?", arguments: [id])
    }

    func update(_ id: String, fields: [EnterpriseField: String]) throws {
        guard !fields.isEmpty else { return }
        // Column names come from the closed enum, never from a request.
        let ordered = fields.sorted { $0.key.rawValue < $1.key.rawValue }
        try db.execute(sql: "UPDATE enterprises SET \(ordered.map { "\($0.key.column) = ?" }.joined(separator: ", ")) WHERE id = ?",
                       arguments: StatementArguments(ordered.map(\.value) + [id]))
    }

    func attachments(of enterpriseID: String) throws -> [AttachmentInfo] {
        try Row.fetchAll(db, sql: "SELECT kind, content_type, size, sha256 FROM attachments WHERE enterprise_id = ? ORDER BY kind",
                         arguments: [enterpriseID]).compactMap(Self.attachmentInfo)
    }

    func attachment(_ kind: AttachmentKind, of enterpriseID: String) throws -> StoredDocument? {
        try Row.fetchOne(db, sql: "SELECT content_type, bytes, sha256 FROM attachments WHERE enterprise_id = ? AND kind = ?",
                         arguments: [enterpriseID, kind.rawValue]).map(Self.document)
    }

    func replaceAttachment(_ kind: AttachmentKind, of enterpriseID: String, id: String, document d: StoredDocument, at: Double) throws {
        try db.execute(sql: "DELETE FROM attachments WHERE enterprise_id = ? AND kind = ?", arguments: [enterpriseID, kind.rawValue])
        try db.execute(sql: """
            INSERT INTO attachments (id, enterprise_id, kind, content_type, size, sha256, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [id, enterpriseID, kind.rawValue, d.contentType, d.bytes.count, Data(d.sha256), Data(d.bytes), at])
    }

    // MARK: Change requests

    func change(_ id: String, visibleTo scope: Scope) throws -> EnterpriseChange? {
        let visible = Self.changeVisible(to: scope)
        return try changes(where: "c.id = ? AND \(visible.sql)", [id] + visible.arguments).first
    }

    func changes(visibleTo scope: Scope, status: EnterpriseChangeStatus?) throws -> [EnterpriseChange] {
        let visible = Self.changeVisible(to: scope)
        guard let status else { return try changes(where: visible.sql, visible.arguments) }
        return try changes(where: "\(visible.sql) AND c.status = ?", visible.arguments + [status.rawValue])
    }

    func changes(where condition: String, _ arguments: StatementArguments) throws -> [EnterpriseChange] {
        try Row.fetchAll(db, sql: """
            SELECT c.*, e.name AS enterprise_name FROM enterprise_changes c JOIN enterprises e ON e.id = c.enterprise_id
            WHERE \(condition) ORDER BY c.requested_at
            """, arguments: arguments).map { row in
            let decoded = (try? JSONDecoder().decode([String: String].self, from: Data((row["changes"] as String).utf8))) ?? [:]
            var changes: [EnterpriseField: String] = [:]
            for (k, v) in decoded { if let f = EnterpriseField(rawValue: k) { changes[f] = v } }
            let attachments = try Row.fetchAll(db, sql: "SELECT kind, content_type, size, sha256 FROM enterprise_change_attachments WHERE change_id = ? ORDER BY kind",
                                               arguments: [row["id"] as String]).compactMap(Self.attachmentInfo)
            return EnterpriseChange(id: row["id"], enterpriseID: row["enterprise_id"], enterpriseName: row["enterprise_name"], changes: changes,
                                    status: row["status"], reason: row["reason"], requestedAt: Date(timeIntervalSince1970: row["requested_at"]),
                                    attachments: attachments)
        }
    }

    func lastDecision(of enterpriseID: String) throws -> (status: EnterpriseChangeStatus, reason: String?)? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT status, reason FROM enterprise_changes WHERE enterprise_id = ? AND status != ?
            ORDER BY decided_at DESC, rowid DESC LIMIT 1
            """, arguments: [enterpriseID, EnterpriseChangeStatus.pending.rawValue]),
              let status = EnterpriseChangeStatus(rawValue: row["status"]) else { return nil }
        return (status, row["reason"])
    }

    func insertChange(id: String, enterpriseID: String, provinceCode: UInt32, changes: [EnterpriseField: String], at: Double) throws {
        let json = String(decoding: try JSONEncoder().encode(Dictionary(uniqueKeysWithValues: changes.map { ($0.key.rawValue, $0.value) })), as: UTF8.self)
        try SQLiteConflicts.mapping([("enterprise_changes.enterprise_id", .onePendingChangePerEnterprise)]) {
            try db.execute(sql: "INSERT INTO enterprise_changes (id, enterprise_id, province_code, changes, status, requested_at) VALUES (?, ?, ?, ?, ?, ?)",
                           arguments: [id, enterpriseID, provinceCode, json, EnterpriseChangeStatus.pending.rawValue, at])
        }
    }

    func setChangeAttachment(_ kind: AttachmentKind, of changeID: String, document d: StoredDocument, at: Double) throws {
        try db.execute(sql: """
            INSERT INTO enterprise_change_attachments (change_id, kind, content_type, size, sha256, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (change_id, kind) DO UPDATE SET content_type = excluded.content_type, size = excluded.size,
                sha256 = excluded.sha256, bytes = excluded.bytes, created_at = excluded.created_at
            """, arguments: [changeID, kind.rawValue, d.contentType, d.bytes.count, Data(d.sha256), Data(d.bytes), at])
    }

    func changeAttachment(_ kind: AttachmentKind, of changeID: String) throws -> StoredDocument? {
        try Row.fetchOne(db, sql: "SELECT content_type, bytes, sha256 FROM enterprise_change_attachments WHERE change_id = ? AND kind = ?",
                         arguments: [changeID, kind.rawValue]).map(Self.document)
    }

    func decideChange(_ id: String, status: EnterpriseChangeStatus, reason: String?, at: Double, by decidedBy: String) throws -> Bool {
        try db.execute(sql: "UPDATE enterprise_changes SET status = ?, reason = ?, decided_at = ?, decided_by = ? WHERE id = ? AND status = ?",
                       arguments: [status.rawValue, reason, at, decidedBy, id, EnterpriseChangeStatus.pending.rawValue])
        return db.changesCount == 1
    }

    // MARK: Rows

    static func attachmentInfo(_ row: Row) -> AttachmentInfo? {
        guard let kind = AttachmentKind(rawValue: row["kind"]) else { return nil }
        return AttachmentInfo(kind: kind, contentType: row["content_type"], size: row["size"], sha256: Digest.hex(Array(row["sha256"] as Data)))
    }

    static func document(_ row: Row) -> StoredDocument {
        StoredDocument(contentType: row["content_type"], bytes: Array(row["bytes"] as Data), sha256: Array(row["sha256"] as Data))
    }
}
