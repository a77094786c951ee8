internal import Foundation
public import Model
internal import PostgresStore

/// `registrations`, `registration_specialties`, `registration_serials` on PostgreSQL, statement
/// by statement as ``SQLiteRegistrationStore``.
///
/// Serialisation: ``nextSerial(province:max:)`` is one upsert that increments the province's
/// row and returns the new value; the row lock it takes is held until COMMIT, so two nodes
/// approving at once take turns and never hand out the same 注册编号 (PostgresNodesTests).
struct PostgresRegistrationStore: RegistrationStore {
    let tx: PGTransaction

    /// The one place a ``Scope`` becomes a condition on `registrations` (aliased `r`): the
    /// ministry all, an enterprise its registered staff, a person their own.
    static func visible(to scope: Scope, first: Int) -> (sql: String, arguments: [PGValue]) {
        switch scope {
        case .nationwide: ("TRUE", [])
        case .enterprise(let id): ("r.enterprise_id = $\(first)", [.text(id)])
        case .individual(let id): ("r.individual_id = $\(first)", [.text(id)])
        case .province, .nothing: ("FALSE", [])
        }
    }

    static let conflicts: [String: StoreInvariant] = [
        "registrations_individual_id_key": .oneRegistrationPerPerson, "registrations_registration_number_key": .uniqueRegistrationNumber,
    ]

    func registration(ofPerson individualID: String) throws -> StoredRegistration? {
        try tx.queryOne("SELECT * FROM registrations WHERE individual_id = $1", individualID).map(Self.registration)
    }

    func registration(_ key: RegistrationKey) throws -> StoredRegistration? {
        switch key {
        case .number(let number): try tx.queryOne("SELECT * FROM registrations WHERE registration_number = $1", number).map(Self.registration)
        case .id(let id): try tx.queryOne("SELECT * FROM registrations WHERE id = $1", id).map(Self.registration)
        }
    }

    func specialties(of registrationID: String) throws -> [RegisteredSpecialty] {
        try tx.query("SELECT specialty, valid_from, valid_until FROM registration_specialties WHERE registration_id = $1 ORDER BY specialty",
                     registrationID).map(Self.specialty)
    }

    func insert(_ r: StoredRegistration) throws {
        try PostgresConflicts.mapping(Self.conflicts) {
            try tx.execute("INSERT INTO registrations (id, individual_id, enterprise_id, registration_number, status, registered_at) VALUES ($1, $2, $3, $4, $5, $6)",
                           r.id, r.individualID, r.enterpriseID, r.registrationNumber, r.status.rawValue, r.registeredAt)
        }
    }

    func reactivate(_ id: String, enterpriseID: String, registrationNumber: String, at: Double) throws {
        try PostgresConflicts.mapping(Self.conflicts) {
            try tx.execute("UPDATE registrations SET enterprise_id = $1, registration_number = $2, status = $3, registered_at = $4 WHERE id = $5",
                           enterpriseID, registrationNumber, RegistrationStatus.active.rawValue, at, id)
        }
        try tx.execute("DELETE FROM registration_specialties WHERE registration_id = $1", id)
    }

    func transfer(_ id: String, enterpriseID: String, registrationNumber: String) throws {
        try PostgresConflicts.mapping(Self.conflicts) {
            try tx.execute("UPDATE registrations SET enterprise_id = $1, registration_number = $2 WHERE id = $3", enterpriseID, registrationNumber, id)
        }
    }

    func cancel(_ id: String) throws {
        try tx.execute("UPDATE registrations SET status = $1 WHERE id = $2", RegistrationStatus.cancelled.rawValue, id)
    }

    func setSpecialty(_ s: RegisteredSpecialty, of registrationID: String) throws {
        try tx.execute("""
            INSERT INTO registration_specialties (registration_id, specialty, valid_from, valid_until) VALUES ($1, $2, $3, $4)
            ON CONFLICT (registration_id, specialty) DO UPDATE SET valid_from = excluded.valid_from, valid_until = excluded.valid_until
            """, registrationID, s.specialty, s.validFrom, s.validUntil)
    }

    func extendSpecialty(_ specialty: String, of registrationID: String, until: String) throws {
        try tx.execute("UPDATE registration_specialties SET valid_until = $1 WHERE registration_id = $2 AND specialty = $3", until, registrationID, specialty)
    }

