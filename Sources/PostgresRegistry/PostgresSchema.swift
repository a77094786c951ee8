public import PostgresStore

/// The PostgreSQL schema of jzs, versioned like `RegistryDatabase.migrator` on SQLite.
///
/// Version 1 is the SQLite schema as of its migration v17, written once for PostgreSQL with the
/// same tables, columns, CHECKs and partial unique indexes, so every invariant holds on both
/// engines: one live sign-up per credit code, one administrator per enterprise, one open
/// application and one active registration per person, one valid certificate per registration,
/// an append-only audit log (triggers). Column types follow SQLite's values: REAL → DOUBLE
/// PRECISION (epoch seconds), BLOB → BYTEA, 0/1 flags stay INTEGER so both engines store the
/// same values and `jzsd migrate-store` copies rows as they are.
///
/// A published version is never edited, only followed. ``migrate(_:)`` takes a transaction-level
/// advisory lock, so several nodes starting at once migrate one after the other.
public enum PostgresSchema {
    /// Every version in order: (number, name, SQL).
    static let versions: [(version: Int, name: String, sql: String)] = [
        (1, "sqlite-v17-equivalent", version1),
    ]

    /// The advisory lock key of schema migration ("jzs-migrate").
    static let migrationLock: Int64 = 0x6A7A_736D_6967

