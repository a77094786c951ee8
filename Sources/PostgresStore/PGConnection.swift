internal import CLibPQ
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// One libpq connection: the only owner of `PGconn` and `PGresult` pointers in jzs.
///
/// libpq is synchronous; a connection is used by one thread at a time and never on an event
/// loop (``PGPool`` runs each unit of work on the connection's own dispatch queue).
///
/// ```swift
/// let connection = try PGConnection(url: "postgresql://jzs@h1:5432,h2:5432/jzs?target_session_attrs=read-write")
/// try connection.transaction(.write()) { tx in
///     try tx.execute("INSERT INTO t (name, body) VALUES ($1, $2)", "名称", [UInt8]([1, 2]))
/// }
/// ```
///
/// Statements with parameters are prepared once per connection (server-side, named `jzs_N`) and
/// then executed by name; parameters go in text format (bytea in binary), results come back in
/// text format and are decoded by column type (see ``PGValue``).
public final class PGConnection {
    private var handle: OpaquePointer?
    private var statements: [String: String] = [:]
    /// The connection broke or reached a read-only server; the pool drops it.
    public private(set) var isBroken = false

    /// Server-side prepared statements kept per connection before falling back to unnamed ones.
    public static let statementCacheLimit = 512

    /// Connects to the first server of `url` that fits (libpq walks multi-host URLs and honours
    /// `target_session_attrs`, `sslmode`, `connect_timeout` …).
    ///
    /// Defaults that the URL may override: `connect_timeout=5`, `application_name=jzsd`, TCP
    /// keepalives after 30 s idle. Always set: `client_encoding=UTF8`.
    /// - Throws: ``PGError/connectionFailed(_:)`` with libpq's message.
    public init(url: String) throws(PGError) {
        let pairs: [(String, String)] = [
            ("connect_timeout", "5"),
            ("application_name", "jzsd"),
            ("keepalives_idle", "30"),
            ("keepalives_interval", "10"),
            ("keepalives_count", "3"),
            ("dbname", url),                 // expanded: its fields override the defaults above
            ("client_encoding", "UTF8"),     // after it: never overridden
        ]
        let keywords = pairs.map { strdup($0.0) }
        let values = pairs.map { strdup($0.1) }
        defer { keywords.forEach { free($0) }; values.forEach { free($0) } }
        let conn = (keywords.map { UnsafePointer($0) } + [nil]).withUnsafeBufferPointer { k in
            (values.map { UnsafePointer($0) } + [nil]).withUnsafeBufferPointer { v in
                PQconnectdbParams(k.baseAddress, v.baseAddress, 1)
            }
        }
        guard let conn else { throw .connectionFailed("out of memory") }
        guard PQstatus(conn) == CONNECTION_OK else {
            let message = Self.trimmed(PQerrorMessage(conn))
            PQfinish(conn)
            throw .connectionFailed(message)
        }
        shim_PQsilenceNotices(conn)
        handle = conn
    }

    deinit { close() }

