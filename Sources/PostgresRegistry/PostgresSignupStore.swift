internal import Crypto
public import Foundation
public import Model
internal import PostgresStore

/// Sign-ups on PostgreSQL: `enterprises` under way, `attachments`, `identity_locks`, statement
/// by statement as ``SQLiteSignupStore``.
///
/// Serialisation: one live sign-up per credit code is the partial unique index
/// `enterprises_one_live_per_credit_code`, an identity lock consumed once is the primary key of
/// `identity_locks`; both conflicts come back as ``StoreConflict``, whichever node wrote first.
struct PostgresSignupStore: SignupStore {
    let tx: PGTransaction

    static let liveCreditCode = PostgresEnterpriseStore.liveCreditCode

    func purgeDrafts(createdBefore cutoff: Double) throws {
        let expired = "SELECT id FROM enterprises WHERE status = $1 AND created_at < $2"
        let draft = SignupStatus.draft.rawValue
        try tx.execute("DELETE FROM attachments WHERE enterprise_id IN (\(expired))", draft, cutoff)
        try tx.execute("DELETE FROM enterprise_users WHERE enterprise_id IN (\(expired))", draft, cutoff)
        try tx.execute("DELETE FROM enterprises WHERE status = $1 AND created_at < $2", draft, cutoff)
    }

    func insertDraft(id: String, info: EnterpriseBasicInfo, provinceCode: UInt32, draftTokenHash: [UInt8], at: Double) throws {
        try PostgresConflicts.mapping(Self.liveCreditCode) {
            try tx.execute("""
                INSERT INTO enterprises (id, credit_code, name, province_code, legal_representative, enterprise_type, economic_nature,
                    registered_address, correspondence_address, postcode, contact, contact_phone, qualification_certificate_no,
                    status, draft_token_hash, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
                """, id, info.creditCode, info.name, provinceCode, info.legalRepresentative, info.enterpriseType, info.economicNature,
                           info.registeredAddress, info.correspondenceAddress, info.postcode, info.contact, info.contactPhone,
                           info.qualificationCertificateNo, SignupStatus.draft.rawValue, draftTokenHash, at)
        }
    }

    func draft(tokenHash: [UInt8]) throws -> StoredDraft? {
        try tx.queryOne("SELECT id, status, phone, created_at FROM enterprises WHERE draft_token_hash = $1", tokenHash).map {
            StoredDraft(id: try $0.decode("id"), status: SignupStatus(rawValue: try $0.decode("status")) ?? .returned,
                        phone: try $0.decode(String?.self, "phone") ?? "", createdAt: try $0.decode("created_at"))
        }
    }

    func signup(_ key: SignupKey) throws -> SignupState? {
        var p = Self.stateParameters
        let condition = switch key {
        case .draftTokenHash(let hash): "e.draft_token_hash = \(p.bind(hash))"
        case .id(let id): "e.id = \(p.bind(id))"
        case .lockSerial(let serial): "e.lock_serial = \(p.bind(serial))"
        }
        return try states(where: condition, &p, limit: 1).first
    }

    func signup(_ id: String, visibleTo scope: Scope) throws -> SignupState? {
        var p = Self.stateParameters
        let condition = "e.id = \(p.bind(id))"
        let visible = p.splice(PostgresEnterpriseStore.visible(to: scope, first: p.next))
        return try states(where: "\(condition) AND \(visible)", &p, limit: 1).first
    }

    func signups(visibleTo scope: Scope, status: SignupStatus, limit: Int) throws -> [SignupState] {
        var p = Self.stateParameters
        let visible = p.splice(PostgresEnterpriseStore.visible(to: scope, first: p.next))
        return try states(where: "\(visible) AND e.status = \(p.bind(status.rawValue))", &p, limit: limit)
    }

    func signups(creditCode: String, in statuses: Set<SignupStatus>, except id: String) throws -> [String] {
        guard !statuses.isEmpty else { return [] }
        var p = PGParameters([creditCode, id])
        let list = p.list(statuses.map(\.rawValue).sorted())
        return try tx.query("SELECT id FROM enterprises WHERE credit_code = $1 AND id != $2 AND status IN (\(list)) ORDER BY created_at, id",
                            parameters: p.values).map { try $0.decode(String.self, at: 0) }
    }

