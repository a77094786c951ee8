/// One result row: its values in column order, decoded from the server's text format.
public struct PGRow: Sendable {
    /// The result's column names, shared by its rows.
    public let columns: PGColumns
    public let values: [PGValue]

    public init(columns: PGColumns, values: [PGValue]) {
        self.columns = columns
        self.values = values
    }

    /// The value at `index` (0-based).
    public subscript(index: Int) -> PGValue { values[index] }

    /// Decodes the column at `index` (0-based).
    /// - Throws: ``PGError/decoding(_:)`` when out of range, NULL for a non-optional, or of another shape.
    public func decode<T: PGDecodable>(_ type: T.Type, at index: Int) throws(PGError) -> T {
        guard values.indices.contains(index) else { throw .decoding("no column \(index)") }
        do {
            return try T(pgValue: values[index])
        } catch {
            throw .decoding("column \(columns.names[index]): \(error)")
        }
    }

    /// Decodes the column at `index`, its type given by the context (`let id: String = try row.decode(at: 0)`).
    public func decode<T: PGDecodable>(at index: Int) throws(PGError) -> T {
        try decode(T.self, at: index)
    }

    /// Decodes the column called `name`, its type given by the context.
    public func decode<T: PGDecodable>(_ name: String) throws(PGError) -> T {
        try decode(T.self, name)
    }

    /// Decodes the column called `name`.
    /// - Throws: ``PGError/decoding(_:)`` when there is no such column or its value does not fit.
    public func decode<T: PGDecodable>(_ type: T.Type, _ name: String) throws(PGError) -> T {
        guard let index = columns.index[name] else { throw .decoding("no column \(name)") }
        return try decode(type, at: index)
    }
}

/// The column names of a result.
public final class PGColumns: Sendable {
    public let names: [String]
    let index: [String: Int]

    public init(_ names: [String]) {
        self.names = names
        var index: [String: Int] = [:]
        for (i, name) in names.enumerated() where index[name] == nil { index[name] = i }
        self.index = index
    }
}
