public import Foundation
public import GRDB
internal import Crypto

/// One audited state change (DESIGN.md §4).
public struct AuditEntry: Sendable, Equatable {
    public var at: Date
    public var caller: String
    public var tenant: String
    public var method: String
    public var target: String
    public var result: String
    public var requestID: String

    public init(at: Date, caller: String, tenant: String, method: String, target: String, result: String, requestID: String) {
        self.at = at
        self.caller = caller
        self.tenant = tenant
        self.method = method
        self.target = target
        self.result = result
        self.requestID = requestID
    }
}

/// The append-only, hash-chained audit log. Each row's hash is SHA-256 over the previous row's
/// hash, its own id and its fields, so an edited, removed or reordered row breaks the chain from
/// there on. Triggers refuse UPDATE and DELETE; the chain catches changes made around them.
///
/// Rows carry the format of their hash: format 1 (rows written before v11) joined the fields
/// with U+001F, which a field containing U+001F could shift; format 2 length-prefixes every
/// field, so no value can move a boundary. Old rows keep verifying with their own format.
public enum AuditLog {
    package static let genesis = [UInt8](repeating: 0, count: 32)

    /// Appends `entry` inside the caller's write transaction (the same one as the change).
    public static func append(_ entry: AuditEntry, in db: Database) throws {
        try appendAll([entry], in: db)
    }

    /// Appends `entries` in order (one look-up of the chain's end for all of them).
    public static func appendAll(_ entries: [AuditEntry], in db: Database) throws {
        guard !entries.isEmpty else { return }
        let last = try Row.fetchOne(db, sql: "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")
        var id: Int64 = last?["id"] as Int64? ?? 0
        var previous: [UInt8] = last.map { Array(($0["hash"] as Data)) } ?? genesis
        let insert = try db.cachedStatement(sql: """
            INSERT INTO audit_log (id, at, caller, tenant, method, target, result, request_id, previous_hash, hash, format)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 2)
            """)
        for entry in entries {
            id += 1
            let at = timestamp(entry.at)
            let hash = chainHash(previous: previous, id: id, at: at, entry: entry, format: 2)
            try insert.execute(arguments: [id, at, entry.caller, entry.tenant, entry.method, entry.target, entry.result,
                                           entry.requestID, Data(previous), Data(hash)])
            previous = hash
        }
    }

    public enum Verification: Sendable, Equatable {
        case intact(rows: Int)
        /// The first row whose stored hash or link does not match what its content gives.
        case broken(rowID: Int64, reason: String)
    }

    /// Recomputes the whole chain.
    public static func verify(in db: Database) throws -> Verification {
        var verifier = ChainVerifier()
        let rows = try Row.fetchCursor(db, sql: "SELECT * FROM audit_log ORDER BY id")
        while let row = try rows.next() {
            let stored = StoredRow(id: row["id"], at: row["at"], caller: row["caller"], tenant: row["tenant"], method: row["method"],
                                   target: row["target"], result: row["result"], requestID: row["request_id"],
                                   previousHash: Array(row["previous_hash"] as Data), hash: Array(row["hash"] as Data),
                                   format: row["format"] ?? 1)
            if let broken = verifier.check(stored) { return broken }
        }
        return .intact(rows: verifier.count)
    }

    /// One stored row of the chain, as either engine reads it.
    package struct StoredRow {
        var id: Int64, at: String, caller: String, tenant: String, method: String, target: String, result: String, requestID: String
        var previousHash: [UInt8], hash: [UInt8], format: Int

        package init(id: Int64, at: String, caller: String, tenant: String, method: String, target: String, result: String,
                     requestID: String, previousHash: [UInt8], hash: [UInt8], format: Int) {
            (self.id, self.at, self.caller, self.tenant, self.method, self.target, self.result, self.requestID) =
                (id, at, caller, tenant, method, target, result, requestID)
            (self.previousHash, self.hash, self.format) = (previousHash, hash, format)
        }
    }

    /// The chain rule both engines verify by: rows fed in id order, one at a time.
    package struct ChainVerifier {
        private var previous = AuditLog.genesis
        private var expectedID: Int64 = 1
        package private(set) var count = 0

        package init() {}

        /// nil while the chain holds; the first break otherwise.
        package mutating func check(_ row: StoredRow) -> Verification? {
            let id = row.id
            guard id == expectedID else { return .broken(rowID: id, reason: "row \(expectedID) is missing") }
            guard row.previousHash == previous else { return .broken(rowID: id, reason: "link to the previous row does not match") }
            guard row.format == 1 || row.format == 2 else { return .broken(rowID: id, reason: "unknown hash format \(row.format)") }
            let entry = AuditEntry(at: Date(), caller: row.caller, tenant: row.tenant, method: row.method,
                                   target: row.target, result: row.result, requestID: row.requestID)
            let hash = AuditLog.chainHash(previous: previous, id: id, at: row.at, entry: entry, format: row.format)
            guard hash == row.hash else { return .broken(rowID: id, reason: "content does not match its hash") }
            previous = hash
            expectedID += 1
            count += 1
            return nil
        }
    }

    package static func chainHash(previous: [UInt8], id: Int64, at: String, entry: AuditEntry, format: Int) -> [UInt8] {
        let fields = [String(id), at, entry.caller, entry.tenant, entry.method, entry.target, entry.result, entry.requestID]
        if format == 1 {
            return Digest.sha256(previous + Array(fields.joined(separator: "\u{1F}").utf8))
        }
        // Format 2: "v2", then every field as its UTF-8 length (4 bytes, big-endian) and bytes
        // (built in one buffer: a batch hashes 10,000 rows).
        var input = previous
        input.reserveCapacity(previous.count + 2 + fields.reduce(0) { $0 + 4 + $1.utf8.count })
        input += "v2".utf8
        for field in fields {
            let n = UInt32(clamping: field.utf8.count)
            input += [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)]
            input += field.utf8
        }
        return Digest.sha256(input)
    }

    /// UTC, millisecond precision, ISO 8601.
    package static func timestamp(_ date: Date) -> String {
        // Fixed-width UTC with milliseconds, formatted by hand (no formatter per row).
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let seconds = ms / 1000, millis = Int(ms % 1000)
        var t = time_t(seconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let m = millis < 10 ? "00\(millis)" : millis < 100 ? "0\(millis)" : "\(millis)"
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(m)Z"
    }
}
