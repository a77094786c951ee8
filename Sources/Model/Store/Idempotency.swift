import Crypto
import Foundation

/// Idempotency keys: a mutating call retried with the same key returns the stored answer and
/// applies nothing twice. The key belongs to the caller (principal); reusing it for a different
/// request (or another method) is refused. One mechanism for every method that honours a key:
/// `once` runs inside the use case's own unit of work, so the answer is stored atomically with
/// the change it describes.
enum Idempotency {
    static let field = "metadata.idempotency-key"

    /// The key of the `idempotency-key` metadata entry (1-128 characters), or nil when absent and
    /// not `required`.
    static func key(_ raw: String?, required: Bool) throws(RegistryError) -> String? {
        guard let key = raw?.trimmed, !key.isEmpty else {
            if required { throw .invalid(field, .idempotencyKeyRequired) }
            return nil
        }
        guard key.count <= 128 else { throw .invalid(field, .tooLong, "128") }
        return key
    }

    /// An unambiguous rendering of a request's strings (a JSON array of arrays: separators inside
    /// free text cannot make two requests look alike).
    ///
    /// Strings of printable ASCII other than `"` and `\` (a batch's ids and verbs) need no escape
    /// and are written here byte for byte as JSONSerialization writes them (10,000 items: no
    /// bridging to Foundation objects); any other string sends the whole request through
    /// JSONSerialization, as before, so the rendering of a request never changes.
    static func canonical(_ rows: [[String]]) -> String {
        var out: [UInt8] = [UInt8(ascii: "[")]
        for (r, row) in rows.enumerated() {
            if r > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "["))
            for (f, field) in row.enumerated() {
                if f > 0 { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "\""))
                for byte in field.utf8 {
                    guard byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\""), byte != UInt8(ascii: "\\") else {
                        return String(decoding: (try? JSONSerialization.data(withJSONObject: rows, options: [.withoutEscapingSlashes])) ?? Data(), as: UTF8.self)
                    }
                    out.append(byte)
                }
                out.append(UInt8(ascii: "\""))
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "]"))
        return String(decoding: out, as: UTF8.self)
    }

    /// Runs `body` once per (principal, key) inside the unit of work of `store`. A retry with the
    /// same key and request (`method` plus a canonical rendering of it) gets the stored answer; the
    /// same key with another request gets FAILED_PRECONDITION. Without a key `body` just runs.
    static func once<T: Codable>(principal: String, key: String?, method: String, request: String, at now: Date,
                                 in store: any IdempotencyStore, _ body: () throws -> T) throws -> T {
        guard let key else { return try body() }
        let requestHash = Data(Digest.sha256(Array("\(method)\u{1F}\(request)".utf8)))
        if let stored = try store.stored(principal: principal, key: key) {
            guard stored.requestHash == requestHash else {
                throw RegistryError.failedPrecondition(Text(.idempotencyKeyReused, "\(key)"))
            }
            return try JSONDecoder().decode(T.self, from: stored.response)
        }
        let result = try body()
        try store.save(principal: principal, key: key, method: method, requestHash: requestHash,
                       response: try JSONEncoder().encode(result), at: now)
        return result
    }
}
