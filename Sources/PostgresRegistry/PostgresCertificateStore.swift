public import Model
internal import PostgresStore

/// `certificates` on PostgreSQL, statement by statement as ``SQLiteCertificateStore``.
///
/// Serialisation: a new version is `newest(serial:)` + 1, guarded by `UNIQUE (serial, version)`
/// and the partial unique index `certificates_one_valid`; two nodes issuing at once get one
/// insert and one ``StoreConflict`` (the loser's unit of work fails and is retried by its caller).
struct PostgresCertificateStore: CertificateStore {
    let tx: PGTransaction

    static let conflicts: [String: StoreInvariant] = [
        "certificates_serial_version_key": .uniqueCertificateVersion, "certificates_one_valid": .oneValidCertificatePerRegistration,
    ]

    func certificate(_ id: String) throws -> StoredCertificate? {
        try tx.queryOne("SELECT * FROM certificates WHERE id = $1", id).map(Self.certificate)
    }

    func newest(serial: String) throws -> StoredCertificate? {
        try tx.queryOne("SELECT * FROM certificates WHERE serial = $1 ORDER BY version DESC LIMIT 1", serial).map(Self.certificate)
    }

    func newest(visibleTo scope: Scope, id: String?, status: CertificateStatus?) throws -> StoredCertificate? {
        var p = PGParameters()
        var conditions = [p.splice(PostgresRegistrationStore.visible(to: scope, first: p.next))]
        if let id {
            conditions.append("c.id = \(p.bind(id))")
        }
        if let status {
            conditions.append("c.status = \(p.bind(status.rawValue))")
        }
        return try tx.query("""
            SELECT c.* FROM certificates c JOIN registrations r ON r.id = c.registration_id
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY c.version DESC LIMIT 1
            """, parameters: p.values).first.map(Self.certificate)
    }

    func insert(_ c: StoredCertificate) throws {
        try PostgresConflicts.mapping(Self.conflicts) {
            try tx.execute("""
                INSERT INTO certificates (id, registration_id, serial, version, status, issued_at, reason, content) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                """, c.id, c.registrationID, c.serial, c.version, c.status.rawValue, c.issuedAt, c.reason, c.content)
        }
    }

    func voidValid(registrationID: String, reason: String) throws {
        try tx.execute("UPDATE certificates SET status = $1, reason = $2 WHERE registration_id = $3 AND status = $4",
                       CertificateStatus.void.rawValue, reason, registrationID, CertificateStatus.valid.rawValue)
    }

    func revoke(_ id: String, reason: String) throws {
        try tx.execute("UPDATE certificates SET status = $1, reason = $2 WHERE id = $3", CertificateStatus.revoked.rawValue, reason, id)
    }

    func certifiedFacts(registrationID: String) throws -> CertifiedFacts? {
        guard let row = try tx.queryOne("""
            SELECT r.registration_number, i.name, i.id_number, e.name AS employer, e.credit_code FROM registrations r
            JOIN individuals i ON i.id = r.individual_id JOIN enterprises e ON e.id = r.enterprise_id WHERE r.id = $1
            """, registrationID) else { return nil }
        return CertifiedFacts(holder: try row.decode("name"), idNumber: try row.decode("id_number"), registrationNumber: try row.decode("registration_number"),
                              employer: try row.decode("employer"), employerCreditCode: try row.decode("credit_code"),
                              specialties: try PostgresRegistrationStore(tx: tx).specialties(of: registrationID))
    }

    // MARK: Batch work (one statement each, like the decision's batch: docs/STORE.md "Batch work")

    func certifiedFacts(registrationIDs: [String]) throws -> [String: CertifiedFacts] {
        guard !registrationIDs.isEmpty else { return [:] }
        let ids = PGRowSet.array(registrationIDs)
        var specialties: [String: [RegisteredSpecialty]] = [:]
        for row in try tx.query("""
            SELECT registration_id, specialty, valid_from, valid_until FROM registration_specialties
            WHERE registration_id = ANY($1::text[]) ORDER BY registration_id, specialty
            """, ids) {
            specialties[try row.decode("registration_id"), default: []].append(try PostgresRegistrationStore.specialty(row))
        }
        var found: [String: CertifiedFacts] = [:]
        for row in try tx.query("""
            SELECT r.id, r.registration_number, i.name, i.id_number, e.name AS employer, e.credit_code FROM registrations r
            JOIN individuals i ON i.id = r.individual_id JOIN enterprises e ON e.id = r.enterprise_id WHERE r.id = ANY($1::text[])
            """, ids) {
            let id: String = try row.decode("id")
            found[id] = CertifiedFacts(holder: try row.decode("name"), idNumber: try row.decode("id_number"),
                                       registrationNumber: try row.decode("registration_number"), employer: try row.decode("employer"),
                                       employerCreditCode: try row.decode("credit_code"), specialties: specialties[id] ?? [])
        }
        return found
    }

    func newest(serials: [String]) throws -> [String: StoredCertificate] {
        guard !serials.isEmpty else { return [:] }
        var found: [String: StoredCertificate] = [:]
        for row in try tx.query("""
            SELECT DISTINCT ON (serial) * FROM certificates WHERE serial = ANY($1::text[]) ORDER BY serial, version DESC
            """, PGRowSet.array(serials)) {
            let certificate = try Self.certificate(row)
            found[certificate.serial] = certificate
        }
        return found
    }