    func updateInfo(_ id: String, fields: [SignupInfoField: String]) throws {
        guard !fields.isEmpty else { return }
        // Column names come from the closed enum (its raw value is the column, SignupInfoField.column), never from a request.
        let ordered = fields.sorted { $0.key.rawValue < $1.key.rawValue }
        var p = PGParameters()
        let assignments = ordered.map { field, value in
            "\(field.rawValue) = \(field == .provinceCode ? p.bind(UInt32(value) ?? 0) : p.bind(value))"
        }.joined(separator: ", ")
        try PostgresConflicts.mapping(Self.liveCreditCode) {
            try tx.execute("UPDATE enterprises SET \(assignments) WHERE id = \(p.bind(id))", parameters: p.values)
        }
    }

    func setContact(_ id: String, email: String, phone: String) throws {
        try tx.execute("UPDATE enterprises SET email = $1, phone = $2 WHERE id = $3", email, phone, id)
    }

    func setLockChallenge(_ id: String, challenge: [UInt8], expires: Double) throws {
        try tx.execute("UPDATE enterprises SET lock_challenge = $1, lock_challenge_expires = $2 WHERE id = $3", challenge, expires, id)
    }

    func lockChallenge(of id: String) throws -> LockChallenge? {
        try tx.queryOne("SELECT credit_code, name, lock_challenge, lock_challenge_expires FROM enterprises WHERE id = $1", id).map {
            LockChallenge(creditCode: try $0.decode("credit_code"), name: try $0.decode("name"), challenge: try $0.decode("lock_challenge"),
                          expires: try $0.decode("lock_challenge_expires"))
        }
    }

    func lockUsed(serial: String) throws -> Bool {
        try tx.queryOne("SELECT 1 FROM identity_locks WHERE serial = $1", serial) != nil
    }

    func consumeLock(serial: String, creditCode: String, enterpriseID: String, at: Double) throws {
        try PostgresConflicts.mapping(["identity_locks_pkey": .lockUsedOnce]) {
            try tx.execute("INSERT INTO identity_locks (serial, credit_code, enterprise_id, consumed_at) VALUES ($1, $2, $3, $4)",
                           serial, creditCode, enterpriseID, at)
        }
    }

    func requestOnSite(_ id: String, method: AuthenticationMethod, lockSerial: String?) throws {
        try PostgresConflicts.mapping(Self.liveCreditCode) {
            try tx.execute("UPDATE enterprises SET status = $1, auth_method = $2, lock_serial = $3 WHERE id = $4",
                           SignupStatus.pending.rawValue, method.rawValue, lockSerial, id)
        }
    }

    func authenticate(_ id: String, withLock serial: String?, at: Double) throws {
        try PostgresConflicts.mapping(Self.liveCreditCode) {
            if let serial {
                try tx.execute("""
                    UPDATE enterprises SET status = $1, auth_method = $2, lock_serial = $3, authenticated_at = $4, draft_token_hash = NULL, lock_challenge = NULL
                    WHERE id = $5
                    """, SignupStatus.authenticated.rawValue, AuthenticationMethod.identityLock.rawValue, serial, at, id)
            } else {
                try tx.execute("UPDATE enterprises SET status = $1, authenticated_at = $2, draft_token_hash = NULL WHERE id = $3",
                               SignupStatus.authenticated.rawValue, at, id)
            }
        }
    }

    func markReturned(_ id: String, reason: String, endDraft: Bool) throws {
        try tx.execute("UPDATE enterprises SET status = $1, return_reason = $2\(endDraft ? ", draft_token_hash = NULL" : "") WHERE id = $3",
                       SignupStatus.returned.rawValue, reason, id)
    }

    func authenticatedAdministrator(creditCode: String, visibleTo scope: Scope) throws -> (enterpriseID: String, name: String, account: String)? {
        var p = PGParameters([creditCode, SignupStatus.authenticated.rawValue])
        let visible = p.splice(PostgresEnterpriseStore.visible(to: scope, first: p.next))
        return try tx.query("""
            SELECT e.id, e.name, u.account FROM enterprises e JOIN enterprise_users u ON u.enterprise_id = e.id AND u.is_admin = 1
            WHERE e.credit_code = $1 AND e.status = $2 AND \(visible)
            """, parameters: p.values).first.map { (try $0.decode(String.self, "id"), try $0.decode(String.self, "name"), try $0.decode(String.self, "account")) }
    }

