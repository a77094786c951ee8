import Crypto
import Foundation
import GRDB

/// `applications`, `application_events`, `application_attachments` on SQLite. The statements of
/// the batch paths (a report or a decision of 10,000) are cached per connection.
struct SQLiteApplicationStore: ApplicationStore {
    let db: Database

    /// The one place a ``Scope`` becomes a condition on `applications` (aliased `a`).
    static func visible(to scope: Scope) -> (sql: String, arguments: StatementArguments) {
        switch scope {
        case .nationwide: ("1", [])
        case .province(let code): ("a.province_code = ?", [code.rawValue])
        case .enterprise(let id): ("a.enterprise_id = ?", [id])
        case .individual(let id): ("a.individual_id = ?", [id])
        case .nothing: ("0", [])
        }
    }

    /// The statuses of an open application, as the partial unique index spells them.
    static let openStatuses = ApplicationStatus.allCases.filter(\.isOpen)

    func state(of id: String, visibleTo scope: Scope) throws -> (type: RegistrationType, status: ApplicationStatus)? {
        let visible = Self.visible(to: scope)
        let statement = try db.cachedStatement(sql: "SELECT a.type, a.status FROM applications a WHERE a.id = ? AND \(visible.sql)")
        guard let row = try Row.fetchOne(statement, arguments: [id] + visible.arguments),
              let type = RegistrationType(rawValue: row[0]), let status = ApplicationStatus(rawValue: row[1]) else { return nil }
        return (type, status)
    }

    func application(_ id: String, visibleTo scope: Scope) throws -> StoredApplication? {
        let visible = Self.visible(to: scope)
        let statement = try db.cachedStatement(sql: """
            SELECT a.*, e.province_code AS employer_province FROM applications a JOIN enterprises e ON e.id = a.enterprise_id
            WHERE a.id = ? AND \(visible.sql)
            """)
        return try Row.fetchOne(statement, arguments: [id] + visible.arguments).map(Self.application)
    }

    // The batch reads and writes run one cached statement per item: in-process, a statement
    // costs microseconds, so a loop is as fast here as a set-based statement would be.

    func states(of ids: [String], visibleTo scope: Scope) throws -> [String: (type: RegistrationType, status: ApplicationStatus)] {
        var found: [String: (type: RegistrationType, status: ApplicationStatus)] = [:]
        for id in ids where found[id] == nil {
            if let state = try state(of: id, visibleTo: scope) { found[id] = state }
        }
        return found
    }

    /// The single writer already holds every row until COMMIT.
    func holding(_ ids: [String], visibleTo scope: Scope) throws -> [String: StoredApplication] {
        var found: [String: StoredApplication] = [:]
        for id in ids where found[id] == nil {
            if let application = try application(id, visibleTo: scope) { found[id] = application }
        }
        return found
    }

    static let recordColumns = """
        SELECT a.*, e.province_code AS employer_province, i.name AS applicant_name, i.id_number, i.phone,
               e.name AS enterprise_name, e.credit_code
        FROM applications a JOIN individuals i ON i.id = a.individual_id JOIN enterprises e ON e.id = a.enterprise_id
        """

    func record(_ id: String, visibleTo scope: Scope) throws -> ApplicationRecord? {
        let visible = Self.visible(to: scope)
        return try Row.fetchOne(db, sql: "\(Self.recordColumns) WHERE a.id = ? AND \(visible.sql)", arguments: [id] + visible.arguments)
            .map(Self.record)
    }

    /// The conditions of `query` within `scope` (on `a`).
    static func conditions(_ query: ApplicationQuery, _ scope: Scope) -> (sql: [String], arguments: StatementArguments) {
        let visible = visible(to: scope)
        var conditions = [visible.sql]
        var arguments = visible.arguments
        if !query.statuses.isEmpty {
            conditions.append("a.status IN (\(query.statuses.map { _ in "?" }.joined(separator: ",")))")
            arguments += StatementArguments(query.statuses.map(\.rawValue))
        }
        if let type = query.type {
            conditions.append("a.type = ?")
            arguments += [type.rawValue]
        }
        if let enterprise = query.enterpriseID, !enterprise.isEmpty {
            conditions.append("a.enterprise_id = ?")
            arguments += [enterprise]
        }
        if let from = query.submittedFrom {
            conditions.append("a.created_at >= ?")
            arguments += [from]
        }
        if let until = query.submittedUntil {
            conditions.append("a.created_at < ?")
            arguments += [until]
        }
        return (conditions, arguments)
    }

    func records(matching query: ApplicationQuery, visibleTo scope: Scope, after cursor: ApplicationCursor?, limit: Int) throws -> [ApplicationRecord] {
        var (conditions, arguments) = Self.conditions(query, scope)
        if let cursor {
            conditions.append("(a.created_at, a.id) > (?, ?)")
            arguments += [cursor.createdAt, cursor.id]
        }
        arguments += [limit]
        return try Row.fetchAll(db, sql: "\(Self.recordColumns) WHERE \(conditions.joined(separator: " AND ")) ORDER BY a.created_at, a.id LIMIT ?",
                                arguments: arguments).map(Self.record)
    }

