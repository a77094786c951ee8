public import Foundation
public import Model
internal import PostgresStore

/// `individuals` and `enterprise_users` on PostgreSQL.
struct PostgresAccountStore: AccountStore {
    let tx: PGTransaction

    /// The one rule of which enterprise users a scope sees (`enterprise_users` aliased `u`);
    /// its parameter, when any, is numbered `$first`.
    static func visible(to scope: Scope, first: Int) -> (sql: String, arguments: [PGValue]) {
        switch scope {
        case .nationwide: ("TRUE", [])
        case .province(let code): ("u.enterprise_id IN (SELECT e.id FROM enterprises e WHERE e.province_code = $\(first))",
                                   [.integer(Int64(code.rawValue))])
        case .enterprise(let id): ("u.enterprise_id = $\(first)", [.text(id)])
        case .individual, .nothing: ("FALSE", [])
        }
    }

    // MARK: Individuals

    func individual(id: String) throws -> StoredIndividual? {
        try tx.queryOne("SELECT * FROM individuals WHERE id = $1", id).map(Self.individual)
    }

    func individual(idNumber: String) throws -> StoredIndividual? {
        try tx.queryOne("SELECT * FROM individuals WHERE id_number = $1", idNumber).map(Self.individual)
    }

    func insertIndividual(_ i: StoredIndividual, createdAt: Date) throws {
        try tx.execute("""
            INSERT INTO individuals (id, id_number, name, phone, password_hash, created_at, must_change_password)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """, i.id, i.idNumber, i.name, i.phone, i.passwordHash, createdAt.timeIntervalSince1970, i.mustChangePassword.flag)
    }

    func reassignIndividual(id: String, name: String, phone: String, passwordHash: String, mustChangePassword: Bool) throws {
        try tx.execute("UPDATE individuals SET name = $1, phone = $2, password_hash = $3, must_change_password = $4 WHERE id = $5",
                       name, phone, passwordHash, mustChangePassword.flag, id)
    }

    func setIndividualPassword(id: String, passwordHash: String, mustChangePassword: Bool) throws {
        try tx.execute("UPDATE individuals SET password_hash = $1, must_change_password = $2 WHERE id = $3",
                       passwordHash, mustChangePassword.flag, id)
    }

    static func individual(_ row: PGRow) throws -> StoredIndividual {
        StoredIndividual(id: try row.decode("id"), idNumber: try row.decode("id_number"), name: try row.decode("name"),
                         phone: try row.decode("phone"), passwordHash: try row.decode("password_hash"),
                         mustChangePassword: try row.decode(Bool.self, "must_change_password"))
    }

    // MARK: Login

    func credentials(_ kind: AccountKind, key: String) throws -> LoginCredentials? {
        let sql = switch kind {
        case .individual:
            "SELECT id, password_hash, 1 AS enabled, NULL::text AS enterprise_id, 0 AS is_admin, must_change_password FROM individuals WHERE id_number = $1"
        case .enterpriseUser:
            "SELECT id, password_hash, enabled, enterprise_id, is_admin, must_change_password FROM enterprise_users WHERE account = $1"
        }
        return try tx.queryOne(sql, key).map {
            LoginCredentials(id: try $0.decode("id"), passwordHash: try $0.decode("password_hash"), enabled: try $0.decode(Bool.self, "enabled"),
                             enterpriseID: try $0.decode("enterprise_id"), isAdministrator: try $0.decode(Bool.self, "is_admin"),
                             mustChangePassword: try $0.decode(Bool.self, "must_change_password"))
        }
    }

    func returnedSignupAdministrator(account: String) throws -> (passwordHash: String, reason: String)? {
        // A returned sign-up's accounts were renamed `account#returned-<user id>` (EnterpriseSignup).
        guard let row = try tx.queryOne("""
            SELECT u.password_hash, e.return_reason FROM enterprise_users u JOIN enterprises e ON e.id = u.enterprise_id
            WHERE u.account = $1 || '#returned-' || u.id AND u.is_admin = 1 AND e.status = $2
            ORDER BY e.created_at DESC LIMIT 1
            """, account, SignupStatus.returned.rawValue) else { return nil }
        return (try row.decode("password_hash"), try row.decode(String?.self, "return_reason") ?? "")
    }

    // MARK: Enterprise users

    func enterpriseUsers(visibleTo scope: Scope) throws -> [StoredEnterpriseUser] {
        let visible = Self.visible(to: scope, first: 1)
        return try tx.query("SELECT u.* FROM enterprise_users u WHERE \(visible.sql) ORDER BY u.is_admin DESC, u.created_at",
                            parameters: visible.arguments).map(Self.user)
    }

