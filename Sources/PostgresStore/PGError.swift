/// What went wrong talking to PostgreSQL, with the server's SQLSTATE sorted into the cases a
/// store acts on.
///
/// libpq's numeric codes and C strings stop at ``PGConnection``; the store layer turns these
/// cases into `RegistryError` (a unique violation into a conflict, a lost connection into a
/// retry or an unavailable service).
public enum PGError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No server of the URL accepted a connection (refused, timed out, read-only when
    /// `target_session_attrs=read-write` asks for the primary, `sslmode` not satisfied, …).
    case connectionFailed(String)
    /// The connection broke: the server shut down (57P01/57P02/57P03), the network failed
    /// (class 08) or the socket closed. Nothing of the open transaction committed; a new
    /// connection may succeed.
    case connectionLost(String)
    /// The connection broke while COMMIT was in flight: the transaction may or may not have
    /// committed. Only an idempotency key makes a retry safe.
    case commitOutcomeUnknown(String)
    /// 23505 unique_violation, with the constraint (or unique index) it hit.
    case uniqueViolation(constraint: String, message: String)
    /// Any other integrity constraint (class 23: foreign key, check, not-null, exclusion).
    case constraintViolation(sqlState: String, constraint: String, message: String)
    /// 40001 serialization_failure: the transaction was rolled back and may be retried whole.
    case serializationFailure(String)
    /// 40P01 deadlock_detected: the transaction was rolled back and may be retried whole.
    case deadlock(String)
    /// 25006 read_only_sql_transaction: a write reached a standby or a read-only transaction.
    case readOnly(String)
    /// COMMIT found the transaction already failed (an error inside it was caught and ignored
    /// without a savepoint), so the server rolled it back.
    case transactionAborted
    /// Any other server error, with its SQLSTATE.
    case server(sqlState: String, message: String)
    /// A column's value could not become the Swift type asked for.
    case decoding(String)
    /// The pool was closed.
    case poolClosed
    /// Too many callers already wait for a connection.
    case poolBusy

    /// The five-character SQLSTATE, when the server sent one.
    public var sqlState: String? {
        switch self {
        case .uniqueViolation: "23505"
        case .constraintViolation(let state, _, _), .server(let state, _): state
        case .serializationFailure: "40001"
        case .deadlock: "40P01"
        case .readOnly: "25006"
        default: nil
        }
    }

    /// The connection is gone or points at the wrong server: drop it and connect again (libpq
    /// then walks the URL's hosts and finds the writable primary).
    public var needsReconnect: Bool {
        switch self {
        case .connectionFailed, .connectionLost, .commitOutcomeUnknown, .readOnly: true
        default: false
        }
    }

    /// The server rolled the whole transaction back because of another transaction (40001,
    /// 40P01): running it again whole is safe, and ``PGPool`` does.
    public var isConflict: Bool {
        switch self {
        case .serializationFailure, .deadlock: true
        default: false
        }
    }

    /// The server rolled the whole transaction back for a reason that a second try may not meet.
    public var isTransient: Bool {
        switch self {
        case .serializationFailure, .deadlock, .connectionLost, .connectionFailed: true
        default: false
        }
    }

    public var description: String {
        switch self {
        case .connectionFailed(let m): "cannot connect to PostgreSQL: \(m)"
        case .connectionLost(let m): "connection to PostgreSQL lost: \(m)"
        case .commitOutcomeUnknown(let m): "connection lost during COMMIT, outcome unknown: \(m)"
        case .uniqueViolation(let c, let m): "unique violation (\(c)): \(m)"
        case .constraintViolation(let s, let c, let m): "constraint violation \(s) (\(c)): \(m)"
        case .serializationFailure(let m): "serialization failure: \(m)"
        case .deadlock(let m): "deadlock: \(m)"
        case .readOnly(let m): "read-only: \(m)"
        case .transactionAborted: "the transaction had failed and was rolled back at COMMIT"
        case .server(let s, let m): "PostgreSQL error \(s): \(m)"
        case .decoding(let m): "cannot decode: \(m)"
        case .poolClosed: "the connection pool is closed"
        case .poolBusy: "too many callers wait for a database connection"
        }
    }

    /// Sorts a server error by its SQLSTATE.
    ///
    /// - Parameters:
    ///   - sqlState: the `C` field of the error response.
    ///   - message: the primary message.
    ///   - constraint: the `n` field (constraint name), when the server sent one.
    public static func classify(sqlState: String, message: String, constraint: String? = nil) -> PGError {
        switch sqlState {
        case "23505": return .uniqueViolation(constraint: constraint ?? "", message: message)
        case "40001": return .serializationFailure(message)
        case "40P01": return .deadlock(message)
        case "25006": return .readOnly(message)
        case "57P01", "57P02", "57P03": return .connectionLost(message)
        default: break
        }
        if sqlState.hasPrefix("23") {
            return .constraintViolation(sqlState: sqlState, constraint: constraint ?? "", message: message)
        }
        if sqlState.hasPrefix("08") { return .connectionLost(message) }
        return .server(sqlState: sqlState, message: message)
    }
}