    func count(matching query: ApplicationQuery, visibleTo scope: Scope) throws -> Int {
        let (conditions, arguments) = Self.conditions(query, scope)
        return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM applications a WHERE \(conditions.joined(separator: " AND "))", arguments: arguments) ?? 0
    }

    func counts(visibleTo scope: Scope) throws -> [(status: ApplicationStatus, type: RegistrationType, count: Int)] {
        let visible = Self.visible(to: scope)
        return try Row.fetchAll(db, sql: "SELECT a.status, a.type, COUNT(*) AS n FROM applications a WHERE \(visible.sql) GROUP BY a.status, a.type",
                                arguments: visible.arguments).compactMap { row in
            guard let status = ApplicationStatus(rawValue: row["status"]), let type = RegistrationType(rawValue: row["type"]) else { return nil }
            return (status, type, row["n"])
        }
    }

    func awaitingAnnouncement() throws -> [ApplicationRecord] {
        try Row.fetchAll(db.cachedStatement(sql: "\(Self.recordColumns) WHERE a.status = ? ORDER BY a.decided_at, a.id"),
                         arguments: [ApplicationStatus.awaitingAnnouncement.rawValue]).map(Self.record)
    }

    func exists(individualID: String, in statuses: Set<ApplicationStatus>, except: String?) throws -> Bool {
        guard !statuses.isEmpty else { return false }
        let list = statuses.map(\.rawValue).sorted()
        return try Bool.fetchOne(db, sql: """
            SELECT 1 FROM applications WHERE individual_id = ? AND id IS NOT ? AND status IN (\(list.map { _ in "?" }.joined(separator: ",")))
            """, arguments: [individualID, except] + StatementArguments(list)) == true
    }

    func qualificationNumberUsed(_ number: String, byOtherThan individualID: String, in statuses: Set<ApplicationStatus>) throws -> Bool {
        guard !statuses.isEmpty else { return false }
        let list = statuses.map(\.rawValue).sorted()
        return try Bool.fetchOne(db, sql: """
            SELECT 1 FROM applications WHERE qualification_certificate_no = ? AND individual_id != ?
                AND status IN (\(list.map { _ in "?" }.joined(separator: ","))) LIMIT 1
            """, arguments: [number, individualID] + StatementArguments(list)) == true
    }