    func enterpriseUser(_ key: EnterpriseUserKey, visibleTo scope: Scope) throws -> StoredEnterpriseUser? {
        let visible = Self.visible(to: scope, first: 2)
        let (column, value) = switch key {
        case .account(let account): ("u.account", account)
        case .id(let id): ("u.id", id)
        }
        return try tx.query("SELECT u.* FROM enterprise_users u WHERE \(column) = $1 AND \(visible.sql)",
                            parameters: [.text(value)] + visible.arguments).first.map(Self.user)
    }

    func enterpriseUserIdentity(id: String, visibleTo scope: Scope) throws -> (user: StoredEnterpriseUser, enterpriseName: String, provinceCode: UInt32)? {
        let visible = Self.visible(to: scope, first: 2)
        return try tx.query("""
            SELECT u.*, e.name AS enterprise_name, e.province_code FROM enterprise_users u JOIN enterprises e ON e.id = u.enterprise_id
            WHERE u.id = $1 AND \(visible.sql)
            """, parameters: [.text(id)] + visible.arguments).first.map {
            (try Self.user($0), try $0.decode("enterprise_name"), UInt32(try $0.decode(Int64.self, "province_code")))
        }
    }

    func accountTaken(_ account: String) throws -> Bool {
        try tx.queryOne("SELECT 1 FROM enterprise_users WHERE account = $1", account) != nil
    }

    func insertEnterpriseUser(_ u: StoredEnterpriseUser, createdAt: Date) throws {
        try tx.execute("""
            INSERT INTO enterprise_users (id, enterprise_id, account, name, password_hash, is_admin, enabled, created_at, must_change_password)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """, u.id, u.enterpriseID, u.account, u.name, u.passwordHash, u.isAdministrator.flag, u.enabled.flag,
                       createdAt.timeIntervalSince1970, u.mustChangePassword.flag)
    }

    func renameEnterpriseUser(id: String, name: String) throws {
        try tx.execute("UPDATE enterprise_users SET name = $1 WHERE id = $2", name, id)
    }

    func setEnterpriseUserPassword(id: String, passwordHash: String, mustChangePassword: Bool) throws {
        try tx.execute("UPDATE enterprise_users SET password_hash = $1, must_change_password = $2 WHERE id = $3",
                       passwordHash, mustChangePassword.flag, id)
    }

    func deleteEnterpriseUser(id: String) throws {
        try tx.execute("DELETE FROM enterprise_users WHERE id = $1", id)
    }

    func authenticatedAdministrator(account: String) throws -> AuthenticatedAdministrator? {
        try tx.queryOne("""
            SELECT u.id, u.account, e.id AS enterprise, e.phone FROM enterprise_users u JOIN enterprises e ON e.id = u.enterprise_id
            WHERE u.account = $1 AND u.is_admin = 1 AND e.status = $2
            """, account, SignupStatus.authenticated.rawValue).map {
            AuthenticatedAdministrator(userID: try $0.decode("id"), account: try $0.decode("account"),
                                       enterpriseID: try $0.decode("enterprise"), phone: try $0.decode("phone"))
        }
    }

    func administrator(of enterpriseID: String) throws -> StoredEnterpriseUser? {
        try tx.queryOne("SELECT u.* FROM enterprise_users u WHERE u.enterprise_id = $1 AND u.is_admin = 1", enterpriseID).map(Self.user)
    }

    func deleteAdministrator(of enterpriseID: String) throws {
        try tx.execute("DELETE FROM enterprise_users WHERE enterprise_id = $1 AND is_admin = 1", enterpriseID)
    }

    func enableAdministrator(of enterpriseID: String) throws {
        try tx.execute("UPDATE enterprise_users SET enabled = 1 WHERE enterprise_id = $1 AND is_admin = 1", enterpriseID)
    }

    func releaseAccounts(of enterpriseID: String) throws {
        try tx.execute("UPDATE enterprise_users SET enabled = 0, account = account || '#returned-' || id WHERE enterprise_id = $1", enterpriseID)
    }

    static func user(_ row: PGRow) throws -> StoredEnterpriseUser {
        StoredEnterpriseUser(id: try row.decode("id"), enterpriseID: try row.decode("enterprise_id"), account: try row.decode("account"),
                             name: try row.decode("name"), passwordHash: try row.decode("password_hash"),
                             isAdministrator: try row.decode(Bool.self, "is_admin"), enabled: try row.decode(Bool.self, "enabled"),
                             mustChangePassword: try row.decode(Bool.self, "must_change_password"))
    }
}

