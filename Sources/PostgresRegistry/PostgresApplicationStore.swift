internal import Crypto
public import Foundation
public import Model
internal import PostgresStore

/// `applications`, `application_events`, `application_attachments` on PostgreSQL, statement
/// by statement as ``SQLiteApplicationStore`` (prepared statements are cached per connection).
///
/// Serialisation: the one-open-application rule is the partial unique index
/// `applications_one_open_per_person`; a status move is a conditional UPDATE (of two nodes one
/// wins). ``qualificationNumberUsed(_:byOtherThan:in:)`` is a read-then-insert rule with no
/// index behind it, so it first takes a transaction advisory lock on the number: two nodes
/// submitting the same 资格证书编号 at once take turns, as under SQLite's single writer.
struct PostgresApplicationStore: ApplicationStore {
    let tx: PGTransaction

    /// The one place a ``Scope`` becomes a condition on `applications` (aliased `a`); its
    /// parameter, when any, is numbered `$first`.
    static func visible(to scope: Scope, first: Int) -> (sql: String, arguments: [PGValue]) {
        switch scope {
        case .nationwide: ("TRUE", [])
        case .province(let code): ("a.province_code = $\(first)", [code.rawValue.pgValue])
        case .enterprise(let id): ("a.enterprise_id = $\(first)", [.text(id)])
        case .individual(let id): ("a.individual_id = $\(first)", [.text(id)])
        case .nothing: ("FALSE", [])
        }
    }

    static let conflicts: [String: StoreInvariant] = ["applications_one_open_per_person": .oneOpenApplicationPerPerson]

    func state(of id: String, visibleTo scope: Scope) throws -> (type: RegistrationType, status: ApplicationStatus)? {
        var p = PGParameters([id])
        let visible = p.splice(Self.visible(to: scope, first: p.next))
        guard let row = try tx.query("SELECT a.type, a.status FROM applications a WHERE a.id = $1 AND \(visible)", parameters: p.values).first,
              let type = RegistrationType(rawValue: try row.decode(at: 0)), let status = ApplicationStatus(rawValue: try row.decode(at: 1)) else { return nil }
        return (type, status)
    }

    func application(_ id: String, visibleTo scope: Scope) throws -> StoredApplication? {
        var p = PGParameters([id])
        let visible = p.splice(Self.visible(to: scope, first: p.next))
        return try tx.query("""
            SELECT a.*, e.province_code AS employer_province FROM applications a JOIN enterprises e ON e.id = a.enterprise_id
            WHERE a.id = $1 AND \(visible)
            """, parameters: p.values).first.map(Self.application)
    }

    // Batches: one statement for all items (``PGRowSet``, `= ANY($1::text[])`), not one per item.

    func states(of ids: [String], visibleTo scope: Scope) throws -> [String: (type: RegistrationType, status: ApplicationStatus)] {
        guard !ids.isEmpty else { return [:] }
        var p = PGParameters([PGRowSet.array(ids)])
        let visible = p.splice(Self.visible(to: scope, first: p.next))
        var found: [String: (type: RegistrationType, status: ApplicationStatus)] = [:]
        for row in try tx.query("SELECT a.id, a.type, a.status FROM applications a WHERE a.id = ANY($1::text[]) AND \(visible)", parameters: p.values) {
            guard let type = RegistrationType(rawValue: try row.decode(at: 1)), let status = ApplicationStatus(rawValue: try row.decode(at: 2)) else { continue }
            found[try row.decode(at: 0)] = (type, status)
        }
        return found
    }

    /// `FOR UPDATE OF a` in id order: a second batch (or node) deciding some of the same
    /// applications waits at its own read and then sees the statuses this one wrote.
    func holding(_ ids: [String], visibleTo scope: Scope) throws -> [String: StoredApplication] {
        guard !ids.isEmpty else { return [:] }
        var p = PGParameters([PGRowSet.array(ids)])
        let visible = p.splice(Self.visible(to: scope, first: p.next))
        let rows = try tx.query("""
            SELECT a.*, e.province_code AS employer_province FROM applications a JOIN enterprises e ON e.id = a.enterprise_id
            WHERE a.id = ANY($1::text[]) AND \(visible) ORDER BY a.id FOR UPDATE OF a
            """, parameters: p.values)
        var found: [String: StoredApplication] = [:]
        for row in rows {
            let application = try Self.application(row)
            found[application.id] = application
        }
        return found
    }

