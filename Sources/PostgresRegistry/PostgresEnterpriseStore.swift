internal import Crypto
public import Foundation
public import Model
internal import PostgresStore

/// `enterprises`, `attachments`, `enterprise_changes`, `enterprise_change_attachments` on
/// PostgreSQL, statement by statement as ``SQLiteEnterpriseStore``.
///
/// Serialisation: one live enterprise per credit code and one pending change per enterprise are
/// partial unique indexes; deciding a change is a conditional UPDATE (of two nodes one wins).
struct PostgresEnterpriseStore: EnterpriseStore {
    let tx: PGTransaction

    /// The one place a ``Scope`` becomes a condition on `enterprises` (aliased `e`); its
    /// parameter, when any, is numbered `$first`.
    static func visible(to scope: Scope, first: Int) -> (sql: String, arguments: [PGValue]) {
        switch scope {
        case .nationwide: ("TRUE", [])
        case .province(let code): ("e.province_code = $\(first)", [code.rawValue.pgValue])
        case .enterprise(let id): ("e.id = $\(first)", [.text(id)])
        case .individual, .nothing: ("FALSE", [])
        }
    }

    /// The same rule on `enterprise_changes` (aliased `c`), which carries its enterprise and province.
    static func changeVisible(to scope: Scope, first: Int) -> (sql: String, arguments: [PGValue]) {
        switch scope {
        case .nationwide: ("TRUE", [])
        case .province(let code): ("c.province_code = $\(first)", [code.rawValue.pgValue])
        case .enterprise(let id): ("c.enterprise_id = $\(first)", [.text(id)])
        case .individual, .nothing: ("FALSE", [])
        }
    }

    static let liveCreditCode: [String: StoreInvariant] = ["enterprises_one_live_per_credit_code": .oneLiveEnterprisePerCreditCode]

    func insert(_ e: StoredEnterprise) throws {
        try PostgresConflicts.mapping(Self.liveCreditCode) {
            try tx.execute("""
                INSERT INTO enterprises (id, credit_code, name, province_code, legal_representative, registered_address, status, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """, e.id, e.creditCode, e.name, e.provinceCode, e.legalRepresentative, e.registeredAddress, e.status.rawValue, e.createdAt)
        }
    }

    func authenticated(creditCode: String) throws -> (id: String, provinceCode: UInt32)? {
        try tx.queryOne("SELECT id, province_code FROM enterprises WHERE credit_code = $1 AND status = $2",
                        creditCode, SignupStatus.authenticated.rawValue).map { (try $0.decode(String.self, "id"), try $0.decode(UInt32.self, "province_code")) }
    }

    func name(of id: String) throws -> String? {
        try tx.queryOne("SELECT name FROM enterprises WHERE id = $1", id)?.decode(String.self, at: 0)
    }

    // MARK: Registered information

    func authenticatedEnterprise(_ id: String, visibleTo scope: Scope) throws -> EnterpriseRecord? {
        var p = PGParameters([id, SignupStatus.authenticated.rawValue])
        let visible = p.splice(Self.visible(to: scope, first: p.next))
        guard let row = try tx.query("SELECT e.* FROM enterprises e WHERE e.id = $1 AND e.status = $2 AND \(visible)", parameters: p.values).first
        else { return nil }
        var fields: [EnterpriseField: String] = [:]
        // The column of a field is its raw value (EnterpriseField.column).
        for f in EnterpriseField.allCases { fields[f] = try row.decode(String?.self, f.rawValue) }
        return EnterpriseRecord(id: try row.decode("id"), creditCode: try row.decode("credit_code"), provinceCode: try row.decode("province_code"),
                                fields: fields)
    }

    func provinceCode(of id: String) throws -> UInt32? {
        try tx.queryOne("SELECT province_code FROM enterprises WHERE id = $1", id)?.decode(UInt32.self, at: 0)
    }

    func update(_ id: String, fields: [EnterpriseField: String]) throws {
        guard !fields.isEmpty else { return }
        // Column names come from the closed enum, never from a request.
        let ordered = fields.sorted { $0.key.rawValue < $1.key.rawValue }
        var p = PGParameters()
        let assignments = ordered.map { "\($0.key.rawValue) = \(p.bind($0.value))" }.joined(separator: ", ")
        try tx.execute("UPDATE enterprises SET \(assignments) WHERE id = \(p.bind(id))", parameters: p.values)
    }

    func attachments(of enterpriseID: String) throws -> [AttachmentInfo] {
        try tx.query("SELECT kind, content_type, size, sha256 FROM attachments WHERE enterprise_id = $1 ORDER BY kind", enterpriseID)
            .compactMap(Self.attachmentInfo)
    }

    func attachment(_ kind: AttachmentKind, of enterpriseID: String) throws -> StoredDocument? {
        try tx.queryOne("SELECT content_type, bytes, sha256 FROM attachments WHERE enterprise_id = $1 AND kind = $2", enterpriseID, kind.rawValue)
            .map(Self.document)
    }

