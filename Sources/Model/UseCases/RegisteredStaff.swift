public import Foundation
import GRDB

/// A registered constructor of an enterprise (已注册人员).
public struct StaffMember: Sendable, Equatable {
    public let registrationID: String
    public let registrationNumber: String
    public let name: String
    public let maskedIDNumber: String
    /// The full ID number: only for a ``Disclosure/full`` view (never an enterprise's).
    public let idNumber: String?
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
        // Only enterprises call this (masked); the one policy decides it all the same.
        let disclosure = Disclosure(for: caller, audited: nil)
        return try await database.read { db in
            let total = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM registrations r JOIN individuals i ON i.id = r.individual_id
                WHERE \(scope.sql) AND r.status = 'active' AND i.name LIKE ?
                """, arguments: scope.arguments + [like]) ?? 0
            let ids = try String.fetchAll(db, sql: """
                SELECT r.id FROM registrations r JOIN individuals i ON i.id = r.individual_id
                WHERE \(scope.sql) AND r.status = 'active' AND i.name LIKE ? ORDER BY r.registration_number LIMIT ? OFFSET ?
                """, arguments: scope.arguments + [like, size, offset])
            let items = try ids.compactMap { try Self.member(db, id: $0, scope: scope, disclosure: disclosure) }
            return Page(items: items, nextPageToken: offset + size < total ? String(offset + size) : "", total: total)
        }
    }

    /// How a registered person is named in a request: the 注册编号 people know (preferred), or
    /// the registration id.
    public enum StaffReference: Sendable, Hashable {
        case registrationNumber(String)
        case registrationID(String)
    }

    public func staffMember(_ registrationID: String, for caller: Caller) async throws(RegistryError) -> StaffMember {
        try await staffMember(.registrationID(registrationID), for: caller)
    }

    /// One registered person of the caller's enterprise, by 注册编号 or id; another enterprise's
    /// answers NOT_FOUND like an unknown one.
    public func staffMember(_ reference: StaffReference, for caller: Caller) async throws(RegistryError) -> StaffMember {
        guard case .enterpriseUser = caller else { throw .forbidden(Text(.onlyEnterpriseUsers)) }
        let scope = Scope(caller).registrationsFilter
        let disclosure = Disclosure(for: caller, audited: nil)
        let (column, key): (String, String) = switch reference {
        case .registrationNumber(let n): ("r.registration_number", n.trimmed)
        case .registrationID(let id): ("r.id", id.trimmed)
        }
        guard !key.isEmpty else { throw .invalid(column == "r.id" ? "registration_id" : "registration_number", .required) }
        let found = try await database.read { db in
            try String.fetchOne(db, sql: "SELECT r.id FROM registrations r WHERE \(column) = ? AND \(scope.sql) AND r.status = 'active'",
                                arguments: [key] + scope.arguments)
                .flatMap { try Self.member(db, id: $0, scope: scope, disclosure: disclosure) }
        }
        guard let found else { throw .notFound(Text(.registeredPersonNotFound, "\(key)")) }
        return found
    }

    static func member(_ db: Database, id: String, scope: (sql: String, arguments: StatementArguments), disclosure: Disclosure) throws -> StaffMember? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT r.id, r.registration_number, r.registered_at, i.name, i.id_number FROM registrations r
            JOIN individuals i ON i.id = r.individual_id WHERE r.id = ? AND \(scope.sql) AND r.status = 'active'
            """, arguments: [id] + scope.arguments) else { return nil }
        let specialties = try Row.fetchAll(db, sql: "SELECT specialty, valid_from, valid_until FROM registration_specialties WHERE registration_id = ? ORDER BY specialty",
                                           arguments: [id]).compactMap { r -> (Specialty, String, String)? in
            Specialty(rawValue: r["specialty"]).map { ($0, r["valid_from"], r["valid_until"]) }
        }
        let idNumber = disclosure.idNumber(row["id_number"])
        return StaffMember(registrationID: row["id"], registrationNumber: row["registration_number"], name: row["name"],
                           maskedIDNumber: idNumber.masked, idNumber: idNumber.full,
                           specialties: specialties.map { (specialty: $0.0, validFrom: $0.1, validUntil: $0.2) },
                           registeredAt: Date(timeIntervalSince1970: row["registered_at"]))
    }
}