    static let recordColumns = """
        SELECT a.*, e.province_code AS employer_province, i.name AS applicant_name, i.id_number, i.phone,
               e.name AS enterprise_name, e.credit_code
        FROM applications a JOIN individuals i ON i.id = a.individual_id JOIN enterprises e ON e.id = a.enterprise_id
        """

    func record(_ id: String, visibleTo scope: Scope) throws -> ApplicationRecord? {
        var p = PGParameters([id])
        let visible = p.splice(Self.visible(to: scope, first: p.next))
        return try tx.query("\(Self.recordColumns) WHERE a.id = $1 AND \(visible)", parameters: p.values).first.map(Self.record)
    }

    /// The conditions of `query` within `scope` (on `a`), their parameters bound in `p`.
    static func conditions(_ query: ApplicationQuery, _ scope: Scope, _ p: inout PGParameters) -> [String] {
        var conditions = [p.splice(visible(to: scope, first: p.next))]
        if !query.statuses.isEmpty {
            conditions.append("a.status IN (\(p.list(query.statuses.map(\.rawValue))))")
        }
        if let type = query.type {
            conditions.append("a.type = \(p.bind(type.rawValue))")
        }
        if let enterprise = query.enterpriseID, !enterprise.isEmpty {
            conditions.append("a.enterprise_id = \(p.bind(enterprise))")
        }
        if let from = query.submittedFrom {
            conditions.append("a.created_at >= \(p.bind(from))")
        }
        if let until = query.submittedUntil {
            conditions.append("a.created_at < \(p.bind(until))")
        }
        return conditions
    }

    func records(matching query: ApplicationQuery, visibleTo scope: Scope, after cursor: ApplicationCursor?, limit: Int) throws -> [ApplicationRecord] {
        var p = PGParameters()
        var conditions = Self.conditions(query, scope, &p)
        if let cursor {
            conditions.append("(a.created_at, a.id) > (\(p.bind(cursor.createdAt)), \(p.bind(cursor.id)))")
        }
        let limit = p.bind(limit)
        return try tx.query("\(Self.recordColumns) WHERE \(conditions.joined(separator: " AND ")) ORDER BY a.created_at, a.id LIMIT \(limit)",
                            parameters: p.values).map(Self.record)
    }

    func count(matching query: ApplicationQuery, visibleTo scope: Scope) throws -> Int {
        var p = PGParameters()
        let conditions = Self.conditions(query, scope, &p)
        return try tx.query("SELECT COUNT(*) FROM applications a WHERE \(conditions.joined(separator: " AND "))", parameters: p.values)
            .first?.decode(Int.self, at: 0) ?? 0
    }

    func counts(visibleTo scope: Scope) throws -> [(status: ApplicationStatus, type: RegistrationType, count: Int)] {
        let visible = Self.visible(to: scope, first: 1)
        return try tx.query("SELECT a.status, a.type, COUNT(*) AS n FROM applications a WHERE \(visible.sql) GROUP BY a.status, a.type",
                            parameters: visible.arguments).compactMap { row in
            guard let status = ApplicationStatus(rawValue: try row.decode("status")), let type = RegistrationType(rawValue: try row.decode("type")) else { return nil }
            return (status, type, try row.decode(Int.self, "n"))
        }
    }

    func awaitingAnnouncement() throws -> [ApplicationRecord] {
        // NULLS FIRST: SQLite's order of a NULL decided_at (none is expected in this status).
        try tx.query("\(Self.recordColumns) WHERE a.status = $1 ORDER BY a.decided_at NULLS FIRST, a.id",
                     ApplicationStatus.awaitingAnnouncement.rawValue).map(Self.record)
    }

    func exists(individualID: String, in statuses: Set<ApplicationStatus>, except: String?) throws -> Bool {
        guard !statuses.isEmpty else { return false }
        var p = PGParameters([individualID, except])
        let list = p.list(statuses.map(\.rawValue).sorted())
        return try tx.query("SELECT 1 FROM applications WHERE individual_id = $1 AND id IS DISTINCT FROM $2 AND status IN (\(list)) LIMIT 1",
                            parameters: p.values).first != nil
    }

    /// Takes the number's advisory lock first (held to the end of the unit of work), so the
    /// insert that follows a "not used" answer cannot race another node's.
    func qualificationNumberUsed(_ number: String, byOtherThan individualID: String, in statuses: Set<ApplicationStatus>) throws -> Bool {
        guard !statuses.isEmpty else { return false }
        _ = try tx.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", "jzs-qualification\u{1F}" + number)
        var p = PGParameters([number, individualID])
        let list = p.list(statuses.map(\.rawValue).sorted())
        return try tx.query("""
            SELECT 1 FROM applications WHERE qualification_certificate_no = $1 AND individual_id != $2 AND status IN (\(list)) LIMIT 1
            """, parameters: p.values).first != nil
    }