    func voidValid(_ reasons: [(registrationID: String, reason: String)]) throws {
        guard !reasons.isEmpty else { return }
        var rows = PGRowSet(["registration_id": "text", "reason": "text"])
        for (registrationID, reason) in reasons { rows.append(registrationID, reason) }
        let n = rows.columns.count
        try tx.execute("""
            UPDATE certificates c SET status = $\(n + 1), reason = v.reason FROM \(rows.table("v"))
            WHERE c.registration_id = v.registration_id AND c.status = $\(n + 2)
            """, parameters: rows.parameters + [CertificateStatus.void.rawValue.pgValue, CertificateStatus.valid.rawValue.pgValue])
    }

    func insert(_ certificates: [StoredCertificate]) throws {
        guard !certificates.isEmpty else { return }
        var rows = PGRowSet(["id": "text", "registration_id": "text", "serial": "text", "version": "int4", "status": "text",
                             "issued_at": "float8", "reason": "text", "content": "text"])
        for c in certificates { rows.append(c.id, c.registrationID, c.serial, c.version, c.status.rawValue, c.issuedAt, c.reason, c.content) }
        try PostgresConflicts.mapping(Self.conflicts) {
            try tx.execute("""
                INSERT INTO certificates (id, registration_id, serial, version, status, issued_at, reason, content) SELECT * FROM \(rows.table("v"))
                """, parameters: rows.parameters)
        }
    }

    func registrationsWithValidCertificate(employerID: String) throws -> [String] {
        try tx.query("""
            SELECT c.registration_id FROM certificates c JOIN registrations r ON r.id = c.registration_id
            WHERE r.enterprise_id = $1 AND r.status = $2 AND c.status = $3 ORDER BY r.registration_number
            """, employerID, RegistrationStatus.active.rawValue, CertificateStatus.valid.rawValue).map { try $0.decode(String.self, at: 0) }
    }

    /// SQLite's `substr(n, length(n) - 11)` is the number's last 12 characters (the whole number
    /// when shorter): `right(n, 12)`.
    func outstandingRegistrations() throws -> [String] {
        try tx.query("""
            SELECT r.id FROM registrations r WHERE r.status = $1
            AND NOT EXISTS (SELECT 1 FROM certificates c WHERE c.registration_id = r.id AND c.serial = right(r.registration_number, 12))
            AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.individual_id = r.individual_id AND a.status = $2)
            ORDER BY r.registration_number
            """, RegistrationStatus.active.rawValue, ApplicationStatus.awaitingAnnouncement.rawValue).map { try $0.decode(String.self, at: 0) }
    }

    static let viewColumns = """
        SELECT c.*, r.registration_number, r.status AS registration_status, i.name,
               (SELECT MAX(valid_until) FROM registration_specialties s WHERE s.registration_id = c.registration_id) AS latest_until
        FROM certificates c JOIN registrations r ON r.id = c.registration_id JOIN individuals i ON i.id = r.individual_id
        """

    func view(_ id: String) throws -> CertificateView? {
        try tx.queryOne("\(Self.viewColumns) WHERE c.id = $1 ORDER BY c.version DESC LIMIT 1", id).map(Self.view)
    }

    func view(registrationID: String, serial: String) throws -> CertificateView? {
        try tx.queryOne("\(Self.viewColumns) WHERE c.registration_id = $1 AND c.serial = $2 ORDER BY c.version DESC LIMIT 1",
                        registrationID, serial).map(Self.view)
    }

    /// SQLite's `json_extract(content, '$.registration_number')` is `content::jsonb ->> 'registration_number'`
    /// (the column is TEXT holding the signed JSON, or NULL).
    func registrationID(number: String, serial: String, holderName: String) throws -> String? {
        try tx.queryOne("""
            SELECT r.id FROM registrations r JOIN individuals i ON i.id = r.individual_id
            WHERE r.registration_number = $1 AND i.name = $2
            UNION
            SELECT c.registration_id FROM certificates c JOIN registrations r ON r.id = c.registration_id JOIN individuals i ON i.id = r.individual_id
            WHERE c.serial = $3 AND c.content::jsonb ->> 'registration_number' = $1 AND i.name = $2
            LIMIT 1
            """, number, holderName, serial)?.decode(String.self, at: 0)
    }

    // MARK: Rows

    static func certificate(_ row: PGRow) throws -> StoredCertificate {
        StoredCertificate(id: try row.decode("id"), registrationID: try row.decode("registration_id"), serial: try row.decode("serial"),
                          version: try row.decode("version"),
                          // The schema's CHECK allows valid, void and revoked.
                          status: CertificateStatus(rawValue: try row.decode("status")) ?? .void, issuedAt: try row.decode("issued_at"),
                          reason: try row.decode("reason"), content: try row.decode("content"))
    }

    static func view(_ row: PGRow) throws -> CertificateView {
        CertificateView(certificate: try certificate(row), registrationNumber: try row.decode("registration_number"),
                        registrationStatus: RegistrationStatus(rawValue: try row.decode("registration_status")) ?? .cancelled,
                        holderName: try row.decode("name"), latestValidUntil: try row.decode("latest_until"))
    }
}
