import Foundation
import GRDB

/// `individuals` and `enterprise_users` on SQLite.
struct SQLiteAccountStore: AccountStore {
    let db: Database

    /// The one rule of which enterprise users a scope sees (`enterprise_users` aliased `u`).
    static func visible(to scope: Scope) -> (sql: String, arguments: StatementArguments) {
        switch scope {
        case .nationwide: ("1", [])
        case .province(let code): ("u.enterprise_id IN (SELECT e.id FROM enterprises e WHERE e.province_code = ?)", [code.rawValue])
        case .enterprise(let id): ("u.enterprise_id = ?", [id])
        case .individual, .nothing: ("0", [])
        }
    }

    // MARK: Individuals

    func individual(id: String) throws -> StoredIndividual? {
        try Row.fetchOne(db, sql: "SELECT * FROM individuals WHERE id = ?", arguments: [id]).map(Self.individual)
    }

    func individual(idNumber: String) throws -> StoredIndividual? {
        try Row.fetchOne(db, sql: "SELECT * FROM individuals WHERE id_number = ?", arguments: [idNumber]).map(Self.individual)
    }

    func insertIndividual(_ i: StoredIndividual, createdAt: Date) throws {
        try db.execute(sql: """
            INSERT INTO individuals (id, id_number, name, phone, password_hash, created_at, must_change_password) VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [i.id, i.idNumber, i.name, i.phone, i.passwordHash, createdAt.timeIntervalSince1970, i.mustChangePassword ? 1 : 0])
    }

    func reassignIndividual(id: String, name: String, phone: String, passwordHash: String, mustChangePassword: Bool) throws {
        try db.execute(sql: "UPDATE individuals SET name = ?, phone = ?, password_hash = ?, must_change_password = ? WHERE id = ?",
                       arguments: [name, phone, passwordHash, mustChangePassword ? 1 : 0, id])
    }

    func setIndividualPassword(id: String, passwordHash: String, mustChangePassword: Bool) throws {
        try db.execute(sql: "UPDATE individuals SET password_hash = ?, must_change_password = ? WHERE id = ?",
                       arguments: [passwordHash, mustChangePassword ? 1 : 0, id])
    }

    static func individual(_ row: Row) -> StoredIndividual {
        StoredIndividual(id: row["id"], idNumber: row["id_number"], name: row["name"], phone: row["phone"],
                         passwordHash: row["password_hash"], mustChangePassword: (row["must_change_password"] as Int) != 0)
    }

    // MARK: Login

    func credentials(_ kind: AccountKind, key: String) throws -> LoginCredentials? {
        let sql = switch kind {
        case .individual:
            "SELECT id, password_hash, 1 AS enabled, NULL AS enterprise_id, 0 AS is_admin, must_change_password FROM individuals WHERE id_number = ?"
        case .enterpriseUser:
            "SELECT id, password_hash, enabled, enterprise_id, is_admin, must_change_password FROM enterprise_users WHERE account = ?"
        }
        return try Row.fetchOne(db, sql: sql, arguments: [key]).map {
            LoginCredentials(id: $0["id"], passwordHash: $0["password_hash"], enabled: ($0["enabled"] as Int) != 0,
                             enterpriseID: $0["enterprise_id"], isAdministrator: ($0["is_admin"] as Int) != 0,
                             mustChangePassword: ($0["must_change_password"] as Int) != 0)
        }
    }

    func returnedSignupAdministrator(account: String) throws -> (passwordHash: String, reason: String)? {
        // A returned sign-up's accounts were renamed `account#returned-<user id>` (EnterpriseSignup).
        guard let row = try Row.fetchOne(db, sql: """
            SELECT u.password_hash, e.return_reason FROM enterprise_users u JOIN enterprises e ON e.id = u.enterprise_id
            WHERE u.account = ? || '#returned-' || u.id AND u.is_admin = 1 AND e.status = ?
            ORDER BY e.created_at DESC LIMIT 1
            """, arguments: [account, SignupStatus.returned.rawValue]) else { return nil }
        return (row["password_hash"], row["return_reason"] ?? "")
    }

    // MARK: Enterprise users

    func enterpriseUsers(visibleTo scope: Scope) throws -> [StoredEnterpriseUser] {
        let visible = Self.visible(to: scope)
        return try Row.fetchAll(db, sql: "SELECT u.* FROM enterprise_users u WHERE \(visible.sql) ORDER BY u.is_admin DESC, u.created_at",
                                arguments: visible.arguments).map(Self.user)
    }

    func enterpriseUser(_ key: EnterpriseUserKey, visibleTo scope: Scope) throws -> StoredEnterpriseUser? {
        let visible = Self.visible(to: scope)
        let (column, value) = switch key {
        case .account(let account): ("u.account", account)
        case .id(let id): ("u.id", id)
        }
        return try Row.fetchOne(db, sql: "SELECT u.* FROM enterprise_users u WHERE \(column) = ? AND \(visible.sql)",
                                arguments: [value] + visible.arguments).map(Self.user)
    }

    func enterpriseUserIdentity(id: String, visibleTo scope: Scope) throws -> (user: StoredEnterpriseUser, enterpriseName: String, provinceCode: UInt32)? {
        let visible = Self.visible(to: scope)
        return try Row.fetchOne(db, sql: """
            SELECT u.*, e.name AS enterprise_name, e.province_code FROM enterprise_users u JOIN enterprises e ON e.id = u.enterprise_id
            WHERE u.id = ? AND \(visible.sql)
            """, arguments: [id] + visible.arguments).map { (Self.user($0), $0["enterprise_name"], $0["province_code"]) }
    }

    func accountTaken(_ account: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM enterprise_users WHERE account = ?", arguments: [account]) == true
    }

    func insertEnterpriseUser(_ u: StoredEnterpriseUser, createdAt: Date) throws {
        try db.execute(sql: """
            INSERT INTO enterprise_users (id, enterprise_id, account, name, password_hash, is_admin, enabled, created_at, must_change_password)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [u.id, u.enterpriseID, u.account, u.name, u.passwordHash, u.isAdministrator ? 1 : 0, u.enabled ? 1 : 0,
                             createdAt.timeIntervalSince1970, u.mustChangePassword ? 1 : 0])
    }