    func authenticatedAdministratorID(enterpriseID: String, visibleTo scope: Scope) throws -> String? {
        var p = PGParameters([enterpriseID, SignupStatus.authenticated.rawValue])
        let visible = p.splice(PostgresEnterpriseStore.visible(to: scope, first: p.next))
        return try tx.query("""
            SELECT u.id FROM enterprise_users u JOIN enterprises e ON e.id = u.enterprise_id
            WHERE e.id = $1 AND u.is_admin = 1 AND e.status = $2 AND \(visible)
            """, parameters: p.values).first?.decode(String.self, at: 0)
    }

    // MARK: Rows

    /// The parameters of ``states(where:_:limit:)``'s columns ($1 … $4); the condition's follow.
    static var stateParameters: PGParameters {
        PGParameters([AttachmentKind.businessLicence.rawValue, AttachmentKind.qualificationCertificate.rawValue,
                      SignupStatus.draft.rawValue, SignupStatus.pending.rawValue])
    }

    func states(where condition: String, _ p: inout PGParameters, limit: Int) throws -> [SignupState] {
        let rows = try tx.query("""
            SELECT e.id, e.credit_code, e.name, e.province_code, e.status, e.auth_method, e.lock_serial, e.phone, e.return_reason, e.created_at,
                   e.legal_representative, e.enterprise_type, e.economic_nature, e.registered_address, e.correspondence_address,
                   e.postcode, e.contact, e.contact_phone, e.qualification_certificate_no,
                   (SELECT account FROM enterprise_users u WHERE u.enterprise_id = e.id AND u.is_admin = 1) AS admin_account,
                   (SELECT name FROM enterprise_users u WHERE u.enterprise_id = e.id AND u.is_admin = 1) AS admin_name,
                   (SELECT sha256 FROM attachments a WHERE a.enterprise_id = e.id AND a.kind = $1) AS licence,
                   (SELECT sha256 FROM attachments a WHERE a.enterprise_id = e.id AND a.kind = $2) AS qualification,
                   (SELECT count(*) FROM enterprises o WHERE o.credit_code = e.credit_code AND o.id != e.id
                        AND o.status IN ($3, $4)) AS others
            FROM enterprises e WHERE \(condition) ORDER BY e.created_at, e.id LIMIT \(p.bind(limit))
            """, parameters: p.values)
        return try rows.map { row in
            let licence = try row.decode([UInt8]?.self, "licence").map(Digest.hex)
            let qualification = try row.decode([UInt8]?.self, "qualification").map(Digest.hex)
            let text = { (column: String) throws -> String in try row.decode(String?.self, column) ?? "" }
            let provinceCode: UInt32 = try row.decode("province_code")
            let phone = try text("phone")
            let info = EnterpriseBasicInfo(
                creditCode: try row.decode("credit_code"), name: try row.decode("name"), legalRepresentative: try text("legal_representative"),
                enterpriseType: try text("enterprise_type"), economicNature: try text("economic_nature"),
                registeredAddress: try text("registered_address"), correspondenceAddress: try text("correspondence_address"),
                postcode: try text("postcode"), contact: try text("contact"), contactPhone: try text("contact_phone"),
                qualificationCertificateNo: try text("qualification_certificate_no"), provinceCode: provinceCode)
            return SignupState(enterpriseID: try row.decode("id"), creditCode: try row.decode("credit_code"), name: try row.decode("name"),
                               provinceCode: provinceCode, status: SignupStatus(rawValue: try row.decode("status")) ?? .draft,
                               method: try row.decode(String?.self, "auth_method").flatMap(AuthenticationMethod.init(rawValue:)),
                               administratorAccount: try row.decode(String?.self, "admin_account").map(EnterpriseSignup.shownAccount),
                               licenceUploaded: licence != nil, qualificationUploaded: qualification != nil,
                               contactBound: !phone.isEmpty, returnReason: try row.decode("return_reason"),
                               createdAt: Date(timeIntervalSince1970: try row.decode("created_at")), otherSignups: try row.decode("others"),
                               info: info, administratorName: try row.decode("admin_name"), licenceSHA256: licence, qualificationSHA256: qualification,
                               lockSerial: try row.decode("lock_serial"))
        }
    }
}