    /// Closes the connection (idempotent).
    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
        isBroken = true
    }

    /// The port of the server this connection reached (which host of a multi-host URL).
    public var serverPort: Int? { handle.flatMap { PQport($0) }.flatMap { Int(String(cString: $0)) } }
    /// The host of the server this connection reached.
    public var serverHost: String? { handle.flatMap { PQhost($0) }.map { String(cString: $0) } }
    /// The server's version as an integer (150018 for 15.18).
    public var serverVersion: Int { handle.map { Int(PQserverVersion($0)) } ?? 0 }
    /// TLS is in use on this connection (`sslmode`).
    public var usesTLS: Bool { handle.map { PQsslInUse($0) == 1 } ?? false }
    /// Inside a transaction block (`BEGIN` without its end yet).
    public var inTransaction: Bool {
        guard let handle else { return false }
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    /// Runs SQL without parameters in the simple-query protocol: several statements separated
    /// by semicolons are allowed (migrations, `CREATE DATABASE`, `BEGIN`).
    /// - Throws: ``PGError``.
    public func executeScript(_ sql: String) throws(PGError) {
        let handle = try open()
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result)
    }

    /// Runs one statement and returns how many rows it changed (`INSERT`/`UPDATE`/`DELETE`).
    /// - Throws: ``PGError``.
    @discardableResult
    public func execute(_ sql: String, parameters: [PGValue] = []) throws(PGError) -> Int {
        let result = try run(sql, parameters)
        defer { PQclear(result) }
        return Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    /// Runs one statement and returns its rows.
    /// - Throws: ``PGError``.
    public func query(_ sql: String, parameters: [PGValue] = []) throws(PGError) -> [PGRow] {
        let result = try run(sql, parameters)
        defer { PQclear(result) }
        return try Self.rows(of: result)
    }

    /// Runs a statement without parameters and returns its command tag (`COMMIT` answers
    /// `ROLLBACK` when the transaction had already failed).
    func commandTag(_ sql: String) throws(PGError) -> String {
        let handle = try open()
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result)
        return String(cString: PQcmdStatus(result))
    }

    /// Forgets this connection's prepared statements (after DDL that changes their result types).
    /// - Throws: ``PGError``.
    public func deallocatePreparedStatements() throws(PGError) {
        try executeScript("DEALLOCATE ALL")
        statements.removeAll()
    }

    // MARK: - Internals

    private func open() throws(PGError) -> OpaquePointer {
        guard let handle, !isBroken else { throw .connectionLost("connection closed") }
        return handle
    }

    /// Executes with parameters through a cached prepared statement; the caller clears the result.
    private func run(_ sql: String, _ parameters: [PGValue]) throws(PGError) -> OpaquePointer? {
        let handle = try open()
        let types = parameters.map(Self.typeOID)
        let key = types.isEmpty ? sql : sql + "\u{0}" + types.map(String.init).joined(separator: ",")
        var name = statements[key]
        if name == nil, statements.count < Self.statementCacheLimit {
            let newName = "jzs_\(statements.count + 1)"
            let prepared = types.withUnsafeBufferPointer { PQprepare(handle, newName, sql, Int32(types.count), $0.baseAddress) }
            defer { PQclear(prepared) }
            try check(prepared)
            statements[key] = newName
            name = newName
        }
        let result = Self.withParameters(parameters) { values, lengths, formats in
            if let name {
                return PQexecPrepared(handle, name, Int32(parameters.count), values, lengths, formats, 0)
            }
            return types.withUnsafeBufferPointer {
                PQexecParams(handle, sql, Int32(parameters.count), $0.baseAddress, values, lengths, formats, 0)
            }
        }
        do {
            try check(result)
        } catch {
            PQclear(result)
            throw error
        }
        return result
    }

    /// Throws unless `result` is a success; marks the connection broken when the error says so.
    private func check(_ result: OpaquePointer?) throws(PGError) {
        if let result {
            switch PQresultStatus(result) {
            case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY: return
            default: break
            }
        }
        let lost = handle.map { PQstatus($0) == CONNECTION_BAD } ?? true
        let field = { (code: Int32) -> String? in
            result.flatMap { PQresultErrorField($0, code) }.map { String(cString: $0) }
        }
        let message = field(shim_PG_DIAG_MESSAGE_PRIMARY) ?? handle.map { Self.trimmed(PQerrorMessage($0)) } ?? "no connection"
        var error: PGError
        if let state = field(shim_PG_DIAG_SQLSTATE) {
            error = PGError.classify(sqlState: state, message: message, constraint: field(shim_PG_DIAG_CONSTRAINT_NAME))
        } else {
            error = lost ? .connectionLost(message) : .server(sqlState: "XX000", message: message)
        }
        if lost, !error.needsReconnect { error = .connectionLost(message) }   // e.g. a FATAL 53300
        if error.needsReconnect { isBroken = true }
        throw error
    }

    private static func trimmed(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "" }
        var text = String(cString: message)
        while text.last?.isWhitespace == true { text.removeLast() }
        return text
    }

    /// The parameter's declared type: unspecified for text, so the server infers it from the
    /// context (a text parameter can fill a timestamptz or uuid column).
    private static func typeOID(_ value: PGValue) -> Oid {
        switch value {
        case .null, .text: 0
        case .bool: 16
        case .bytes: 17
        case .integer: 20
        case .real: 701
        case .numeric: 1700
        }
    }

    /// Lays the parameters out in one buffer and hands libpq its pointer arrays.
    private static func withParameters<R>(
        _ parameters: [PGValue],
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> R
    ) -> R {
        var storage: [UInt8] = []
        var offsets: [Int?] = []
        var lengths: [Int32] = []
        var formats: [Int32] = []
        for value in parameters {
            let bytes: [UInt8]?
            var format: Int32 = 0
            switch value {
            case .null: bytes = nil
            case .bool(let b): bytes = Array((b ? "t" : "f").utf8)
            case .integer(let i): bytes = Array(String(i).utf8)
            case .real(let d): bytes = Array(Self.text(of: d).utf8)
            case .numeric(let s), .text(let s): bytes = Array(s.utf8)
            case .bytes(let b): bytes = b; format = 1
            }
            if let bytes {
                offsets.append(storage.count)
                storage.append(contentsOf: bytes)
                storage.append(0)   // text parameters are C strings
                lengths.append(Int32(bytes.count))
            } else {
                offsets.append(nil)
                lengths.append(0)
            }
            formats.append(format)
        }
        storage.append(0)   // never empty, so the base address exists
        return storage.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!)
            let pointers: [UnsafePointer<CChar>?] = offsets.map { offset in
                offset.map { (base + $0).assumingMemoryBound(to: CChar.self) }
            }
            return pointers.withUnsafeBufferPointer { p in
                lengths.withUnsafeBufferPointer { l in
                    formats.withUnsafeBufferPointer { f in body(p.baseAddress, l.baseAddress, f.baseAddress) }
                }
            }
        }
    }

    /// PostgreSQL's spelling of a double (Swift prints `inf` and `nan`, which float8in also reads).
    static func text(of value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        return "\(value)"
    }

    /// Copies a text-format result into rows.
    private static func rows(of result: OpaquePointer?) throws(PGError) -> [PGRow] {
        guard let result else { return [] }
        let columnCount = PQnfields(result)
        let rowCount = PQntuples(result)
        let columns = PGColumns((0..<columnCount).map { String(cString: PQfname(result, $0)) })
        let types = (0..<columnCount).map { PQftype(result, $0) }
        var rows: [PGRow] = []
        rows.reserveCapacity(Int(rowCount))
        for r in 0..<rowCount {
            var values: [PGValue] = []
            values.reserveCapacity(Int(columnCount))
            for c in 0..<columnCount {
                if PQgetisnull(result, r, c) == 1 { values.append(.null); continue }
                let length = Int(PQgetlength(result, r, c))
                let raw = UnsafeRawBufferPointer(start: PQgetvalue(result, r, c), count: length)
                values.append(try decode(raw.bindMemory(to: UInt8.self), type: types[Int(c)], column: columns.names[Int(c)]))
            }
            rows.append(PGRow(columns: columns, values: values))
        }
        return rows
    }

    private static func decode(_ text: UnsafeBufferPointer<UInt8>, type: Oid, column: String) throws(PGError) -> PGValue {
        switch type {
        case 16:   // bool
            return .bool(text.first == UInt8(ascii: "t"))
        case 17:   // bytea, hex output: \x0a1b…
            guard let bytes = hexBytes(text) else { throw .decoding("column \(column): bytea not in hex format") }
            return .bytes(bytes)
        case 20, 21, 23, 26:   // int8, int2, int4, oid
            guard let i = Int64(String(decoding: text, as: UTF8.self)) else { throw .decoding("column \(column): not an integer") }
            return .integer(i)
        case 700, 701:   // float4, float8
            guard let d = Double(String(decoding: text, as: UTF8.self)) else { throw .decoding("column \(column): not a number") }
            return .real(d)
        case 1700:
            return .numeric(String(decoding: text, as: UTF8.self))
        default:
            return .text(String(decoding: text, as: UTF8.self))
        }
    }

    private static func hexBytes(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard text.count >= 2, text[0] == UInt8(ascii: "\\"), text[1] == UInt8(ascii: "x"), text.count % 2 == 0 else { return nil }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity((text.count - 2) / 2)
        var i = 2
        while i < text.count {
            guard let high = nibble(text[i]), let low = nibble(text[i + 1]) else { return nil }
            bytes.append(high << 4 | low)
            i += 2
        }
        return bytes
    }
}

@available(*, unavailable)
extension PGConnection: Sendable {}