    func insert(id: String, individualID: String, content c: ApplicationContent, status: ApplicationStatus, at: Double) throws {
        try PostgresConflicts.mapping(Self.conflicts) {
            try tx.execute("""
                INSERT INTO applications (id, individual_id, enterprise_id, province_code, type, specialties, qualification_certificate_no,
                    qualification_date, contract_start, contract_end, status, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                """, id, individualID, c.enterpriseID, c.provinceCode, c.type.rawValue, c.specialties.joined(separator: ","),
                           c.qualificationCertificateNo, c.qualificationDate, c.contractStart, c.contractEnd, status.rawValue, at, at)
        }
    }

    func resubmit(_ id: String, content c: ApplicationContent, status: ApplicationStatus, at: Double) throws {
        try PostgresConflicts.mapping(Self.conflicts) {
            try tx.execute("""
                UPDATE applications SET enterprise_id = $1, province_code = $2, type = $3, specialties = $4, qualification_certificate_no = $5,
                    qualification_date = $6, contract_start = $7, contract_end = $8, status = $9, return_reason = NULL,
                    version = version + 1, updated_at = $10 WHERE id = $11
                """, c.enterpriseID, c.provinceCode, c.type.rawValue, c.specialties.joined(separator: ","), c.qualificationCertificateNo,
                           c.qualificationDate, c.contractStart, c.contractEnd, status.rawValue, at, id)
        }
    }

    func move(_ id: String, from: ApplicationStatus, to: ApplicationStatus, reason: String?, at: Double,
              milestone: ApplicationMilestone?, registrationNumber: String?) throws -> Bool {
        // The milestone and number parameters are cast, so a NULL one has a type.
        let changed = try PostgresConflicts.mapping(Self.conflicts) {
            try tx.execute("""
                UPDATE applications SET status = $1, return_reason = $2::text, version = version + 1, updated_at = $3,
                    reported_at = COALESCE($4::double precision, reported_at), decided_at = COALESCE($5::double precision, decided_at),
                    registration_number = COALESCE($6::text, registration_number)
                WHERE id = $7 AND status = $8
                """, to.rawValue, reason, at, milestone == .reported ? at : nil, milestone == .decided ? at : nil,
                           registrationNumber, id, from.rawValue)
        }
        return changed == 1
    }

    func move(_ moves: [ApplicationMove], at: Double, milestone: ApplicationMilestone?) throws -> Set<String> {
        guard !moves.isEmpty else { return [] }
        var rows = PGRowSet(["id": "text", "from_status": "text", "to_status": "text", "reason": "text", "number": "text"])
        for m in moves { rows.append(m.id, m.from.rawValue, m.to.rawValue, m.reason, m.registrationNumber) }
        let n = rows.columns.count
        let moved = try PostgresConflicts.mapping(Self.conflicts) {
            try tx.query("""
                UPDATE applications a SET status = v.to_status, return_reason = v.reason, version = a.version + 1, updated_at = $\(n + 1),
                    reported_at = COALESCE($\(n + 2)::double precision, a.reported_at), decided_at = COALESCE($\(n + 3)::double precision, a.decided_at),
                    registration_number = COALESCE(v.number, a.registration_number)
                FROM \(rows.table("v")) WHERE a.id = v.id AND a.status = v.from_status
                RETURNING a.id
                """, parameters: rows.parameters + [at.pgValue, (milestone == .reported ? at : nil).pgValue, (milestone == .decided ? at : nil).pgValue])
        }
        return Set(try moved.map { try $0.decode(String.self, at: 0) })
    }

    func appendEvents(_ events: [NewApplicationEvent]) throws {
        guard !events.isEmpty else { return }
        var rows = PGRowSet(["application_id": "text", "at": "float8", "actor": "text", "actor_name": "text", "action": "text",
                             "from_status": "text", "to_status": "text", "reason": "text"])
        for e in events { rows.append(e.applicationID, e.at, e.actorPrincipal, e.actorName, e.action, e.from?.rawValue, e.to.rawValue, e.reason) }
        try tx.execute("""
            INSERT INTO application_events (application_id, at, actor, actor_name, action, from_status, to_status, reason)
            SELECT application_id, at, actor, actor_name, action, from_status, to_status, reason FROM \(rows.table("v"))
            """, parameters: rows.parameters)
    }