    /// One statement: the first serial of a province inserts 1; later ones increment the row
    /// while it is below `max` (the conflicting row is locked even when the WHERE refuses, so a
    /// refusal too waits for the other node's COMMIT). No row back means `max` was given out.
    func nextSerial(province: UInt32, max: Int) throws -> Int? {
        guard max > 0 else { return nil }
        return try tx.queryOne("""
            INSERT INTO registration_serials AS s (province_code, last) VALUES ($1, 1)
            ON CONFLICT (province_code) DO UPDATE SET last = s.last + 1 WHERE s.last < $2
            RETURNING s.last
            """, province, max)?.decode(Int.self, at: 0)
    }

    // MARK: Staff

    static let staffColumns = """
        SELECT r.*, i.name, i.id_number FROM registrations r JOIN individuals i ON i.id = r.individual_id
        """

    func activeStaff(visibleTo scope: Scope, nameContains: String, limit: Int, offset: Int) throws -> [StaffRecord] {
        var p = PGParameters()
        let visible = p.splice(Self.visible(to: scope, first: p.next))
        let sql = """
            \(Self.staffColumns) WHERE \(visible) AND r.status = \(p.bind(RegistrationStatus.active.rawValue))
            AND i.name \(Self.like) \(p.bind(Self.pattern(nameContains))) ESCAPE '' ORDER BY r.registration_number LIMIT \(p.bind(limit)) OFFSET \(p.bind(offset))
            """
        return try tx.query(sql, parameters: p.values).map(staff)
    }

    func activeStaffCount(visibleTo scope: Scope, nameContains: String) throws -> Int {
        var p = PGParameters()
        let visible = p.splice(Self.visible(to: scope, first: p.next))
        let sql = """
            SELECT COUNT(*) FROM registrations r JOIN individuals i ON i.id = r.individual_id
            WHERE \(visible) AND r.status = \(p.bind(RegistrationStatus.active.rawValue)) AND i.name \(Self.like) \(p.bind(Self.pattern(nameContains))) ESCAPE ''
            """
        return try tx.query(sql, parameters: p.values).first?.decode(Int.self, at: 0) ?? 0
    }

    func activeStaffMember(_ key: RegistrationKey, visibleTo scope: Scope) throws -> StaffRecord? {
        let (column, value) = switch key {
        case .number(let number): ("r.registration_number", number)
        case .id(let id): ("r.id", id)
        }
        var p = PGParameters([value])
        let visible = p.splice(Self.visible(to: scope, first: p.next))
        return try tx.query("\(Self.staffColumns) WHERE \(column) = $1 AND \(visible) AND r.status = \(p.bind(RegistrationStatus.active.rawValue))",
                            parameters: p.values).first.map(staff)
    }

    /// SQLite's `LIKE` ignores ASCII case and has no escape character: `ILIKE … ESCAPE ''` is
    /// the same match on PostgreSQL (whose plain `LIKE` is case-sensitive and escapes with `\`).
    static let like = "ILIKE"

    /// "Contains": the user's own `%` dropped, so it matches literally what is left.
    static func pattern(_ text: String) -> String {
        "%" + text.replacingOccurrences(of: "%", with: "") + "%"
    }

    func staff(_ row: PGRow) throws -> StaffRecord {
        let registration = try Self.registration(row)
        return StaffRecord(registration: registration, name: try row.decode("name"), idNumber: try row.decode("id_number"),
                           specialties: try specialties(of: registration.id))
    }

    // MARK: Rows

    static func registration(_ row: PGRow) throws -> StoredRegistration {
        StoredRegistration(id: try row.decode("id"), individualID: try row.decode("individual_id"), enterpriseID: try row.decode("enterprise_id"),
                           registrationNumber: try row.decode("registration_number"),
                           // The schema's CHECK allows only the two.
                           status: RegistrationStatus(rawValue: try row.decode("status")) ?? .cancelled, registeredAt: try row.decode("registered_at"))
    }

    static func specialty(_ row: PGRow) throws -> RegisteredSpecialty {
        RegisteredSpecialty(specialty: try row.decode("specialty"), validFrom: try row.decode("valid_from"), validUntil: try row.decode("valid_until"))
    }
}
