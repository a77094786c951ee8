/// Call metadata: ordered key–value text pairs carried in the HEADERS (and TRAILERS) frame.
///
/// Keys are lower-case ASCII letters, digits, `-`, `_` and `.`; well-known keys are
/// ``Metadata/Key``. A key may appear once; the last value wins.
public struct Metadata: Sendable, Hashable, Sequence {
    public enum Key {
        public static let authorization = "authorization"
        public static let `operator` = "operator"
        public static let idempotencyKey = "idempotency-key"
        public static let requestID = "request-id"
        /// The language for messages a person reads (`zh-CN`, `en`); docs/PROTOCOL.md §4.3.
        public static let acceptLanguage = "accept-language"
    }

    public private(set) var entries: [(key: String, value: String)] = []

    public init() {}

    public init(_ pairs: [(String, String)]) {
        for (k, v) in pairs { self[k] = v }
    }

    public subscript(key: String) -> String? {
        get { entries.last(where: { $0.key == key })?.value }
        set {
            entries.removeAll { $0.key == key }
            if let newValue { entries.append((key, newValue)) }
        }
    }

    public var isEmpty: Bool { entries.isEmpty }

    public func makeIterator() -> IndexingIterator<[(key: String, value: String)]> { entries.makeIterator() }

    /// Whether `key` is a well-formed metadata key.
    public static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.count <= 64 && key.utf8.allSatisfy { b in
            (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2D || b == 0x5F || b == 0x2E
        }
    }

    public static func == (a: Metadata, b: Metadata) -> Bool {
        a.entries.elementsEqual(b.entries) { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for e in entries { hasher.combine(e.key); hasher.combine(e.value) }
    }
}