    func insert(id: String, individualID: String, content c: ApplicationContent, status: ApplicationStatus, at: Double) throws {
        try SQLiteConflicts.mapping(Self.conflicts) {
            try db.execute(sql: """
                INSERT INTO applications (id, individual_id, enterprise_id, province_code, type, specialties, qualification_certificate_no,
                    qualification_date, contract_start, contract_end, status, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, individualID, c.enterpriseID, c.provinceCode, c.type.rawValue, c.specialties.joined(separator: ","),
                                 c.qualificationCertificateNo, c.qualificationDate, c.contractStart, c.contractEnd, status.rawValue, at, at])
        }
    }

    func resubmit(_ id: String, content c: ApplicationContent, status: ApplicationStatus, at: Double) throws {
        try SQLiteConflicts.mapping(Self.conflicts) {
            try db.execute(sql: """
                UPDATE applications SET enterprise_id = ?, province_code = ?, type = ?, specialties = ?, qualification_certificate_no = ?,
                    qualification_date = ?, contract_start = ?, contract_end = ?, status = ?, return_reason = NULL,
                    version = version + 1, updated_at = ? WHERE id = ?
                """, arguments: [c.enterpriseID, c.provinceCode, c.type.rawValue, c.specialties.joined(separator: ","), c.qualificationCertificateNo,
                                 c.qualificationDate, c.contractStart, c.contractEnd, status.rawValue, at, id])
        }
    }

    func move(_ id: String, from: ApplicationStatus, to: ApplicationStatus, reason: String?, at: Double,
              milestone: ApplicationMilestone?, registrationNumber: String?) throws -> Bool {
        let statement = try db.cachedStatement(sql: """
            UPDATE applications SET status = ?, return_reason = ?, version = version + 1, updated_at = ?,
                reported_at = COALESCE(?, reported_at), decided_at = COALESCE(?, decided_at),
                registration_number = COALESCE(?, registration_number)
            WHERE id = ? AND status = ?
            """)
        try SQLiteConflicts.mapping(Self.conflicts) {
            try statement.execute(arguments: [to.rawValue, reason, at, milestone == .reported ? at : nil, milestone == .decided ? at : nil,
                                              registrationNumber, id, from.rawValue])
        }
        return db.changesCount == 1
    }

    func move(_ moves: [ApplicationMove], at: Double, milestone: ApplicationMilestone?) throws -> Set<String> {
        var moved = Set<String>()
        for m in moves where try move(m.id, from: m.from, to: m.to, reason: m.reason, at: at, milestone: milestone, registrationNumber: m.registrationNumber) {
            moved.insert(m.id)
        }
        return moved
    }

    func appendEvents(_ events: [NewApplicationEvent]) throws {
        for e in events { try appendEvent(e) }
    }

    func appendEvent(_ e: NewApplicationEvent) throws {
        try db.cachedStatement(sql: """
            INSERT INTO application_events (application_id, at, actor, actor_name, action, from_status, to_status, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [e.applicationID, e.at, e.actorPrincipal, e.actorName, e.action, e.from?.rawValue, e.to.rawValue, e.reason])
    }

    func events(of id: String) throws -> [ApplicationEvent] {
        try Row.fetchAll(db, sql: "SELECT * FROM application_events WHERE application_id = ? ORDER BY id", arguments: [id]).compactMap {
            let actor: String = $0["actor"]
            guard let to = ApplicationStatus(rawValue: $0["to_status"]) else { return nil }
            return ApplicationEvent(at: Date(timeIntervalSince1970: $0["at"]), actor: actor,
                                    actorName: $0["actor_name"] ?? ApplicationEvent.fallbackActorName(principal: actor), action: $0["action"],
                                    from: ($0["from_status"] as String?).flatMap(ApplicationStatus.init(rawValue:)), to: to, reason: $0["reason"])
        }
    }

    func attachments(of id: String) throws -> [ApplicationAttachment] {
        try Row.fetchAll(db, sql: "SELECT id, kind, content_type, size, sha256 FROM application_attachments WHERE application_id = ? ORDER BY created_at, id",
                         arguments: [id]).map {
            ApplicationAttachment(id: $0["id"], kind: ApplicationAttachment.Kind(rawValue: $0["kind"]) ?? .other, contentType: $0["content_type"],
                                  size: $0["size"], sha256: Digest.hex(Array($0["sha256"] as Data)))
        }
    }

    func attachmentCount(of id: String) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM application_attachments WHERE application_id = ?", arguments: [id]) ?? 0
    }

    func insertAttachment(_ a: NewApplicationAttachment) throws {
        try SQLiteConflicts.mapping([]) {
            try db.execute(sql: """
                INSERT INTO application_attachments (id, application_id, kind, content_type, size, sha256, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [a.id, a.applicationID, a.kind.rawValue, a.contentType, a.bytes.count, Data(a.sha256), Data(a.bytes), a.createdAt])
        }
    }

    func attachmentContent(_ attachmentID: String, of id: String, visibleTo scope: Scope) throws -> (contentType: String, bytes: [UInt8])? {
        let visible = Self.visible(to: scope)
        return try Row.fetchOne(db, sql: """
            SELECT t.content_type, t.bytes FROM application_attachments t JOIN applications a ON a.id = t.application_id
            WHERE t.id = ? AND a.id = ? AND \(visible.sql)
            """, arguments: [attachmentID, id] + visible.arguments).map { ($0["content_type"] as String, Array($0["bytes"] as Data)) }
    }

    // MARK: Rows

    static let conflicts: [(String, StoreInvariant)] = [("applications.individual_id", .oneOpenApplicationPerPerson)]

    static func application(_ row: Row) -> StoredApplication {
        let content = ApplicationContent(
            enterpriseID: row["enterprise_id"], provinceCode: row["province_code"],
            // The schema's CHECK allows only the known types.
            type: RegistrationType(rawValue: row["type"]) ?? .initial,
            specialties: (row["specialties"] as String).split(separator: ",").map(String.init),
            qualificationCertificateNo: row["qualification_certificate_no"], qualificationDate: row["qualification_date"],
            contractStart: row["contract_start"], contractEnd: row["contract_end"])
        return StoredApplication(id: row["id"], individualID: row["individual_id"], content: content,
                                 status: ApplicationStatus(rawValue: row["status"]) ?? .withdrawn, returnReason: row["return_reason"],
                                 createdAt: row["created_at"], updatedAt: row["updated_at"], registrationNumber: row["registration_number"],
                                 employerProvinceCode: row["employer_province"])
    }

    static func record(_ row: Row) -> ApplicationRecord {
        ApplicationRecord(application: application(row), applicantName: row["applicant_name"], idNumber: row["id_number"], phone: row["phone"],
                          enterpriseName: row["enterprise_name"], enterpriseCreditCode: row["credit_code"])
    }
}

/// SQLite's constraint failures as ``StoreConflict``s, by the columns its message names.
enum SQLiteConflicts {
    static func mapping<T>(_ invariants: [(String, StoreInvariant)], _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            let message = error.message ?? ""
            if let (_, invariant) = invariants.first(where: { message.contains($0.0) }) { throw StoreConflict(invariant) }
            if error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE || error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
                throw StoreConflict(.uniqueKey)
            }
            throw error
        }
    }
}
