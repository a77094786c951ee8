/// Many rows sent as one statement: each column travels as one array parameter and the
/// statement reads them back as a table with `unnest`, so a batch of 10,000 rows is one round
/// trip and one statement for the server to plan, not 10,000 (docs/PERFORMANCE.md, "Both engines").
///
/// ```swift
/// var rows = PGRowSet(["application_id": "text", "at": "float8"])
/// for e in events { rows.append(e.applicationID, e.at) }
/// try tx.execute("INSERT INTO application_events (application_id, at) SELECT * FROM \(rows.table("v"))", parameters: rows.parameters)
/// ```
///
/// Columns keep their order; types are PostgreSQL type names, each array parameter is cast to
/// `type[]` in the statement. Values use the same shapes as single parameters (``PGValue``).
public struct PGRowSet {
    public let columns: [(name: String, type: String)]
    private var cells: [[PGValue]]

    public init(_ columns: KeyValuePairs<String, String>) {
        self.columns = columns.map { ($0.key, $0.value) }
        cells = Array(repeating: [], count: columns.count)
    }

    /// The rows appended so far.
    public var count: Int { cells.first?.count ?? 0 }
    public var isEmpty: Bool { count == 0 }

    /// Appends one row, a value per column in column order.
    public mutating func append(_ values: any PGEncodable...) {
        precondition(values.count == columns.count, "a row of \(values.count) values for \(columns.count) columns")
        for (i, value) in values.enumerated() { cells[i].append(value.pgValue) }
    }

    /// `unnest($first::type[], …) AS alias(name, …)`: the rows as a table, for `FROM` (or
    /// `SELECT * FROM` in an INSERT); the placeholders are numbered from `first`.
    public func table(_ alias: String, first: Int = 1) -> String {
        let arrays = columns.enumerated().map { "$\(first + $0.offset)::\($0.element.type)[]" }
        return "unnest(\(arrays.joined(separator: ", "))) AS \(alias)(\(columns.map(\.name).joined(separator: ", ")))"
    }

    /// One array parameter per column, in column order.
    public var parameters: [PGValue] { cells.map { .text(Self.arrayLiteral($0)) } }

    /// A list as one array parameter, for `= ANY($1::text[])`.
    public static func array(_ values: [any PGEncodable]) -> PGValue {
        .text(arrayLiteral(values.map(\.pgValue)))
    }

    /// PostgreSQL's text form of an array: every element quoted (backslash before `"` and `\`),
    /// NULL bare; bytea elements in their hex text form. Written into one buffer (a batch's column
    /// is 10,000 elements: no string per element).
    static func arrayLiteral(_ values: [PGValue]) -> String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        out.reserveCapacity(values.count * 24)
        for (i, value) in values.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            switch value {
            case .null: out += "NULL".utf8; continue
            case .bool(let b): out += b ? "\"t\"".utf8 : "\"f\"".utf8; continue
            case .bytes(let b): appendHex(b, to: &out); continue
            case .integer(let n): appendQuoted(String(n), to: &out)
            case .real(let d): appendQuoted(PGConnection.text(of: d), to: &out)
            case .numeric(let s), .text(let s): appendQuoted(s, to: &out)
            }
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    private static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\")
        out.append(quote)
        var text = text
        text.withUTF8 { bytes in
            if !bytes.contains(where: { $0 == quote || $0 == backslash }) {
                out.append(contentsOf: bytes)
                return
            }
            for byte in bytes {
                if byte == quote || byte == backslash { out.append(backslash) }
                out.append(byte)
            }
        }
        out.append(quote)
    }

    /// `"\\x0a1b…"`: bytea's hex text form, its backslash escaped inside the quotes.
    private static func appendHex(_ bytes: [UInt8], to out: inout [UInt8]) {
        let digits: StaticString = "0123456789abcdef"
        out += "\"\\\\x".utf8
        digits.withUTF8Buffer { hex in
            for byte in bytes {
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