    /// Brings the database to the newest version; returns the versions applied now.
    @discardableResult
    public static func migrate(_ pool: PGPool) async throws -> [Int] {
        try await pool.write { tx in
            _ = try tx.query("SELECT pg_advisory_xact_lock($1)", migrationLock)
            try tx.connection.executeScript("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
                """)
            let done = Set(try tx.query("SELECT version FROM schema_migrations").map { try $0.decode(Int.self, at: 0) })
            var applied: [Int] = []
            for step in versions where !done.contains(step.version) {
                try tx.connection.executeScript(step.sql)
                try tx.execute("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", step.version, step.name)
                applied.append(step.version)
            }
            return applied
        }
    }

    /// The tables, in an order that satisfies their foreign keys (for copying and counting).
    public static let tables = [
        "audit_log", "idempotency_keys", "individuals", "sessions", "sms_codes", "sms_outbox", "login_guard",
        "enterprises", "enterprise_users", "attachments", "identity_locks", "enterprise_changes",
        "enterprise_change_attachments", "applications", "application_events", "application_attachments",
        "registrations", "registration_specialties", "registration_serials", "certificates",
        "announcements", "announcement_items",
    ]

    static let version1 = """
        CREATE FUNCTION jzs_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation'; END $$;

        CREATE TABLE audit_log (
            id BIGINT PRIMARY KEY,
            at TEXT NOT NULL,
            caller TEXT NOT NULL,
            tenant TEXT NOT NULL,
            method TEXT NOT NULL,
            target TEXT NOT NULL,
            result TEXT NOT NULL,
            request_id TEXT NOT NULL,
            previous_hash BYTEA NOT NULL,
            hash BYTEA NOT NULL UNIQUE,
            format INTEGER NOT NULL DEFAULT 2 CHECK (format IN (1, 2)));
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION jzs_append_only();
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION jzs_append_only();
        CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION jzs_append_only();

        CREATE TABLE idempotency_keys (
            principal TEXT NOT NULL,
            key TEXT NOT NULL,
            method TEXT NOT NULL,
            request_hash BYTEA NOT NULL,
            response BYTEA NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (principal, key));

        CREATE TABLE individuals (
            id TEXT PRIMARY KEY,
            id_number TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            phone TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            failed_logins INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
            locked_until DOUBLE PRECISION,
            created_at DOUBLE PRECISION NOT NULL,
            must_change_password INTEGER NOT NULL DEFAULT 0);

        CREATE TABLE sessions (
            token_hash BYTEA PRIMARY KEY,
            principal_kind TEXT NOT NULL CHECK (principal_kind IN ('individual', 'enterprise_user')),
            principal_id TEXT NOT NULL,
            enterprise_id TEXT,
            is_admin INTEGER NOT NULL DEFAULT 0,
            created_at DOUBLE PRECISION NOT NULL,
            last_seen DOUBLE PRECISION NOT NULL,
            revoked INTEGER NOT NULL DEFAULT 0,
            password_change_required INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX sessions_by_principal ON sessions (principal_kind, principal_id);

        CREATE TABLE sms_codes (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            phone TEXT NOT NULL,
            purpose TEXT NOT NULL,
            code_hash BYTEA NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            expires_at DOUBLE PRECISION NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            consumed INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX sms_codes_by_phone ON sms_codes (phone, created_at);

        CREATE TABLE sms_outbox (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            phone TEXT NOT NULL,
            text TEXT NOT NULL,
            created_at DOUBLE PRECISION NOT NULL);

        CREATE TABLE login_guard (
            kind TEXT NOT NULL,
            key_hash BYTEA NOT NULL,
            failures INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
            locked_until DOUBLE PRECISION,
            PRIMARY KEY (kind, key_hash));

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
            draft_token_hash BYTEA UNIQUE,
            lock_challenge BYTEA,
            lock_challenge_expires DOUBLE PRECISION,
            return_reason TEXT,
            created_at DOUBLE PRECISION NOT NULL,
            authenticated_at DOUBLE PRECISION);
        CREATE INDEX enterprises_by_province ON enterprises (province_code, status);
        CREATE UNIQUE INDEX enterprises_one_live_per_credit_code ON enterprises (credit_code)
            WHERE status IN ('pending', 'authenticated');
        CREATE INDEX enterprises_by_credit_code ON enterprises (credit_code, status);

        CREATE TABLE enterprise_users (
            id TEXT PRIMARY KEY,
            enterprise_id TEXT NOT NULL REFERENCES enterprises (id),
            account TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            is_admin INTEGER NOT NULL DEFAULT 0,
            enabled INTEGER NOT NULL DEFAULT 0,
            failed_logins INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
            locked_until DOUBLE PRECISION,
            created_at DOUBLE PRECISION NOT NULL,
            must_change_password INTEGER NOT NULL DEFAULT 0);
        CREATE UNIQUE INDEX enterprise_one_admin ON enterprise_users (enterprise_id) WHERE is_admin = 1;

        CREATE TABLE attachments (
            id TEXT PRIMARY KEY,
            enterprise_id TEXT NOT NULL REFERENCES enterprises (id),
            kind TEXT NOT NULL CHECK (kind IN ('business_licence', 'qualification_certificate')),
            content_type TEXT NOT NULL,
            size INTEGER NOT NULL CHECK (size > 0 AND size <= 512000),
            sha256 BYTEA NOT NULL,
            bytes BYTEA NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            UNIQUE (enterprise_id, kind));

        CREATE TABLE identity_locks (
            serial TEXT PRIMARY KEY,
            credit_code TEXT NOT NULL,
            enterprise_id TEXT NOT NULL REFERENCES enterprises (id),
            consumed_at DOUBLE PRECISION NOT NULL);

        CREATE TABLE enterprise_changes (
            id TEXT PRIMARY KEY,
            enterprise_id TEXT NOT NULL REFERENCES enterprises (id),
            province_code INTEGER NOT NULL,
            changes TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
            reason TEXT,
            requested_at DOUBLE PRECISION NOT NULL,
            decided_at DOUBLE PRECISION,
            decided_by TEXT);
        CREATE UNIQUE INDEX enterprise_changes_one_pending ON enterprise_changes (enterprise_id) WHERE status = 'pending';
        CREATE INDEX enterprise_changes_by_province ON enterprise_changes (province_code, status);

        CREATE TABLE enterprise_change_attachments (
            change_id TEXT NOT NULL REFERENCES enterprise_changes (id),
            kind TEXT NOT NULL CHECK (kind IN ('business_licence', 'qualification_certificate')),
            content_type TEXT NOT NULL,
            size INTEGER NOT NULL CHECK (size > 0 AND size <= 512000),
            sha256 BYTEA NOT NULL,
            bytes BYTEA NOT NULL,
            created_at DOUBLE PRECISION NOT NULL,
            PRIMARY KEY (change_id, kind));

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
            created_at DOUBLE PRECISION NOT NULL,
            updated_at DOUBLE PRECISION NOT NULL,
            reported_at DOUBLE PRECISION,
            decided_at DOUBLE PRECISION,
            registration_number TEXT);
        CREATE INDEX applications_by_enterprise ON applications (enterprise_id, status, created_at);
        CREATE INDEX applications_by_province ON applications (province_code, status, created_at);
        CREATE INDEX applications_by_individual ON applications (individual_id, created_at);
        CREATE UNIQUE INDEX applications_one_open_per_person ON applications (individual_id)
            WHERE status IN ('awaiting_enterprise', 'awaiting_province', 'awaiting_ministry', 'awaiting_announcement', 'returned');
        CREATE INDEX applications_by_qualification_number ON applications (qualification_certificate_no)
            WHERE qualification_certificate_no != '';

        CREATE TABLE application_events (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            application_id TEXT NOT NULL REFERENCES applications (id),
            at DOUBLE PRECISION NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            from_status TEXT,
            to_status TEXT NOT NULL,
            reason TEXT,
            actor_name TEXT);
        CREATE INDEX application_events_by_application ON application_events (application_id, id);

        CREATE TABLE application_attachments (
            id TEXT PRIMARY KEY,
            application_id TEXT NOT NULL REFERENCES applications (id),
            kind TEXT NOT NULL CHECK (kind IN ('qualification_certificate', 'id_card', 'labour_contract', 'education', 'other')),
            content_type TEXT NOT NULL,
            size INTEGER NOT NULL CHECK (size > 0 AND size <= 2097152),
            sha256 BYTEA NOT NULL,
            bytes BYTEA NOT NULL,
            created_at DOUBLE PRECISION NOT NULL);
        CREATE INDEX application_attachments_by_application ON application_attachments (application_id, created_at);

        CREATE TABLE registrations (
            id TEXT PRIMARY KEY,
            individual_id TEXT NOT NULL UNIQUE REFERENCES individuals (id),
            enterprise_id TEXT NOT NULL REFERENCES enterprises (id),
            registration_number TEXT NOT NULL UNIQUE,
            status TEXT NOT NULL CHECK (status IN ('active', 'cancelled')),
            registered_at DOUBLE PRECISION NOT NULL);
        CREATE INDEX registrations_by_enterprise ON registrations (enterprise_id, status);

        CREATE TABLE registration_specialties (
            registration_id TEXT NOT NULL REFERENCES registrations (id),
            specialty TEXT NOT NULL,
            valid_from TEXT NOT NULL,
            valid_until TEXT NOT NULL,
            PRIMARY KEY (registration_id, specialty));

        -- One row per province; allocation is `UPDATE … RETURNING` under the row lock, so two
        -- nodes approving at once never hand out the same 注册编号.
        CREATE TABLE registration_serials (
            province_code INTEGER PRIMARY KEY,
            last INTEGER NOT NULL CHECK (last BETWEEN 1 AND 99999));

        CREATE TABLE certificates (
            id TEXT PRIMARY KEY,
            registration_id TEXT NOT NULL REFERENCES registrations (id),
            serial TEXT NOT NULL,
            version INTEGER NOT NULL CHECK (version BETWEEN 1 AND 999),
            status TEXT NOT NULL CHECK (status IN ('valid', 'void', 'revoked')),
            issued_at DOUBLE PRECISION NOT NULL,
            reason TEXT,
            content TEXT,
            UNIQUE (serial, version));
        CREATE UNIQUE INDEX certificates_one_valid ON certificates (registration_id) WHERE status = 'valid';
        CREATE INDEX certificates_by_serial ON certificates (serial, version);

        CREATE TABLE announcements (
            id TEXT PRIMARY KEY,
            number TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL,
            published_at DOUBLE PRECISION NOT NULL,
            item_count INTEGER NOT NULL);

        CREATE TABLE announcement_items (
            announcement_id TEXT NOT NULL REFERENCES announcements (id),
            application_id TEXT NOT NULL UNIQUE REFERENCES applications (id),
            name TEXT NOT NULL,
            registration_number TEXT NOT NULL,
            enterprise_name TEXT NOT NULL,
            type TEXT NOT NULL,
            specialties TEXT NOT NULL,
            PRIMARY KEY (announcement_id, application_id));
        """
}
