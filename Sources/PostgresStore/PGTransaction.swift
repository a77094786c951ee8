/// How a unit of work opens its transaction.
public enum PGTransactionMode: Sendable, Equatable {
    /// `BEGIN ISOLATION LEVEL …` (READ COMMITTED is PostgreSQL's default).
    case write(PGIsolation = .readCommitted)
    /// `BEGIN READ ONLY`: a write inside fails with ``PGError/readOnly(_:)``.
    case read

    var begin: String {
        switch self {
        case .write(let isolation): "BEGIN ISOLATION LEVEL \(isolation.rawValue)"
        case .read: "BEGIN READ ONLY"
        }
    }
}

/// A transaction isolation level.
public enum PGIsolation: String, Sendable {
    case readCommitted = "READ COMMITTED"
    case repeatableRead = "REPEATABLE READ"
    case serializable = "SERIALIZABLE"
}

/// The open transaction of a unit of work: statements run inside it, savepoints nest in it.
///
/// Valid only inside the closure that received it. Unlike SQLite, any failed statement puts a
/// PostgreSQL transaction in the failed state until a rollback: work that must survive an
/// item's failure (batch items) runs each item in ``savepoint(_:)``.
public final class PGTransaction {
    /// The connection the transaction runs on.
    public let connection: PGConnection
    private var savepoints = 0

    init(connection: PGConnection) {
        self.connection = connection
    }

    /// Runs one statement and returns how many rows it changed.
    /// - Throws: ``PGError``.
    @discardableResult
    public func execute(_ sql: String, _ parameters: any PGEncodable...) throws(PGError) -> Int {
        try connection.execute(sql, parameters: parameters.map(\.pgValue))
    }

    /// Runs one statement with an array of parameters and returns how many rows it changed.
    /// - Throws: ``PGError``.
    @discardableResult
    public func execute(_ sql: String, parameters: [PGValue]) throws(PGError) -> Int {
        try connection.execute(sql, parameters: parameters)
    }

    /// Runs one statement and returns its rows.
    /// - Throws: ``PGError``.
    public func query(_ sql: String, _ parameters: any PGEncodable...) throws(PGError) -> [PGRow] {
        try connection.query(sql, parameters: parameters.map(\.pgValue))
    }

    /// Runs one statement with an array of parameters and returns its rows.
    /// - Throws: ``PGError``.
    public func query(_ sql: String, parameters: [PGValue]) throws(PGError) -> [PGRow] {
        try connection.query(sql, parameters: parameters)
    }

    /// The first row of the statement's result, if any.
    /// - Throws: ``PGError``.
    public func queryOne(_ sql: String, _ parameters: any PGEncodable...) throws(PGError) -> PGRow? {
        try connection.query(sql, parameters: parameters.map(\.pgValue)).first
    }

    /// Runs `body` inside `SAVEPOINT`: when it throws, only its own work is rolled back and the
    /// transaction goes on; the error is rethrown.
    /// - Throws: what `body` throws, or ``PGError`` from the savepoint statements.
    public func savepoint<T>(_ body: (PGTransaction) throws -> T) throws -> T {
        savepoints += 1
        let name = "jzs_sp\(savepoints)"
        defer { savepoints -= 1 }
        try connection.executeScript("SAVEPOINT \(name)")
        let result: T
        do {
            result = try body(self)
        } catch {
            if !connection.isBroken {
                try connection.executeScript("ROLLBACK TO SAVEPOINT \(name); RELEASE SAVEPOINT \(name)")
            }
            throw error
        }
        try connection.executeScript("RELEASE SAVEPOINT \(name)")
        return result
    }
}

@available(*, unavailable)
extension PGTransaction: Sendable {}

extension PGConnection {
    /// Runs `body` in one transaction: COMMIT when it returns, ROLLBACK when it throws.
    ///
    /// - Parameters:
    ///   - mode: read-only, or a write with its isolation level.
    ///   - body: the unit of work.
    /// - Throws: what `body` throws (after the rollback); ``PGError/transactionAborted`` when the
    ///   server had already failed the transaction; ``PGError/commitOutcomeUnknown(_:)`` when
    ///   the connection broke during COMMIT; other ``PGError``s from BEGIN and COMMIT.
    public func transaction<T>(_ mode: PGTransactionMode = .write(), _ body: (PGTransaction) throws -> T) throws -> T {
        try executeScript(mode.begin)
        return try finishTransaction(body)
    }

    /// The rest of ``transaction(_:_:)`` after a successful BEGIN (the pool retries BEGIN alone
    /// on a fresh connection, since nothing has happened yet).
    func finishTransaction<T>(_ body: (PGTransaction) throws -> T) throws -> T {
        let result: T
        do {
            result = try body(PGTransaction(connection: self))
        } catch {
            if !isBroken {
                do { try executeScript("ROLLBACK") } catch { close() }   // a connection that cannot roll back is not reused
            }
            throw error
        }
        let tag: String
        do {
            tag = try commandTag("COMMIT")
        } catch .connectionLost(let message) {
            throw PGError.commitOutcomeUnknown(message)
        }
        guard tag == "COMMIT" else { throw PGError.transactionAborted }
        return result
    }
}