    func renameEnterpriseUser(id: String, name: String) throws {
        try db.execute(sql: "UPDATE enterprise_users SET name = ? WHERE id = ?", arguments: [name, id])
    }

    func setEnterpriseUserPassword(id: String, passwordHash: String, mustChangePassword: Bool) throws {
        try db.execute(sql: "UPDATE enterprise_users SET password_hash = ?, must_change_password = ? WHERE id = ?",
                       arguments: [passwordHash, mustChangePassword ? 1 : 0, id])
    }

    func deleteEnterpriseUser(id: String) throws {
        try db.execute(sql: "DELETE FROM enterprise_users WHERE id = ?", arguments: [id])
    }

    func authenticatedAdministrator(account: String) throws -> AuthenticatedAdministrator? {
        try Row.fetchOne(db, sql: """
            SELECT u.id, u.account, e.id AS enterprise, e.phone FROM enterprise_users u JOIN enterprises e ON e.id = u.enterprise_id
            WHERE u.account = ? AND u.is_admin = 1 AND e.status = ?
            """, arguments: [account, SignupStatus.authenticated.rawValue]).map {
            AuthenticatedAdministrator(userID: $0["id"], account: $0["account"], enterpriseID: $0["enterprise"], phone: $0["phone"])
        }
    }

    func administrator(of enterpriseID: String) throws -> StoredEnterpriseUser? {
        try Row.fetchOne(db, sql: "SELECT u.* FROM enterprise_users u WHERE u.enterprise_id = ? AND u.is_admin = 1", arguments: [enterpriseID]).map(Self.user)
    }

    func deleteAdministrator(of enterpriseID: String) throws {
        try db.execute(sql: "DELETE FROM enterprise_users WHERE enterprise_id = ? AND is_admin = 1", arguments: [enterpriseID])
    }

    func enableAdministrator(of enterpriseID: String) throws {
        try db.execute(sql: "UPDATE enterprise_users SET enabled = 1 WHERE enterprise_id = ? AND is_admin = 1", arguments: [enterpriseID])
    }

    func releaseAccounts(of enterpriseID: String) throws {
        try db.execute(sql: "UPDATE enterprise_users SET enabled = 0, account = account || '#returned-' || id WHERE enterprise_id = ?", arguments: [enterpriseID])
    }

