public import Model
internal import PostgresStore

/// PostgreSQL's unique violations (SQLSTATE 23505) as ``StoreConflict``s, by the name of the
/// constraint or unique index hit: the same names as the SQLite schema's (``PostgresSchema``),
/// or PostgreSQL's own `<table>_<column>_key` for a column declared UNIQUE.
///
/// Any other unique violation is ``StoreInvariant/uniqueKey`` (as on SQLite); other errors
/// pass unchanged. After a conflict the PostgreSQL transaction is spoilt: a caller that carries
/// on runs the write in `tx.savepoint {}`.
enum PostgresConflicts {
    @discardableResult
    static func mapping<T>(_ invariants: [String: StoreInvariant], _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch PGError.uniqueViolation(let constraint, _) {
            throw StoreConflict(invariants[constraint] ?? .uniqueKey)
        }
    }
}

/// Numbered parameters collected while a statement is put together (`$1`, `$2` … in order).
struct PGParameters {
    private(set) var values: [PGValue] = []

    init(_ values: [any PGEncodable] = []) {
        self.values = values.map(\.pgValue)
    }

    /// The number the next bound value gets.
    var next: Int { values.count + 1 }

    /// Binds `value` and returns its placeholder.
    mutating func bind(_ value: any PGEncodable) -> String {
        values.append(value.pgValue)
        return "$\(values.count)"
    }

    /// Binds each value and returns the placeholders, comma-separated (for `IN (…)`).
    mutating func list(_ list: [any PGEncodable]) -> String {
        list.map { bind($0) }.joined(separator: ", ")
    }

    /// Takes a condition whose parameters were numbered from ``next`` (a `visible(to:first:)` rule).
    mutating func splice(_ part: (sql: String, arguments: [PGValue])) -> String {
        values += part.arguments
        return part.sql
    }
}