/// `sessions` on PostgreSQL: shared by every node, so a session opened on one works on all.
struct PostgresSessionStore: SessionStore {
    let tx: PGTransaction

    func insert(_ s: StoredSession) throws {
        try tx.execute("""
            INSERT INTO sessions (token_hash, principal_kind, principal_id, enterprise_id, is_admin, created_at, last_seen, revoked,
                password_change_required)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """, s.tokenHash, s.kind.rawValue, s.principalID, s.enterpriseID, s.isAdministrator.flag, s.createdAt, s.lastSeen,
                       s.revoked.flag, s.passwordChangeRequired.flag)
    }

    func session(tokenHash: Data) throws -> StoredSession? {
        guard let row = try tx.queryOne("SELECT * FROM sessions WHERE token_hash = $1", tokenHash) else { return nil }
        // The schema's CHECK allows only the two kinds.
        let kind = AccountKind(rawValue: try row.decode("principal_kind")) ?? .enterpriseUser
        return StoredSession(tokenHash: try row.decode("token_hash"), kind: kind, principalID: try row.decode("principal_id"),
                             enterpriseID: try row.decode("enterprise_id"), isAdministrator: try row.decode(Bool.self, "is_admin"),
                             createdAt: try row.decode("created_at"), lastSeen: try row.decode("last_seen"),
                             revoked: try row.decode(Bool.self, "revoked"),
                             passwordChangeRequired: try row.decode(Bool.self, "password_change_required"))
    }

    func touch(tokenHash: Data, at: Double) throws {
        try tx.execute("UPDATE sessions SET last_seen = $1 WHERE token_hash = $2", at, tokenHash)
    }

    func revoke(tokenHash: Data) throws -> Bool {
        try tx.execute("UPDATE sessions SET revoked = 1 WHERE token_hash = $1", tokenHash) > 0
    }

    func revokeAll(of kind: AccountKind, principalID: String) throws {
        try tx.execute("UPDATE sessions SET revoked = 1 WHERE principal_kind = $1 AND principal_id = $2", kind.rawValue, principalID)
    }
}

/// `login_guard` on PostgreSQL. The guard reads a key's state, then counts or locks: ``state(of:)``
/// first takes a transaction advisory lock on the key (allowed in read-only transactions too,
/// unlike `FOR UPDATE`), so two nodes admitting the same account take turns as SQLite's single
/// writer makes them; counting is an upsert, so a first failure counted on two nodes adds up.
struct PostgresLoginGuardStore: LoginGuardStore {
    let tx: PGTransaction

    func state(of key: LoginGuardKey) throws -> (failures: Int, lockedUntil: Double?)? {
        _ = try tx.query("SELECT pg_advisory_xact_lock(hashtextextended($1 || encode($2, 'hex'), 0))",
                         "jzs-login\u{1F}" + key.kind.rawValue, key.hash)
        return try tx.queryOne("SELECT failures, locked_until FROM login_guard WHERE kind = $1 AND key_hash = $2",
                               key.kind.rawValue, key.hash).map { (try $0.decode("failures"), try $0.decode("locked_until")) }
    }

    func countAttempt(_ key: LoginGuardKey) throws {
        try tx.execute("""
            INSERT INTO login_guard (kind, key_hash, failures, locked_until) VALUES ($1, $2, 1, NULL)
            ON CONFLICT (kind, key_hash) DO UPDATE SET failures = login_guard.failures + 1, locked_until = NULL
            """, key.kind.rawValue, key.hash)
    }

    func uncountAttempt(_ key: LoginGuardKey) throws {
        try tx.execute("UPDATE login_guard SET failures = GREATEST(failures - 1, 0) WHERE kind = $1 AND key_hash = $2",
                       key.kind.rawValue, key.hash)
    }

    func lock(_ key: LoginGuardKey, until: Double) throws {
        try tx.execute("""
            INSERT INTO login_guard (kind, key_hash, failures, locked_until) VALUES ($1, $2, 0, $3)
            ON CONFLICT (kind, key_hash) DO UPDATE SET failures = 0, locked_until = excluded.locked_until
            """, key.kind.rawValue, key.hash, until)
    }

    func clear(_ key: LoginGuardKey) throws {
        try tx.execute("DELETE FROM login_guard WHERE kind = $1 AND key_hash = $2", key.kind.rawValue, key.hash)
    }
}
