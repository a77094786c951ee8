import Foundation
import GRDB

/// `certificates` on SQLite.
struct SQLiteCertificateStore: CertificateStore {
    let db: Database

    static let conflicts: [(String, StoreInvariant)] = [
        ("certificates.serial", .uniqueCertificateVersion), ("certificates.registration_id", .oneValidCertificatePerRegistration),
    ]

    func certificate(_ id: String) throws -> StoredCertificate? {
        try Row.fetchOne(db, sql: "SELECT * FROM certificates WHERE id = ?", arguments: [id]).map(Self.certificate)
    }

    func newest(serial: String) throws -> StoredCertificate? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM certificates WHERE serial = ? ORDER BY version DESC LIMIT 1"), arguments: [serial])
            .map(Self.certificate)
    }

    func newest(visibleTo scope: Scope, id: String?, status: CertificateStatus?) throws -> StoredCertificate? {
        let visible = SQLiteRegistrationStore.visible(to: scope)
        var conditions = [visible.sql]
        var arguments = visible.arguments
        if let id {
            conditions.append("c.id = ?")
            arguments += [id]
        }
        if let status {
            conditions.append("c.status = ?")
            arguments += [status.rawValue]
        }
        return try Row.fetchOne(db, sql: """
            SELECT c.* FROM certificates c JOIN registrations r ON r.id = c.registration_id
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY c.version DESC LIMIT 1
            """, arguments: arguments).map(Self.certificate)
    }

    func insert(_ c: StoredCertificate) throws {
        try SQLiteConflicts.mapping(Self.conflicts) {
            try db.cachedStatement(sql: "INSERT INTO certificates (id, registration_id, serial, version, status, issued_at, reason, content) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                .execute(arguments: [c.id, c.registrationID, c.serial, c.version, c.status.rawValue, c.issuedAt, c.reason, c.content])
        }
    }

    func voidValid(registrationID: String, reason: String) throws {
        try db.cachedStatement(sql: "UPDATE certificates SET status = ?, reason = ? WHERE registration_id = ? AND status = ?")
            .execute(arguments: [CertificateStatus.void.rawValue, reason, registrationID, CertificateStatus.valid.rawValue])
    }

    func revoke(_ id: String, reason: String) throws {
        try db.execute(sql: "UPDATE certificates SET status = ?, reason = ? WHERE id = ?", arguments: [CertificateStatus.revoked.rawValue, reason, id])
    }

    func certifiedFacts(registrationID: String) throws -> CertifiedFacts? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT r.registration_number, i.name, i.id_number, e.name AS employer, e.credit_code FROM registrations r
            JOIN individuals i ON i.id = r.individual_id JOIN enterprises e ON e.id = r.enterprise_id WHERE r.id = ?
            """), arguments: [registrationID]) else { return nil }
        return CertifiedFacts(holder: row["name"], idNumber: row["id_number"], registrationNumber: row["registration_number"],
                              employer: row["employer"], employerCreditCode: row["credit_code"],
                              specialties: try SQLiteRegistrationStore(db: db).specialties(of: registrationID))
    }

    func registrationsWithValidCertificate(employerID: String) throws -> [String] {
        try String.fetchAll(db, sql: """
            SELECT c.registration_id FROM certificates c JOIN registrations r ON r.id = c.registration_id
            WHERE r.enterprise_id = ? AND r.status = ? AND c.status = ? ORDER BY r.registration_number
            """, arguments: [employerID, RegistrationStatus.active.rawValue, CertificateStatus.valid.rawValue])
    }

    func outstandingRegistrations() throws -> [String] {
        try String.fetchAll(db, sql: """
            SELECT r.id FROM registrations r WHERE r.status = ?
            AND NOT EXISTS (SELECT 1 FROM certificates c WHERE c.registration_id = r.id
                            AND c.serial = substr(r.registration_number, length(r.registration_number) - 11))
            AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.individual_id = r.individual_id AND a.status = ?)
            ORDER BY r.registration_number
            """, arguments: [RegistrationStatus.active.rawValue, ApplicationStatus.awaitingAnnouncement.rawValue])
    }

    static let viewColumns = """
        SELECT c.*, r.registration_number, r.status AS registration_status, i.name,
               (SELECT MAX(valid_until) FROM registration_specialties s WHERE s.registration_id = c.registration_id) AS latest_until
        FROM certificates c JOIN registrations r ON r.id = c.registration_id JOIN individuals i ON i.id = r.individual_id
        """

    func view(_ id: String) throws -> CertificateView? {
        try Row.fetchOne(db, sql: "\(Self.viewColumns) WHERE c.id = ? ORDER BY c.version DESC LIMIT 1", arguments: [id]).map(Self.view)
    }

    func view(registrationID: String, serial: String) throws -> CertificateView? {
        try Row.fetchOne(db, sql: "\(Self.viewColumns) WHERE c.registration_id = ? AND c.serial = ? ORDER BY c.version DESC LIMIT 1",
                         arguments: [registrationID, serial]).map(Self.view)
    }

    func registrationID(number: String, serial: String, holderName: String) throws -> String? {
        try String.fetchOne(db, sql: """
            SELECT r.id FROM registrations r JOIN individuals i ON i.id = r.individual_id
            WHERE r.registration_number = ? AND i.name = ?
            UNION
            SELECT c.registration_id FROM certificates c JOIN registrations r ON r.id = c.registration_id JOIN individuals i ON i.id = r.individual_id
            WHERE c.serial = ? AND json_extract(c.content, '$.registration_number') = ? AND i.name = ?
            LIMIT 1
            """, arguments: [number, holderName, serial, number, holderName])
    }

    // MARK: Rows

    static func certificate(_ row: Row) -> StoredCertificate {
        StoredCertificate(id: row["id"], registrationID: row["registration_id"], serial: row["serial"], version: row["version"],
                          // The schema's CHECK allows valid, void and revoked.
                          status: CertificateStatus(rawValue: row["status"]) ?? .void, issuedAt: row["issued_at"], reason: row["reason"],
                          content: row["content"])
    }

    static func view(_ row: Row) -> CertificateView {
        CertificateView(certificate: certificate(row), registrationNumber: row["registration_number"],
                        registrationStatus: RegistrationStatus(rawValue: row["registration_status"]) ?? .cancelled,
                        holderName: row["name"], latestValidUntil: row["latest_until"])
    }
}
