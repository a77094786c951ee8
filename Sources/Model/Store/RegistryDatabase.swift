public import GRDB

/// The SQLite database of jzs: one file, WAL, `synchronous=FULL`, one writer connection.
///
/// Debian's SQLite 3.40.1 has the WAL-reset bug that needs two writing connections, so every
/// write and checkpoint goes through the single writer of GRDB's `DatabasePool`; readers are
/// read-only, and no other process may open the file for writing while the server runs.
public final class RegistryDatabase: Sendable {
    public let pool: DatabasePool

    /// Opens (creating if needed) the database at `path` and runs every pending migration.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.maximumReaderCount = 4
        configuration.prepareDatabase { db in
            try db.execute(sql: """
                PRAGMA synchronous = FULL;
                PRAGMA secure_delete = ON;
                PRAGMA trusted_schema = OFF;
                """)
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
    }

    /// Versioned schema migrations; a published migration is never edited, only followed.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-audit-and-idempotency") { db in
            // Append-only, hash-chained audit log (DESIGN.md §4).
            try db.execute(sql: """
                CREATE TABLE audit_log (
                    id INTEGER PRIMARY KEY,
                    at TEXT NOT NULL,
                    caller TEXT NOT NULL,
                    tenant TEXT NOT NULL,
                    method TEXT NOT NULL,
                    target TEXT NOT NULL,
                    result TEXT NOT NULL,
                    request_id TEXT NOT NULL,
                    previous_hash BLOB NOT NULL,
                    hash BLOB NOT NULL UNIQUE
                );
                CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
                CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
                CREATE TABLE idempotency_keys (
                    principal TEXT NOT NULL,
                    key TEXT NOT NULL,
                    method TEXT NOT NULL,
                    request_hash BLOB NOT NULL,
                    response BLOB NOT NULL,
                    created_at TEXT NOT NULL,
                    PRIMARY KEY (principal, key)
                );
                """)
        }
        migrator.registerMigration("v2-individuals-sessions-sms") { db in
            try db.execute(sql: """
                CREATE TABLE individuals (
                    id TEXT PRIMARY KEY,
                    id_number TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    phone TEXT NOT NULL,
                    password_hash TEXT NOT NULL,
                    failed_logins INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
                    locked_until REAL,
                    created_at REAL NOT NULL
                );
                -- Session tokens are stored as SHA-256 hashes; the token itself is never kept.
                CREATE TABLE sessions (
                    token_hash BLOB PRIMARY KEY,
                    principal_kind TEXT NOT NULL CHECK (principal_kind IN ('individual', 'enterprise_user')),
                    principal_id TEXT NOT NULL,
                    enterprise_id TEXT,
                    is_admin INTEGER NOT NULL DEFAULT 0,
                    created_at REAL NOT NULL,
                    last_seen REAL NOT NULL,
                    revoked INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX sessions_by_principal ON sessions (principal_kind, principal_id);
                CREATE TABLE sms_codes (
                    id INTEGER PRIMARY KEY,
                    phone TEXT NOT NULL,
                    purpose TEXT NOT NULL,
                    code_hash BLOB NOT NULL,
                    created_at REAL NOT NULL,
                    expires_at REAL NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    consumed INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX sms_codes_by_phone ON sms_codes (phone, created_at);
                CREATE TABLE sms_outbox (
                    id INTEGER PRIMARY KEY,
                    phone TEXT NOT NULL,
                    text TEXT NOT NULL,
                    created_at REAL NOT NULL
                );
                """)
        }
        migrator.registerMigration("v3-enterprises") { db in
            try db.execute(sql: """
                CREATE TABLE enterprises (
                    id TEXT PRIMARY KEY,
                    credit_code TEXT NOT NULL,
                    name TEXT NOT NULL,
                    province_code INTEGER NOT NULL,
                    legal_representative TEXT NOT NULL,
                    enterprise_type TEXT NOT NULL DEFAULT '',
                    economic_nature TEXT NOT NULL DEFAULT '',
                    registered_address TEXT NOT NULL,
                    correspondence_address TEXT NOT NULL DEFAULT '',
                    postcode TEXT NOT NULL DEFAULT '',
                    contact TEXT NOT NULL DEFAULT '',
                    contact_phone TEXT NOT NULL DEFAULT '',
                    qualification_certificate_no TEXT NOT NULL DEFAULT '',
                    email TEXT NOT NULL DEFAULT '',
                    phone TEXT NOT NULL DEFAULT '',
                    status TEXT NOT NULL CHECK (status IN ('draft', 'pending', 'authenticated', 'returned')),
                    auth_method TEXT CHECK (auth_method IN ('identity_lock', 'on_site', 'on_site_associated')),
                    lock_serial TEXT,
                    draft_token_hash BLOB UNIQUE,
                    lock_challenge BLOB,
                    lock_challenge_expires REAL,
                    return_reason TEXT,
                    created_at REAL NOT NULL,
                    authenticated_at REAL
                );
                -- One live enterprise per credit code; a returned sign-up frees it.
                CREATE UNIQUE INDEX enterprises_one_live_per_credit_code ON enterprises (credit_code) WHERE status != 'returned';
                CREATE INDEX enterprises_by_province ON enterprises (province_code, status);
                CREATE TABLE enterprise_users (
                    id TEXT PRIMARY KEY,
                    enterprise_id TEXT NOT NULL REFERENCES enterprises (id),
                    account TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    password_hash TEXT NOT NULL,
                    is_admin INTEGER NOT NULL DEFAULT 0,
                    enabled INTEGER NOT NULL DEFAULT 0,
                    failed_logins INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
                    locked_until REAL,
                    created_at REAL NOT NULL
                );
                CREATE UNIQUE INDEX enterprise_one_admin ON enterprise_users (enterprise_id) WHERE is_admin = 1;
                CREATE TABLE attachments (
                    id TEXT PRIMARY KEY,
                    enterprise_id TEXT NOT NULL REFERENCES enterprises (id),
                    kind TEXT NOT NULL CHECK (kind IN ('business_licence', 'qualification_certificate')),
                    content_type TEXT NOT NULL,
                    size INTEGER NOT NULL CHECK (size > 0 AND size <= 512000),
                    sha256 BLOB NOT NULL,
                    bytes BLOB NOT NULL,
                    created_at REAL NOT NULL,
                    UNIQUE (enterprise_id, kind)
                );
                -- An identity lock authenticates once, ever.
                CREATE TABLE identity_locks (
                    serial TEXT PRIMARY KEY,
                    credit_code TEXT NOT NULL,
                    enterprise_id TEXT NOT NULL REFERENCES enterprises (id),
                    consumed_at REAL NOT NULL
                );
                """)
        }
        migrator.registerMigration("v4-applications-registrations") { db in
            try db.execute(sql: """
                CREATE TABLE applications (
                    id TEXT PRIMARY KEY,
                    individual_id TEXT NOT NULL REFERENCES individuals (id),
                    enterprise_id TEXT NOT NULL REFERENCES enterprises (id),
                    province_code INTEGER NOT NULL,
                    type TEXT NOT NULL CHECK (type IN ('01', '02', '03', '04', '05', '07')),
                    specialties TEXT NOT NULL,
                    qualification_certificate_no TEXT NOT NULL,
                    qualification_date TEXT NOT NULL,
                    contract_start TEXT NOT NULL,
                    contract_end TEXT NOT NULL,
                    status TEXT NOT NULL,
                    return_reason TEXT,
                    version INTEGER NOT NULL DEFAULT 1,
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL,
                    reported_at REAL
                );
                CREATE INDEX applications_by_enterprise ON applications (enterprise_id, status, created_at);
                CREATE INDEX applications_by_province ON applications (province_code, status, created_at);
                CREATE INDEX applications_by_individual ON applications (individual_id, created_at);
                -- At most one application in progress per person.
                CREATE UNIQUE INDEX applications_one_open_per_person ON applications (individual_id)
                    WHERE status IN ('awaiting_enterprise', 'awaiting_province', 'awaiting_ministry', 'awaiting_announcement', 'returned');
                CREATE TABLE application_events (
                    id INTEGER PRIMARY KEY,
                    application_id TEXT NOT NULL REFERENCES applications (id),
                    at REAL NOT NULL,
                    actor TEXT NOT NULL,
                    action TEXT NOT NULL,
                    from_status TEXT,
                    to_status TEXT NOT NULL,
                    reason TEXT
                );
                CREATE INDEX application_events_by_application ON application_events (application_id, id);
                -- One registration per person (one employer).
                CREATE TABLE registrations (
                    id TEXT PRIMARY KEY,
                    individual_id TEXT NOT NULL UNIQUE REFERENCES individuals (id),
                    enterprise_id TEXT NOT NULL REFERENCES enterprises (id),
                    registration_number TEXT NOT NULL UNIQUE,
                    status TEXT NOT NULL CHECK (status IN ('active', 'cancelled')),
                    registered_at REAL NOT NULL
                );
                CREATE INDEX registrations_by_enterprise ON registrations (enterprise_id, status);
                CREATE TABLE registration_specialties (
                    registration_id TEXT NOT NULL REFERENCES registrations (id),
                    specialty TEXT NOT NULL,
                    valid_from TEXT NOT NULL,
                    valid_until TEXT NOT NULL,
                    PRIMARY KEY (registration_id, specialty)
                );
                """)
        }
        migrator.registerMigration("v5-enterprise-changes") { db in
            try db.execute(sql: """
                CREATE TABLE enterprise_changes (
                    id TEXT PRIMARY KEY,
                    enterprise_id TEXT NOT NULL REFERENCES enterprises (id),
                    province_code INTEGER NOT NULL,
                    changes TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
                    reason TEXT,
                    requested_at REAL NOT NULL,
                    decided_at REAL,
                    decided_by TEXT
                );
                -- One pending change request per enterprise at a time.
                CREATE UNIQUE INDEX enterprise_changes_one_pending ON enterprise_changes (enterprise_id) WHERE status = 'pending';
                CREATE INDEX enterprise_changes_by_province ON enterprise_changes (province_code, status);
                """)
        }
        migrator.registerMigration("v6-ministry-announcements") { db in
            try db.execute(sql: """
                -- Last serial of registration numbers per province of first registration (DOMAIN.md §2.3).
                CREATE TABLE registration_serials (
                    province_code INTEGER PRIMARY KEY,
                    last INTEGER NOT NULL CHECK (last BETWEEN 1 AND 99999)
                );
                CREATE TABLE announcements (
                    id TEXT PRIMARY KEY,
                    number TEXT NOT NULL UNIQUE,
                    title TEXT NOT NULL,
                    published_at REAL NOT NULL,
                    item_count INTEGER NOT NULL
                );
                CREATE TABLE announcement_items (
                    announcement_id TEXT NOT NULL REFERENCES announcements (id),
                    application_id TEXT NOT NULL UNIQUE REFERENCES applications (id),
                    name TEXT NOT NULL,
                    registration_number TEXT NOT NULL,
                    enterprise_name TEXT NOT NULL,
                    type TEXT NOT NULL,
                    specialties TEXT NOT NULL,
                    PRIMARY KEY (announcement_id, application_id)
                );
                ALTER TABLE applications ADD COLUMN decided_at REAL;
                ALTER TABLE applications ADD COLUMN registration_number TEXT;
                """)
        }
        migrator.registerMigration("v7-certificates") { db in
            try db.execute(sql: """
                CREATE TABLE certificates (
                    id TEXT PRIMARY KEY,
                    registration_id TEXT NOT NULL REFERENCES registrations (id),
                    version INTEGER NOT NULL CHECK (version BETWEEN 1 AND 999),
                    status TEXT NOT NULL CHECK (status IN ('valid', 'void', 'revoked')),
                    issued_at REAL NOT NULL,
                    reason TEXT,
                    UNIQUE (registration_id, version)
                );
                -- One valid certificate per registration: a new version voids the old one.
                CREATE UNIQUE INDEX certificates_one_valid ON certificates (registration_id) WHERE status = 'valid';
                """)
        }
        migrator.registerMigration("v8-application-attachments") { db in
            try db.execute(sql: """
                CREATE TABLE application_attachments (
                    id TEXT PRIMARY KEY,
                    application_id TEXT NOT NULL REFERENCES applications (id),
                    kind TEXT NOT NULL CHECK (kind IN ('qualification_certificate', 'id_card', 'labour_contract', 'education', 'other')),
                    content_type TEXT NOT NULL,
                    size INTEGER NOT NULL CHECK (size > 0 AND size <= 2097152),
                    sha256 BLOB NOT NULL,
                    bytes BLOB NOT NULL,
                    created_at REAL NOT NULL
                );
                CREATE INDEX application_attachments_by_application ON application_attachments (application_id, created_at);
                """)
        }
        migrator.registerMigration("v9-certificate-content") { db in
            // Versions count per registration number (its digits, kept by a 变更, new after 重新注册),
            // and the certified facts are fixed at issue: a download signs what was issued.
            try db.execute(sql: """
                CREATE TABLE certificates_v9 (
                    id TEXT PRIMARY KEY,
                    registration_id TEXT NOT NULL REFERENCES registrations (id),
                    serial TEXT NOT NULL,
                    version INTEGER NOT NULL CHECK (version BETWEEN 1 AND 999),
                    status TEXT NOT NULL CHECK (status IN ('valid', 'void', 'revoked')),
                    issued_at REAL NOT NULL,
                    reason TEXT,
                    content TEXT,
                    UNIQUE (serial, version)
                );
                INSERT INTO certificates_v9 (id, registration_id, serial, version, status, issued_at, reason)
                    SELECT id, registration_id, substr(id, 57, 12), version, status, issued_at, reason FROM certificates;
                DROP TABLE certificates;
                ALTER TABLE certificates_v9 RENAME TO certificates;
                CREATE UNIQUE INDEX certificates_one_valid ON certificates (registration_id) WHERE status = 'valid';
                """)
        }
        migrator.registerMigration("v10-login-guard") { db in
            // Failed logins and locks per login key (ID number or account), for real and unknown
            // accounts alike, so answers never tell them apart. The key is stored as its SHA-256.
            try db.execute(sql: """
                CREATE TABLE login_guard (
                    kind TEXT NOT NULL,
                    key_hash BLOB NOT NULL,
                    failures INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
                    locked_until REAL,
                    PRIMARY KEY (kind, key_hash)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v11-audit-format") { db in
            // The hash format of each row (AuditLog): 1 for the rows before, 2 (length-prefixed
            // fields) from now on. Part of the hashed input in format 2, so it cannot be flipped.
            try db.execute(sql: "ALTER TABLE audit_log ADD COLUMN format INTEGER NOT NULL DEFAULT 1 CHECK (format IN (1, 2))")
        }
        migrator.registerMigration("v12-signup-drafts-reserve-nothing") { db in
            // A draft no longer holds its credit code: only a sign-up waiting for on-site
            // authentication or an authenticated enterprise does (anyone can start a draft).
            try db.execute(sql: """
                DROP INDEX enterprises_one_live_per_credit_code;
                CREATE UNIQUE INDEX enterprises_one_live_per_credit_code ON enterprises (credit_code)
                    WHERE status IN ('pending', 'authenticated');
                CREATE INDEX enterprises_by_credit_code ON enterprises (credit_code, status);
                """)
        }
        migrator.registerMigration("v13-qualification-number-index") { db in
            // A qualification certificate number belongs to one person: looked up at every submission.
            try db.execute(sql: "CREATE INDEX applications_by_qualification_number ON applications (qualification_certificate_no) WHERE qualification_certificate_no != ''")
        }
        migrator.registerMigration("v14-temporary-passwords") { db in
            // A password someone else set (a province's temporary one, an administrator's for a
            // sub-user) must be changed at the next login; such a session may only change it.
            try db.execute(sql: """
                ALTER TABLE individuals ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE enterprise_users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE sessions ADD COLUMN password_change_required INTEGER NOT NULL DEFAULT 0;
                """)
        }
        migrator.registerMigration("v15-certificates-by-serial") { db in
            // Versions count per number (its 12 digits), and the public looks a certificate up by
            // its 注册编号 (Certificates.record(registrationNumber:holderName:)).
            try db.execute(sql: "CREATE INDEX certificates_by_serial ON certificates (serial, version)")
        }
        migrator.registerMigration("v16-application-event-actor-name") { db in
            // The name a person reads for who acted (EventActor): the authority and its operator,
            // the enterprise and its user, the applicant. NULL for older events (a name is
            // derived from the principal when they are read).
            try db.execute(sql: "ALTER TABLE application_events ADD COLUMN actor_name TEXT")
        }
        migrator.registerMigration("v17-signup-screens") { db in
            // Documents filed with an enterprise information change request (a new name needs the
            // new 营业执照): one per kind; approval copies them over the enterprise's attachments,
            // so the same bounds hold (500 KB).
            try db.execute(sql: """
                CREATE TABLE enterprise_change_attachments (
                    change_id TEXT NOT NULL REFERENCES enterprise_changes (id),
                    kind TEXT NOT NULL CHECK (kind IN ('business_licence', 'qualification_certificate')),
                    content_type TEXT NOT NULL,
                    size INTEGER NOT NULL CHECK (size > 0 AND size <= 512000),
                    sha256 BLOB NOT NULL,
                    bytes BLOB NOT NULL,
                    created_at REAL NOT NULL,
                    PRIMARY KEY (change_id, kind)
                );
                """)
        }
        return migrator
    }

    /// Opens an existing database read-only (for `jzsd audit verify`, `jzsd sms outbox`): it
    /// never writes, so it may run beside the server.
    public static func readOnly(path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        return try DatabaseQueue(path: path, configuration: configuration)
    }

    /// `journal_mode` and `synchronous` as SQLite reports them (for diagnostics and tests).
    public func durabilitySettings() throws -> (journalMode: String, synchronous: Int) {
        try pool.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "",
             try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1)
        }
    }
}
