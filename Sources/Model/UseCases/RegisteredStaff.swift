public import Foundation
import GRDB

/// A registered constructor of an enterprise (已注册人员).
public struct StaffMember: Sendable, Equatable {
    public let registrationID: String
    public let registrationNumber: String
    public let name: String
    public let maskedIDNumber: String
    public let specialties: [(specialty: Specialty, validFrom: String, validUntil: String)]
    public let registeredAt: Date

    public static func == (a: Self, b: Self) -> Bool {
        a.registrationID == b.registrationID && a.specialties.map(\.specialty) == b.specialties.map(\.specialty)
    }
}

extension EnterpriseInfo {
    /// The caller's enterprise's registered staff, by name, paged (offset token).
    public func staff(for caller: Caller, nameContains: String = "", pageSize: Int = 50, pageToken: String = "") async throws(RegistryError) -> Page<StaffMember> {
        guard case .enterpriseUser = caller else { throw .forbidden(Text(.onlyEnterpriseUsers)) }
        let size = pageSize == 0 ? 50 : pageSize
        guard (1...500).contains(size) else { throw .invalid("page.page_size", .pageSize) }
        let offset = pageToken.isEmpty ? 0 : Int(pageToken) ?? -1
        guard offset >= 0 else { throw .invalid("page.page_token", .pageToken) }
        let like = "%" + nameContains.trimmed.replacingOccurrences(of: "%", with: "") + "%"
        let scope = Scope(caller).registrationsFilter
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM registrations r JOIN individuals i ON i.id = r.individual_id
                WHERE \(scope.sql) AND r.status = 'active' AND i.name LIKE ?
                """, arguments: scope.arguments + [like]) ?? 0
            let ids = try String.fetchAll(db, sql: """
                SELECT r.id FROM registrations r JOIN individuals i ON i.id = r.individual_id
                WHERE \(scope.sql) AND r.status = 'active' AND i.name LIKE ? ORDER BY r.registration_number LIMIT ? OFFSET ?
                """, arguments: scope.arguments + [like, size, offset])
            let items = try ids.compactMap { try Self.member(db, $0, scope: scope) }
            return Page(items: items, nextPageToken: offset + size < total ? String(offset + size) : "", total: total)
        }
    }

    public func staffMember(_ registrationID: String, for caller: Caller) async throws(RegistryError) -> StaffMember {
        guard case .enterpriseUser = caller else { throw .forbidden(Text(.onlyEnterpriseUsers)) }
        let scope = Scope(caller).registrationsFilter
        let found = try await database.read { db in try Self.member(db, registrationID, scope: scope) }
        guard let found else { throw .notFound(Text(.registeredPersonNotFound, "\(registrationID)")) }
        return found
    }

    static func member(_ db: Database, _ id: String, scope: (sql: String, arguments: StatementArguments)) throws -> StaffMember? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT r.id, r.registration_number, r.registered_at, i.name, i.id_number FROM registrations r
            JOIN individuals i ON i.id = r.individual_id WHERE r.id = ? AND \(scope.sql) AND r.status = 'active'
            """, arguments: [id] + scope.arguments) else { return nil }
        let specialties = try Row.fetchAll(db, sql: "SELECT specialty, valid_from, valid_until FROM registration_specialties WHERE registration_id = ? ORDER BY specialty",
                                           arguments: [id]).compactMap { r -> (Specialty, String, String)? in
            Specialty(rawValue: r["specialty"]).map { ($0, r["valid_from"], r["valid_until"]) }
        }
        let idNumber: String = row["id_number"]
        return StaffMember(registrationID: row["id"], registrationNumber: row["registration_number"], name: row["name"],
                           maskedIDNumber: String(idNumber.prefix(4)) + String(repeating: "*", count: 10) + String(idNumber.suffix(4)),
                           specialties: specialties.map { (specialty: $0.0, validFrom: $0.1, validUntil: $0.2) },
                           registeredAt: Date(timeIntervalSince1970: row["registered_at"]))
    }
}
