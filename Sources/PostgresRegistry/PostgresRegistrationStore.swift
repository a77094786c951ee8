internal import Foundation
public import Model
internal import PostgresStore

/// `registrations`, `registration_specialties`, `registration_serials` on PostgreSQL, statement
/// by statement as ``SQLiteRegistrationStore``.
///
/// Serialisation: ``nextSerials(province:count:max:)`` reads the province's row `FOR UPDATE` and
/// moves it on by the serials it gives out; the row lock is held until COMMIT, so two nodes
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

    func registrations(ofPersons individualIDs: [String]) throws -> [String: StoredRegistration] {
        guard !individualIDs.isEmpty else { return [:] }
        var found: [String: StoredRegistration] = [:]
        for row in try tx.query("SELECT * FROM registrations WHERE individual_id = ANY($1::text[])", PGRowSet.array(individualIDs)) {
            let registration = try Self.registration(row)
            found[registration.individualID] = registration
        }
        return found
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

    func insert(_ registrations: [StoredRegistration]) throws {
        guard !registrations.isEmpty else { return }
        var rows = PGRowSet(["id": "text", "individual_id": "text", "enterprise_id": "text", "registration_number": "text", "status": "text",
                             "registered_at": "float8"])
        for r in registrations { rows.append(r.id, r.individualID, r.enterpriseID, r.registrationNumber, r.status.rawValue, r.registeredAt) }
        try PostgresConflicts.mapping(Self.conflicts) {
            try tx.execute("""
                INSERT INTO registrations (id, individual_id, enterprise_id, registration_number, status, registered_at) SELECT * FROM \(rows.table("v"))
                """, parameters: rows.parameters)
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

    /// One upsert; a later row for the same key replaces an earlier one before it is sent (one
    /// statement may not touch a row twice).
    func setSpecialties(_ specialties: [(registrationID: String, specialty: RegisteredSpecialty)]) throws {
        guard !specialties.isEmpty else { return }
        var last: [String: Int] = [:]
        for (i, s) in specialties.enumerated() { last[s.registrationID + "\u{1F}" + s.specialty.specialty] = i }
        var rows = PGRowSet(["registration_id": "text", "specialty": "text", "valid_from": "text", "valid_until": "text"])
        for (i, s) in specialties.enumerated() where last[s.registrationID + "\u{1F}" + s.specialty.specialty] == i {
            rows.append(s.registrationID, s.specialty.specialty, s.specialty.validFrom, s.specialty.validUntil)
        }
        try tx.execute("""
            INSERT INTO registration_specialties (registration_id, specialty, valid_from, valid_until) SELECT * FROM \(rows.table("v"))
            ON CONFLICT (registration_id, specialty) DO UPDATE SET valid_from = excluded.valid_from, valid_until = excluded.valid_until
            """, parameters: rows.parameters)
    }

    func extendSpecialty(_ specialty: String, of registrationID: String, until: String) throws {
        try tx.execute("UPDATE registration_specialties SET valid_until = $1 WHERE registration_id = $2 AND specialty = $3", until, registrationID, specialty)
    }

    /// The province's row is read `FOR UPDATE` and set to its new last serial; the row lock is
    /// held until COMMIT, so a second node allocating for the province waits and then reads this
    /// one's last. The province's first allocation inserts the row; when another node's insert
    /// wins the key meanwhile, the row is read again (ON CONFLICT DO NOTHING waits for its COMMIT).
    func nextSerials(province: UInt32, count: Int, max: Int) throws -> Range<Int> {
        let wanted = Swift.max(count, 0)
        while true {
            if let row = try tx.queryOne("SELECT last FROM registration_serials WHERE province_code = $1 FOR UPDATE", province) {
                let current = try row.decode(Int.self, at: 0)
                let last = min(current + wanted, max)
                guard last > current else { return current..<current }
                try tx.execute("UPDATE registration_serials SET last = $1 WHERE province_code = $2", last, province)
                return current + 1 ..< last + 1
            }
            let last = min(wanted, max)
            guard last > 0 else { return 0..<0 }
            if try tx.execute("INSERT INTO registration_serials (province_code, last) VALUES ($1, $2) ON CONFLICT (province_code) DO NOTHING",
                              province, last) == 1 {
                return 1 ..< last + 1
            }
        }
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
