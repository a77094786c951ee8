public import Model
public import PostgresStore

/// The PostgreSQL engine of the store layer (docs/STORE.md): units of work on a ``PGPool``,
/// one libpq connection each, on the pool's own threads (never the event loop or Swift's
/// cooperative pool).
///
/// Writes run READ COMMITTED; the serialisation points that SQLite gets from its single writer
/// are explicit here: the audit chain's head (an advisory lock, ``PostgresAuditStore``), the
/// registration serials (a row lock), the login guard and SMS limits (row locks or upserts).
/// With a synchronous standby configured on the server (`synchronous_standby_names`), COMMIT
/// returns once the standby has the WAL, so an acknowledged call survives losing the primary.
public struct PostgresRegistryStore: RegistryStore {
    public let pool: PGPool

    public init(pool: PGPool) {
        self.pool = pool
    }

    public func write<T: Sendable>(_ work: @escaping @Sendable (any StoreTransaction) throws -> T) async throws(RegistryError) -> T {
        let result = try await Self.mapped(writing: true) { try await pool.write { tx in try work(PostgresTransaction(tx)) } }
        CallCommits.current?.noteCommit()
        return result
    }

    public func read<T: Sendable>(_ work: @escaping @Sendable (any StoreTransaction) throws -> T) async throws(RegistryError) -> T {
        try await Self.mapped(writing: false) { try await pool.read { tx in try work(PostgresTransaction(tx)) } }
    }

    public func probe() async -> Bool {
        await pool.probe()
    }

    /// A ``RegistryError`` comes out as is; no reachable writable primary (after the pool's own
    /// reconnect) becomes `.storeUnavailable` (nothing of the call was committed) or, once this
    /// call committed an earlier write (``CallCommits``), `.outcomeUnknown`, like a connection lost
    /// during COMMIT; a full queue of callers `.rateLimited`; any other failure `.storage`. A write
    /// refused as read-only means the host stopped being the primary (an outage); inside a read
    /// unit it is a bug (`.storage`).
    static func mapped<T>(writing: Bool, _ body: () async throws -> T) async throws(RegistryError) -> T {
        do {
            return try await body()
        } catch let error as RegistryError {
            throw error
        } catch let error as PGError {
            throw map(error, writing: writing, committedBefore: CallCommits.current?.any ?? false)
        } catch {
            throw .storage("\(error)")
        }
    }

    /// The one mapping from the engine's failures to the domain's (tested case by case).
    package static func map(_ error: PGError, writing: Bool, committedBefore: Bool) -> RegistryError {
        switch error {
        case .commitOutcomeUnknown: return .outcomeUnknown("\(error)")
        case .connectionFailed, .connectionLost, .poolClosed, .readOnly where writing:   // (the `where` is the last pattern's)
            return committedBefore ? .outcomeUnknown("\(error)") : .storeUnavailable("\(error)")
        case .poolBusy: return .rateLimited(Text(.storeBusy))
        default: return .storage("\(error)")
        }
    }
}

/// The stores bound to one PostgreSQL transaction.
struct PostgresTransaction: StoreTransaction {
    let tx: PGTransaction

    init(_ tx: PGTransaction) {
        self.tx = tx
    }

    var accounts: any AccountStore { PostgresAccountStore(tx: tx) }
    var sessions: any SessionStore { PostgresSessionStore(tx: tx) }
    var loginGuard: any LoginGuardStore { PostgresLoginGuardStore(tx: tx) }
    var sms: any SMSStore { PostgresSMSStore(tx: tx) }
    var idempotency: any IdempotencyStore { PostgresIdempotencyStore(tx: tx) }
    var audit: any AuditStore { PostgresAuditStore(tx: tx) }
    var applications: any ApplicationStore { PostgresApplicationStore(tx: tx) }
    var registrations: any RegistrationStore { PostgresRegistrationStore(tx: tx) }
    var certificates: any CertificateStore { PostgresCertificateStore(tx: tx) }
    var announcements: any AnnouncementStore { PostgresAnnouncementStore(tx: tx) }
    var enterprises: any EnterpriseStore { PostgresEnterpriseStore(tx: tx) }
    var signups: any SignupStore { PostgresSignupStore(tx: tx) }

    func savepoint<T>(_ work: () throws -> T) throws -> T {
        try tx.savepoint { _ in try work() }
    }
}

extension Bool {
    /// The 0/1 integer the schema keeps flags as (the same values as on SQLite).
    var flag: Int { self ? 1 : 0 }
}

extension PostgresRegistryStore {
    /// Opens a pool on `url` (multi-host allowed) and brings the schema to the newest version.
    public static func open(url: String, connections: Int = 8) async throws -> PostgresRegistryStore {
        let pool = PGPool(url: url, size: connections)
        try await PostgresSchema.migrate(pool)
        return PostgresRegistryStore(pool: pool)
    }

    /// A pool on `url` without touching the schema (read-only tools: `jzsd audit verify`).
    public static func connect(url: String, connections: Int = 1) -> PostgresRegistryStore {
        PostgresRegistryStore(pool: PGPool(url: url, size: connections))
    }

    /// Closes the pool's connections.
    public func close() {
        pool.close()
    }

    /// Recomputes the audit chain in one read-only snapshot (`jzsd audit verify`).
    public func verifyAudit() async throws -> AuditLog.Verification {
        try await pool.read { tx in try PostgresAuditStore.verify(in: tx) }
    }
}