    func appendEvent(_ e: NewApplicationEvent) throws {
        try tx.execute("""
            INSERT INTO application_events (application_id, at, actor, actor_name, action, from_status, to_status, reason)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, e.applicationID, e.at, e.actorPrincipal, e.actorName, e.action, e.from?.rawValue, e.to.rawValue, e.reason)
    }

    func events(of id: String) throws -> [ApplicationEvent] {
        try tx.query("SELECT * FROM application_events WHERE application_id = $1 ORDER BY id", id).compactMap { row in
            let actor: String = try row.decode("actor")
            guard let to = ApplicationStatus(rawValue: try row.decode("to_status")) else { return nil }
            return ApplicationEvent(at: Date(timeIntervalSince1970: try row.decode("at")), actor: actor,
                                    actorName: try row.decode(String?.self, "actor_name") ?? ApplicationEvent.fallbackActorName(principal: actor),
                                    action: try row.decode("action"),
                                    from: try row.decode(String?.self, "from_status").flatMap(ApplicationStatus.init(rawValue:)), to: to,
                                    reason: try row.decode("reason"))
        }
    }

    func attachments(of id: String) throws -> [ApplicationAttachment] {
        try tx.query("SELECT id, kind, content_type, size, sha256 FROM application_attachments WHERE application_id = $1 ORDER BY created_at, id", id).map {
            ApplicationAttachment(id: try $0.decode("id"), kind: ApplicationAttachment.Kind(rawValue: try $0.decode("kind")) ?? .other,
                                  contentType: try $0.decode("content_type"), size: try $0.decode("size"),
                                  sha256: Digest.hex(try $0.decode([UInt8].self, "sha256")))
        }
    }

    func attachmentCount(of id: String) throws -> Int {
        try tx.queryOne("SELECT COUNT(*) FROM application_attachments WHERE application_id = $1", id)?.decode(Int.self, at: 0) ?? 0
    }

    func insertAttachment(_ a: NewApplicationAttachment) throws {
        try PostgresConflicts.mapping([:]) {
            try tx.execute("""
                INSERT INTO application_attachments (id, application_id, kind, content_type, size, sha256, bytes, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """, a.id, a.applicationID, a.kind.rawValue, a.contentType, a.bytes.count, a.sha256, a.bytes, a.createdAt)
        }
    }

    func attachmentContent(_ attachmentID: String, of id: String, visibleTo scope: Scope) throws -> (contentType: String, bytes: [UInt8])? {
        var p = PGParameters([attachmentID, id])
        let visible = p.splice(Self.visible(to: scope, first: p.next))
        return try tx.query("""
            SELECT t.content_type, t.bytes FROM application_attachments t JOIN applications a ON a.id = t.application_id
            WHERE t.id = $1 AND a.id = $2 AND \(visible)
            """, parameters: p.values).first.map { (try $0.decode(String.self, "content_type"), try $0.decode([UInt8].self, "bytes")) }
    }

    // MARK: Rows

    static func application(_ row: PGRow) throws -> StoredApplication {
        let content = ApplicationContent(
            enterpriseID: try row.decode("enterprise_id"), provinceCode: try row.decode("province_code"),
            // The schema's CHECK allows only the known types.
            type: RegistrationType(rawValue: try row.decode("type")) ?? .initial,
            specialties: try row.decode(String.self, "specialties").split(separator: ",").map(String.init),
            qualificationCertificateNo: try row.decode("qualification_certificate_no"), qualificationDate: try row.decode("qualification_date"),
            contractStart: try row.decode("contract_start"), contractEnd: try row.decode("contract_end"))
        return StoredApplication(id: try row.decode("id"), individualID: try row.decode("individual_id"), content: content,
                                 status: ApplicationStatus(rawValue: try row.decode("status")) ?? .withdrawn, returnReason: try row.decode("return_reason"),
                                 createdAt: try row.decode("created_at"), updatedAt: try row.decode("updated_at"),
                                 registrationNumber: try row.decode("registration_number"), employerProvinceCode: try row.decode("employer_province"))
    }

    static func record(_ row: PGRow) throws -> ApplicationRecord {
        ApplicationRecord(application: try application(row), applicantName: try row.decode("applicant_name"), idNumber: try row.decode("id_number"),
                          phone: try row.decode("phone"), enterpriseName: try row.decode("enterprise_name"), enterpriseCreditCode: try row.decode("credit_code"))
    }
}