    func replaceAttachment(_ kind: AttachmentKind, of enterpriseID: String, id: String, document d: StoredDocument, at: Double) throws {
        try tx.execute("DELETE FROM attachments WHERE enterprise_id = $1 AND kind = $2", enterpriseID, kind.rawValue)
        try tx.execute("""
            INSERT INTO attachments (id, enterprise_id, kind, content_type, size, sha256, bytes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, id, enterpriseID, kind.rawValue, d.contentType, d.bytes.count, d.sha256, d.bytes, at)
    }

    // MARK: Change requests

    func change(_ id: String, visibleTo scope: Scope) throws -> EnterpriseChange? {
        var p = PGParameters([id])
        let visible = p.splice(Self.changeVisible(to: scope, first: p.next))
        return try changes(where: "c.id = $1 AND \(visible)", p.values).first
    }

    func changes(visibleTo scope: Scope, status: EnterpriseChangeStatus?) throws -> [EnterpriseChange] {
        var p = PGParameters()
        let visible = p.splice(Self.changeVisible(to: scope, first: p.next))
        guard let status else { return try changes(where: visible, p.values) }
        return try changes(where: "\(visible) AND c.status = \(p.bind(status.rawValue))", p.values)
    }

    func changes(where condition: String, _ parameters: [PGValue]) throws -> [EnterpriseChange] {
        try tx.query("""
            SELECT c.*, e.name AS enterprise_name FROM enterprise_changes c JOIN enterprises e ON e.id = c.enterprise_id
            WHERE \(condition) ORDER BY c.requested_at
            """, parameters: parameters).map { row in
            let id: String = try row.decode("id")
            let decoded = (try? JSONDecoder().decode([String: String].self, from: Data(try row.decode(String.self, "changes").utf8))) ?? [:]
            var changes: [EnterpriseField: String] = [:]
            for (k, v) in decoded { if let f = EnterpriseField(rawValue: k) { changes[f] = v } }
            let attachments = try tx.query("SELECT kind, content_type, size, sha256 FROM enterprise_change_attachments WHERE change_id = $1 ORDER BY kind", id)
                .compactMap(Self.attachmentInfo)
            return EnterpriseChange(id: id, enterpriseID: try row.decode("enterprise_id"), enterpriseName: try row.decode("enterprise_name"),
                                    changes: changes, status: try row.decode("status"), reason: try row.decode("reason"),
                                    requestedAt: Date(timeIntervalSince1970: try row.decode("requested_at")), attachments: attachments)
        }
    }

    /// SQLite breaks a tie of `decided_at` by `rowid` (insertion order); PostgreSQL has no row
    /// order, so the tie goes to the later request, then the id. NULLS LAST keeps SQLite's place
    /// of a NULL under DESC (a decided request always has its time).
    func lastDecision(of enterpriseID: String) throws -> (status: EnterpriseChangeStatus, reason: String?)? {
        guard let row = try tx.queryOne("""
            SELECT status, reason FROM enterprise_changes WHERE enterprise_id = $1 AND status != $2
            ORDER BY decided_at DESC NULLS LAST, requested_at DESC, id DESC LIMIT 1
            """, enterpriseID, EnterpriseChangeStatus.pending.rawValue),
              let status = EnterpriseChangeStatus(rawValue: try row.decode("status")) else { return nil }
        return (status, try row.decode("reason"))
    }

    func insertChange(id: String, enterpriseID: String, provinceCode: UInt32, changes: [EnterpriseField: String], at: Double) throws {
        let json = String(decoding: try JSONEncoder().encode(Dictionary(uniqueKeysWithValues: changes.map { ($0.key.rawValue, $0.value) })), as: UTF8.self)
        try PostgresConflicts.mapping(["enterprise_changes_one_pending": .onePendingChangePerEnterprise]) {
            try tx.execute("INSERT INTO enterprise_changes (id, enterprise_id, province_code, changes, status, requested_at) VALUES ($1, $2, $3, $4, $5, $6)",
                           id, enterpriseID, provinceCode, json, EnterpriseChangeStatus.pending.rawValue, at)
        }
    }

    func setChangeAttachment(_ kind: AttachmentKind, of changeID: String, document d: StoredDocument, at: Double) throws {
        try tx.execute("""
            INSERT INTO enterprise_change_attachments (change_id, kind, content_type, size, sha256, bytes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (change_id, kind) DO UPDATE SET content_type = excluded.content_type, size = excluded.size,
                sha256 = excluded.sha256, bytes = excluded.bytes, created_at = excluded.created_at
            """, changeID, kind.rawValue, d.contentType, d.bytes.count, d.sha256, d.bytes, at)
    }

    func changeAttachment(_ kind: AttachmentKind, of changeID: String) throws -> StoredDocument? {
        try tx.queryOne("SELECT content_type, bytes, sha256 FROM enterprise_change_attachments WHERE change_id = $1 AND kind = $2", changeID, kind.rawValue)
            .map(Self.document)
    }

    func decideChange(_ id: String, status: EnterpriseChangeStatus, reason: String?, at: Double, by decidedBy: String) throws -> Bool {
        try tx.execute("UPDATE enterprise_changes SET status = $1, reason = $2, decided_at = $3, decided_by = $4 WHERE id = $5 AND status = $6",
                       status.rawValue, reason, at, decidedBy, id, EnterpriseChangeStatus.pending.rawValue) == 1
    }

    // MARK: Rows

    static func attachmentInfo(_ row: PGRow) throws -> AttachmentInfo? {
        guard let kind = AttachmentKind(rawValue: try row.decode("kind")) else { return nil }
        return AttachmentInfo(kind: kind, contentType: try row.decode("content_type"), size: try row.decode("size"),
                              sha256: Digest.hex(try row.decode("sha256")))
    }

    static func document(_ row: PGRow) throws -> StoredDocument {
        StoredDocument(contentType: try row.decode("content_type"), bytes: try row.decode("bytes"), sha256: try row.decode("sha256"))
    }
}
