import Foundation
import GRDB

/// `registrations`, `registration_specialties`, `registration_serials` on SQLite. The statements
/// of the decision path are cached per connection.
struct SQLiteRegistrationStore: RegistrationStore {
    let db: Database

    /// The one place a ``Scope`` becomes a condition on `registrations` (aliased `r`): the
    /// ministry all, an enterprise its registered staff, a person their own.
    static func visible(to scope: Scope) -> (sql: String, arguments: StatementArguments) {
        switch scope {
        case .nationwide: ("1", [])
        case .enterprise(let id): ("r.enterprise_id = ?", [id])
        case .individual(let id): ("r.individual_id = ?", [id])
        case .province, .nothing: ("0", [])
        }
    }

    static let conflicts: [(String, StoreInvariant)] = [
        ("registrations.individual_id", .oneRegistrationPerPerson), ("registrations.registration_number", .uniqueRegistrationNumber),
    ]

    func registration(ofPerson individualID: String) throws -> StoredRegistration? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM registrations WHERE individual_id = ?"), arguments: [individualID]).map(Self.registration)
    }

    func registration(_ key: RegistrationKey) throws -> StoredRegistration? {
        switch key {
        case .number(let number):
            try Row.fetchOne(db, sql: "SELECT * FROM registrations WHERE registration_number = ?", arguments: [number]).map(Self.registration)
        case .id(let id):
            try Row.fetchOne(db, sql: "SELECT * FROM registrations WHERE id = ?", arguments: [id]).map(Self.registration)
        }
    }

    func registrations(ofPersons individualIDs: [String]) throws -> [String: StoredRegistration] {
        var found: [String: StoredRegistration] = [:]
        for id in individualIDs where found[id] == nil {
            if let registration = try registration(ofPerson: id) { found[id] = registration }
        }
        return found
    }

    func specialties(of registrationID: String) throws -> [RegisteredSpecialty] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT specialty, valid_from, valid_until FROM registration_specialties WHERE registration_id = ? ORDER BY specialty"),
                         arguments: [registrationID]).map(Self.specialty)
    }

    func insert(_ r: StoredRegistration) throws {
        try SQLiteConflicts.mapping(Self.conflicts) {
            try db.cachedStatement(sql: "INSERT INTO registrations (id, individual_id, enterprise_id, registration_number, status, registered_at) VALUES (?, ?, ?, ?, ?, ?)")
                .execute(arguments: [r.id, r.individualID, r.enterpriseID, r.registrationNumber, r.status.rawValue, r.registeredAt])
        }
    }

    func insert(_ registrations: [StoredRegistration]) throws {
        for r in registrations { try insert(r) }
    }

    func reactivate(_ id: String, enterpriseID: String, registrationNumber: String, at: Double) throws {
        try SQLiteConflicts.mapping(Self.conflicts) {
            try db.cachedStatement(sql: "UPDATE registrations SET enterprise_id = ?, registration_number = ?, status = ?, registered_at = ? WHERE id = ?")
                .execute(arguments: [enterpriseID, registrationNumber, RegistrationStatus.active.rawValue, at, id])
        }
        try db.cachedStatement(sql: "DELETE FROM registration_specialties WHERE registration_id = ?").execute(arguments: [id])
    }

    func transfer(_ id: String, enterpriseID: String, registrationNumber: String) throws {
        try SQLiteConflicts.mapping(Self.conflicts) {
            try db.cachedStatement(sql: "UPDATE registrations SET enterprise_id = ?, registration_number = ? WHERE id = ?")
                .execute(arguments: [enterpriseID, registrationNumber, id])
        }
    }

    func cancel(_ id: String) throws {
        try db.cachedStatement(sql: "UPDATE registrations SET status = ? WHERE id = ?").execute(arguments: [RegistrationStatus.cancelled.rawValue, id])
    }

    func setSpecialty(_ s: RegisteredSpecialty, of registrationID: String) throws {
        try db.cachedStatement(sql: """
            INSERT INTO registration_specialties (registration_id, specialty, valid_from, valid_until) VALUES (?, ?, ?, ?)
            ON CONFLICT (registration_id, specialty) DO UPDATE SET valid_from = excluded.valid_from, valid_until = excluded.valid_until
            """).execute(arguments: [registrationID, s.specialty, s.validFrom, s.validUntil])
    }

    func setSpecialties(_ specialties: [(registrationID: String, specialty: RegisteredSpecialty)]) throws {
        for s in specialties { try setSpecialty(s.specialty, of: s.registrationID) }
    }

    func extendSpecialty(_ specialty: String, of registrationID: String, until: String) throws {
        try db.cachedStatement(sql: "UPDATE registration_specialties SET valid_until = ? WHERE registration_id = ? AND specialty = ?")
            .execute(arguments: [until, registrationID, specialty])
    }

    func nextSerials(province: UInt32, count: Int, max: Int) throws -> Range<Int> {
        // The single writer holds the row from this read to the increment.
        let current = try Int.fetchOne(db.cachedStatement(sql: "SELECT last FROM registration_serials WHERE province_code = ?"), arguments: [province]) ?? 0
        let last = min(current + Swift.max(count, 0), max)
        guard last > current else { return current..<current }
        try db.cachedStatement(sql: """
            INSERT INTO registration_serials (province_code, last) VALUES (?, ?) ON CONFLICT (province_code) DO UPDATE SET last = excluded.last
            """).execute(arguments: [province, last])
        return current + 1 ..< last + 1
    }

    // MARK: Staff

    static let staffColumns = """
        SELECT r.*, i.name, i.id_number FROM registrations r JOIN individuals i ON i.id = r.individual_id
        """

    func activeStaff(visibleTo scope: Scope, nameContains: String, limit: Int, offset: Int) throws -> [StaffRecord] {
        let visible = Self.visible(to: scope)
        return try Row.fetchAll(db, sql: """
            \(Self.staffColumns) WHERE \(visible.sql) AND r.status = ? AND i.name LIKE ? ORDER BY r.registration_number LIMIT ? OFFSET ?
            """, arguments: visible.arguments + [RegistrationStatus.active.rawValue, Self.like(nameContains), limit, offset]).map(staff)
    }

    func activeStaffCount(visibleTo scope: Scope, nameContains: String) throws -> Int {
        let visible = Self.visible(to: scope)
        return try Int.fetchOne(db, sql: """
            SELECT COUNT(*) FROM registrations r JOIN individuals i ON i.id = r.individual_id WHERE \(visible.sql) AND r.status = ? AND i.name LIKE ?
            """, arguments: visible.arguments + [RegistrationStatus.active.rawValue, Self.like(nameContains)]) ?? 0
    }

    func activeStaffMember(_ key: RegistrationKey, visibleTo scope: Scope) throws -> StaffRecord? {
        let visible = Self.visible(to: scope)
        let (column, value) = switch key {
        case .number(let number): ("r.registration_number", number)
        case .id(let id): ("r.id", id)
        }
        return try Row.fetchOne(db, sql: "\(Self.staffColumns) WHERE \(column) = ? AND \(visible.sql) AND r.status = ?",
                                arguments: [value] + visible.arguments + [RegistrationStatus.active.rawValue]).map(staff)
    }

    /// `LIKE` for "contains": the user's own `%` dropped, so it matches literally what is left.
    static func like(_ text: String) -> String {
        "%" + text.replacingOccurrences(of: "%", with: "") + "%"
    }

    func staff(_ row: Row) throws -> StaffRecord {
        let registration = Self.registration(row)
        return StaffRecord(registration: registration, name: row["name"], idNumber: row["id_number"], specialties: try specialties(of: registration.id))
    }

    // MARK: Rows

    static func registration(_ row: Row) -> StoredRegistration {
        StoredRegistration(id: row["id"], individualID: row["individual_id"], enterpriseID: row["enterprise_id"],
                           registrationNumber: row["registration_number"],
                           // The schema's CHECK allows only the two.
                           status: RegistrationStatus(rawValue: row["status"]) ?? .cancelled, registeredAt: row["registered_at"])
    }

    static func specialty(_ row: Row) -> RegisteredSpecialty {
        RegisteredSpecialty(specialty: row["specialty"], validFrom: row["valid_from"], validUntil: row["valid_until"])
    }
}
