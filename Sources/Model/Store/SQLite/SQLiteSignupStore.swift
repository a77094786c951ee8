import Crypto
import Foundation
import GRDB

/// Sign-ups on SQLite: `enterprises` under way, `attachments`, `identity_locks`.
struct SQLiteSignupStore: SignupStore {
    let db: Database

    func purgeDrafts(createdBefore cutoff: Double) throws {
        let expired = "SELECT id FROM enterprises WHERE status = ? AND created_at < ?"
        let arguments: StatementArguments = [SignupStatus.draft.rawValue, cutoff]
        try db.execute(sql: "DELETE FROM attachments WHERE enterprise_id IN (\(expired))", arguments: arguments)
        try db.execute(sql: "DELETE FROM enterprise_users WHERE enterprise_id IN (\(expired))", arguments: arguments)
        try db.execute(sql: "DELETE FROM enterprises WHERE status = ? AND created_at < ?", arguments: arguments)
    }

    func insertDraft(id: String, info: EnterpriseBasicInfo, provinceCode: UInt32, draftTokenHash: [UInt8], at: Double) throws {
        try SQLiteConflicts.mapping([("enterprises.credit_code", .oneLiveEnterprisePerCreditCode)]) {
            try db.execute(sql: """
                INSERT INTO enterprises (id, credit_code, name, province_code, legal_representative, enterprise_type, economic_nature,
                    registered_address, correspondence_address, postcode, contact, contact_phone, qualification_certificate_no,
                    status, draft_token_hash, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id, info.creditCode, info.name, provinceCode, info.legalRepresentative, info.enterpriseType, info.economicNature,
                                 info.registeredAddress, info.correspondenceAddress, info.postcode, info.contact, info.contactPhone,
                                 info.qualificationCertificateNo, SignupStatus.draft.rawValue, Data(draftTokenHash), at])
        }
    }

    func draft(tokenHash: [UInt8]) throws -> StoredDraft? {
        try Row.fetchOne(db, sql: "SELECT id, status, phone, created_at FROM enterprises WHERE draft_token_hash = ?", arguments: [Data(tokenHash)]).map {
            StoredDraft(id: $0["id"], status: SignupStatus(rawValue: $0["status"]) ?? .returned, phone: $0["phone"] ?? "", createdAt: $0["created_at"])
        }
    }

    func signup(_ key: SignupKey) throws -> SignupState? {
        switch key {
        case .draftTokenHash(let hash): try states(where: "e.draft_token_hash = ?", [Data(hash)], limit: 1).first
        case .id(let id): try states(where: "e.id = ?", [id], limit: 1).first
        case .lockSerial(let serial): try states(where: "e.lock_serial = ?", [serial], limit: 1).first
        }
    }

    func signup(_ id: String, visibleTo scope: Scope) throws -> SignupState? {
        let visible = SQLiteEnterpriseStore.visible(to: scope)
        return try states(where: "e.id = ? AND \(visible.sql)", [id] + visible.arguments, limit: 1).first
    }

    func signups(visibleTo scope: Scope, status: SignupStatus, limit: Int) throws -> [SignupState] {
        let visible = SQLiteEnterpriseStore.visible(to: scope)
        return try states(where: "\(visible.sql) AND e.status = ?", visible.arguments + [status.rawValue], limit: limit)
    }

    func signups(creditCode: String, in statuses: Set<SignupStatus>, except id: String) throws -> [String] {
        guard !statuses.isEmpty else { return [] }
        let list = statuses.map(\.rawValue).sorted()
        return try String.fetchAll(db, sql: """
            SELECT id FROM enterprises WHERE credit_code = ? AND id != ? AND status IN (\(list.map { _ in "?" }.joined(separator: ","))) ORDER BY created_at, id
            """, arguments: [creditCode, id] + StatementArguments(list))
    }

    func updateInfo(_ id: String, fields: [SignupInfoField: String]) throws {
        guard !fields.isEmpty else { return }
        // Column names come from the closed enum, never from a request.
        let ordered = fields.sorted { $0.key.rawValue < $1.key.rawValue }
        let values: [any DatabaseValueConvertible] = ordered.map { field, value -> any DatabaseValueConvertible in
            field == .provinceCode ? (UInt32(value) ?? 0) : value
        }
        try SQLiteConflicts.mapping([("enterprises.credit_code", .oneLiveEnterprisePerCreditCode)]) {
            try db.execute(sql: "UPDATE enterprises SET \(ordered.map { "\($0.key.column) = ?" }.joined(separator: ", ")) WHERE id = ?",
                           arguments: StatementArguments(values + [id]))
        }
    }

    func setContact(_ id: String, email: String, phone: String) throws {
        try db.execute(sql: "UPDATE enterprises SET email = ?, phone = ? WHERE id = ?", arguments: [email, phone, id])
    }

    func setLockChallenge(_ id: String, challenge: [UInt8], expires: Double) throws {
        try db.execute(sql: "UPDATE enterprises SET lock_challenge = ?, lock_challenge_expires = ? WHERE id = ?", arguments: [Data(challenge), expires, id])
    }

    func lockChallenge(of id: String) throws -> LockChallenge? {
        try Row.fetchOne(db, sql: "SELECT credit_code, name, lock_challenge, lock_challenge_expires FROM enterprises WHERE id = ?", arguments: [id]).map {
            LockChallenge(creditCode: $0["credit_code"], name: $0["name"], challenge: ($0["lock_challenge"] as Data?).map { Array($0) },
                          expires: $0["lock_challenge_expires"])
        }
    }

    func lockUsed(serial: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM identity_locks WHERE serial = ?", arguments: [serial]) == true
    }

    func consumeLock(serial: String, creditCode: String, enterpriseID: String, at: Double) throws {
        try SQLiteConflicts.mapping([("identity_locks.serial", .lockUsedOnce)]) {
            try db.execute(sql: "INSERT INTO identity_locks (serial, credit_code, enterprise_id, consumed_at) VALUES (?, ?, ?, ?)",
                           arguments: [serial, creditCode, enterpriseID, at])
        }
    }

    func requestOnSite(_ id: String, method: AuthenticationMethod, lockSerial: String?) throws {
        try SQLiteConflicts.mapping([("enterprises.credit_code", .oneLiveEnterprisePerCreditCode)]) {
            try db.execute(sql: "UPDATE enterprises SET status = ?, auth_method = ?, lock_serial = ? WHERE id = ?",
                           arguments: [SignupStatus.pending.rawValue, method.rawValue, lockSerial, id])
        }
    }

    func authenticate(_ id: String, withLock serial: String?, at: Double) throws {
        try SQLiteConflicts.mapping([("enterprises.credit_code", .oneLiveEnterprisePerCreditCode)]) {
            if let serial {
                try db.execute(sql: """
                    UPDATE enterprises SET status = ?, auth_method = ?, lock_serial = ?, authenticated_at = ?, draft_token_hash = NULL, lock_challenge = NULL
                    WHERE id = ?
                    """, arguments: [SignupStatus.authenticated.rawValue, AuthenticationMethod.identityLock.rawValue, serial, at, id])
            } else {
                try db.execute(sql: "UPDATE enterprises SET status = ?, authenticated_at = ?, draft_token_hash = NULL WHERE id = ?",
                               arguments: [SignupStatus.authenticated.rawValue, at, id])
            }
        }
    }

    func markReturned(_ id: String, reason: String, endDraft: Bool) throws {
        try db.execute(sql: "UPDATE enterprises SET status = ?, return_reason = ?\(endDraft ? ", draft_token_hash = NULL" : "") WHERE id = ?",
                       arguments: [SignupStatus.returned.rawValue, reason, id])
    }

    func authenticatedAdministrator(creditCode: String, visibleTo scope: Scope) throws -> (enterpriseID: String, name: String, account: String)? {
        let visible = SQLiteEnterpriseStore.visible(to: scope)
        return try Row.fetchOne(db, sql: """
            SELECT e.id, e.name, u.account FROM enterprises e JOIN enterprise_users u ON u.enterprise_id = e.id AND u.is_admin = 1
            WHERE e.credit_code = ? AND e.status = ? AND \(visible.sql)
            """, arguments: [creditCode, SignupStatus.authenticated.rawValue] + visible.arguments).map { ($0["id"], $0["name"], $0["account"]) }
    }

    func authenticatedAdministratorID(enterpriseID: String, visibleTo scope: Scope) throws -> String? {
        let visible = SQLiteEnterpriseStore.visible(to: scope)
        return try String.fetchOne(db, sql: """
            SELECT u.id FROM enterprise_users u JOIN enterprises e ON e.id = u.enterprise_id
            WHERE e.id = ? AND u.is_admin = 1 AND e.status = ? AND \(visible.sql)
            """, arguments: [enterpriseID, SignupStatus.authenticated.rawValue] + visible.arguments)
    }

    // MARK: Rows

    func states(where condition: String, _ arguments: StatementArguments, limit: Int) throws -> [SignupState] {
        let rows = try Row.fetchAll(db, sql: """
            SELECT e.id, e.credit_code, e.name, e.province_code, e.status, e.auth_method, e.lock_serial, e.phone, e.return_reason, e.created_at,
                   e.legal_representative, e.enterprise_type, e.economic_nature, e.registered_address, e.correspondence_address,
                   e.postcode, e.contact, e.contact_phone, e.qualification_certificate_no,
                   (SELECT account FROM enterprise_users u WHERE u.enterprise_id = e.id AND u.is_admin = 1) AS admin_account,
                   (SELECT name FROM enterprise_users u WHERE u.enterprise_id = e.id AND u.is_admin = 1) AS admin_name,
                   (SELECT sha256 FROM attachments a WHERE a.enterprise_id = e.id AND a.kind = ?) AS licence,
                   (SELECT sha256 FROM attachments a WHERE a.enterprise_id = e.id AND a.kind = ?) AS qualification,
                   (SELECT count(*) FROM enterprises o WHERE o.credit_code = e.credit_code AND o.id != e.id
                        AND o.status IN (?, ?)) AS others
            FROM enterprises e WHERE \(condition) ORDER BY e.created_at, e.id LIMIT ?
            """, arguments: [AttachmentKind.businessLicence.rawValue, AttachmentKind.qualificationCertificate.rawValue,
                             SignupStatus.draft.rawValue, SignupStatus.pending.rawValue] + arguments + [limit])
        return rows.map { row in
            let licence = (row["licence"] as Data?).map { Digest.hex(Array($0)) }
            let qualification = (row["qualification"] as Data?).map { Digest.hex(Array($0)) }
            let info = EnterpriseBasicInfo(
                creditCode: row["credit_code"], name: row["name"], legalRepresentative: row["legal_representative"] ?? "",
                enterpriseType: row["enterprise_type"] ?? "", economicNature: row["economic_nature"] ?? "",
                registeredAddress: row["registered_address"] ?? "", correspondenceAddress: row["correspondence_address"] ?? "",
                postcode: row["postcode"] ?? "", contact: row["contact"] ?? "", contactPhone: row["contact_phone"] ?? "",
                qualificationCertificateNo: row["qualification_certificate_no"] ?? "", provinceCode: row["province_code"])
            return SignupState(enterpriseID: row["id"], creditCode: row["credit_code"], name: row["name"], provinceCode: row["province_code"],
                               status: SignupStatus(rawValue: row["status"]) ?? .draft,
                               method: (row["auth_method"] as String?).flatMap(AuthenticationMethod.init(rawValue:)),
                               administratorAccount: (row["admin_account"] as String?).map(EnterpriseSignup.shownAccount),
                               licenceUploaded: licence != nil, qualificationUploaded: qualification != nil,
                               contactBound: !((row["phone"] as String?) ?? "").isEmpty, returnReason: row["return_reason"],
                               createdAt: Date(timeIntervalSince1970: row["created_at"]), otherSignups: row["others"],
                               info: info, administratorName: row["admin_name"], licenceSHA256: licence, qualificationSHA256: qualification,
                               lockSerial: row["lock_serial"])
        }
    }
}
