public import GRDB
internal import Foundation

/// The embedded engine: the store layer over ``RegistryDatabase`` (GRDB, one writer connection).
public struct SQLiteStore: RegistryStore {
    public let database: RegistryDatabase

    public init(_ database: RegistryDatabase) {
        self.database = database
    }

    public func write<T: Sendable>(_ work: @escaping @Sendable (any StoreTransaction) throws -> T) async throws(RegistryError) -> T {
        try await database.write { db in try work(SQLiteTransaction(db)) }
    }

    public func read<T: Sendable>(_ work: @escaping @Sendable (any StoreTransaction) throws -> T) async throws(RegistryError) -> T {
        try await database.read { db in try work(SQLiteTransaction(db)) }
    }

    public func close() {
        // GRDB waits for running units of work; it refuses only while a statement outside its
        // cache is still open. Said on stderr, since the process is about to exit either way.
        do {
            try database.pool.close()
        } catch {
            FileHandle.standardError.write(Data("jzsd: the SQLite database did not close cleanly: \(error)\n".utf8))
        }
    }
}

extension RegistryDatabase {
    /// This database as the store layer.
    public var store: SQLiteStore { SQLiteStore(self) }
}

/// The stores bound to one GRDB transaction. Use cases not yet moved to the store layer reach
/// the moved stores through `SQLiteTransaction(db)` (docs/STORE.md, "Moving").
struct SQLiteTransaction: StoreTransaction {
    let db: Database

    init(_ db: Database) {
        self.db = db
    }

    var accounts: any AccountStore { SQLiteAccountStore(db: db) }
    var sessions: any SessionStore { SQLiteSessionStore(db: db) }
    var loginGuard: any LoginGuardStore { SQLiteLoginGuardStore(db: db) }
    var sms: any SMSStore { SQLiteSMSStore(db: db) }
    var idempotency: any IdempotencyStore { SQLiteIdempotencyStore(db: db) }
    var audit: any AuditStore { SQLiteAuditStore(db: db) }
    var applications: any ApplicationStore { SQLiteApplicationStore(db: db) }
    var registrations: any RegistrationStore { SQLiteRegistrationStore(db: db) }
    var certificates: any CertificateStore { SQLiteCertificateStore(db: db) }
    var announcements: any AnnouncementStore { SQLiteAnnouncementStore(db: db) }
    var enterprises: any EnterpriseStore { SQLiteEnterpriseStore(db: db) }
    var signups: any SignupStore { SQLiteSignupStore(db: db) }

    func savepoint<T>(_ work: () throws -> T) throws -> T {
        var outcome: Result<T, any Error>?
        try db.inSavepoint {
            do {
                outcome = .success(try work())
                return .commit
            } catch {
                outcome = .failure(error)
                return .rollback
            }
        }
        return try outcome!.get()
    }
}

struct SQLiteAuditStore: AuditStore {
    let db: Database

    func append(_ entries: [AuditEntry]) throws {
        try AuditLog.appendAll(entries, in: db)
    }

    func verify() throws -> AuditLog.Verification {
        try AuditLog.verify(in: db)
    }
}
