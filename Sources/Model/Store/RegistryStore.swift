/// The store layer (docs/STORE.md): what use cases see of the database, whatever the engine.
///
/// A use case opens one unit of work (``RegistryStore/write(_:)`` or ``RegistryStore/read(_:)``)
/// and reaches the tables through the stores of that unit (``StoreTransaction``), one per table
/// group. Stores own every SQL statement and apply the caller's ``Scope`` themselves; use cases
/// keep the rules and the workflows. Units of work are synchronous closures: the engine runs them
/// on its own bounded threads (GRDB's writer and readers; libpq connections), never on the
/// event loop.
public protocol RegistryStore: Sendable {
    /// One write transaction: IMMEDIATE on SQLite (the single writer), READ WRITE on PostgreSQL.
    /// Commits when `work` returns, rolls back when it throws. A ``RegistryError`` thrown by
    /// `work` comes out as is; any other failure becomes ``RegistryError/storage(_:)``.
    func write<T: Sendable>(_ work: @escaping @Sendable (any StoreTransaction) throws -> T) async throws(RegistryError) -> T

    /// One read-only transaction (a consistent snapshot); the stores refuse writes in it.
    func read<T: Sendable>(_ work: @escaping @Sendable (any StoreTransaction) throws -> T) async throws(RegistryError) -> T

    /// Whether the database would take a write now (for health checks): PostgreSQL asks a
    /// writable primary on a connection of its own; SQLite, a local file, always can.
    func probe() async -> Bool

    /// Closes the database at shutdown, after the last call: SQLite closes its connections (the
    /// WAL is checkpointed), PostgreSQL its pool. Later calls fail; nothing is lost.
    func close()
}

extension RegistryStore {
    public func probe() async -> Bool { true }
}

/// The stores of one unit of work, all bound to its transaction.
public protocol StoreTransaction {
    /// Individuals and enterprise users (their credentials), and the login lockout.
    var accounts: any AccountStore { get }
    var sessions: any SessionStore { get }
    var loginGuard: any LoginGuardStore { get }
    var sms: any SMSStore { get }
    var idempotency: any IdempotencyStore { get }
    var audit: any AuditStore { get }
    /// Applications, their history and documents.
    var applications: any ApplicationStore { get }
    /// Registrations, their specialties and number serials.
    var registrations: any RegistrationStore { get }
    var certificates: any CertificateStore { get }
    var announcements: any AnnouncementStore { get }
    /// Enterprises as other aggregates read them.
    var enterprises: any EnterpriseStore { get }
    /// Sign-ups under way and their identity locks.
    var signups: any SignupStore { get }

    /// Batch work: one item's changes are kept when `work` returns and undone when it throws
    /// (the error is rethrown; the unit of work goes on and commits once).
    func savepoint<T>(_ work: () throws -> T) throws -> T
}