    static func user(_ row: Row) -> StoredEnterpriseUser {
        StoredEnterpriseUser(id: row["id"], enterpriseID: row["enterprise_id"], account: row["account"], name: row["name"],
                             passwordHash: row["password_hash"], isAdministrator: (row["is_admin"] as Int) != 0,
                             enabled: (row["enabled"] as Int) != 0, mustChangePassword: (row["must_change_password"] as Int) != 0)
    }
}

/// `sessions` on SQLite.
struct SQLiteSessionStore: SessionStore {
    let db: Database

    func insert(_ s: StoredSession) throws {
        try db.execute(sql: """
            INSERT INTO sessions (token_hash, principal_kind, principal_id, enterprise_id, is_admin, created_at, last_seen, revoked,
                password_change_required)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [s.tokenHash, s.kind.rawValue, s.principalID, s.enterpriseID, s.isAdministrator ? 1 : 0,
                             s.createdAt, s.lastSeen, s.revoked ? 1 : 0, s.passwordChangeRequired ? 1 : 0])
    }

    func session(tokenHash: Data) throws -> StoredSession? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM sessions WHERE token_hash = ?", arguments: [tokenHash]) else { return nil }
        // The schema's CHECK allows only the two kinds.
        let kind = AccountKind(rawValue: row["principal_kind"]) ?? .enterpriseUser
        return StoredSession(tokenHash: row["token_hash"], kind: kind, principalID: row["principal_id"], enterpriseID: row["enterprise_id"],
                             isAdministrator: (row["is_admin"] as Int) != 0, createdAt: row["created_at"], lastSeen: row["last_seen"],
                             revoked: (row["revoked"] as Int) != 0, passwordChangeRequired: (row["password_change_required"] as Int) != 0)
    }

    func touch(tokenHash: Data, at: Double) throws {
        try db.execute(sql: "UPDATE sessions SET last_seen = ? WHERE token_hash = ?", arguments: [at, tokenHash])
    }

    func revoke(tokenHash: Data) throws -> Bool {
        try db.execute(sql: "UPDATE sessions SET revoked = 1 WHERE token_hash = ?", arguments: [tokenHash])
        return db.changesCount > 0
    }

    func revokeAll(of kind: AccountKind, principalID: String) throws {
        try db.execute(sql: "UPDATE sessions SET revoked = 1 WHERE principal_kind = ? AND principal_id = ?", arguments: [kind.rawValue, principalID])
    }
}

/// `login_guard` on SQLite (the single writer serialises every admission).
struct SQLiteLoginGuardStore: LoginGuardStore {
    let db: Database

    func state(of key: LoginGuardKey) throws -> (failures: Int, lockedUntil: Double?)? {
        try Row.fetchOne(db, sql: "SELECT failures, locked_until FROM login_guard WHERE kind = ? AND key_hash = ?",
                         arguments: [key.kind.rawValue, key.hash]).map { ($0["failures"], $0["locked_until"]) }
    }

    func countAttempt(_ key: LoginGuardKey) throws {
        try db.execute(sql: """
            INSERT INTO login_guard (kind, key_hash, failures, locked_until) VALUES (?, ?, 1, NULL)
            ON CONFLICT (kind, key_hash) DO UPDATE SET failures = failures + 1, locked_until = NULL
            """, arguments: [key.kind.rawValue, key.hash])
    }

    func uncountAttempt(_ key: LoginGuardKey) throws {
        try db.execute(sql: "UPDATE login_guard SET failures = MAX(failures - 1, 0) WHERE kind = ? AND key_hash = ?",
                       arguments: [key.kind.rawValue, key.hash])
    }

    func lock(_ key: LoginGuardKey, until: Double) throws {
        try db.execute(sql: """
            INSERT INTO login_guard (kind, key_hash, failures, locked_until) VALUES (?, ?, 0, ?)
            ON CONFLICT (kind, key_hash) DO UPDATE SET failures = 0, locked_until = excluded.locked_until
            """, arguments: [key.kind.rawValue, key.hash, until])
    }

    func clear(_ key: LoginGuardKey) throws {
        try db.execute(sql: "DELETE FROM login_guard WHERE kind = ? AND key_hash = ?", arguments: [key.kind.rawValue, key.hash])
    }
}
