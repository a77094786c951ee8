public import Foundation

/// One parameter or column value, in the few shapes the stores use.
///
/// Parameters travel in text format except ``bytes`` (binary, so blobs are not escaped);
/// results arrive in text format and are sorted by the column's type: `bool`, `bytea`,
/// integer types, `real`/`double precision` and `numeric` get their own case, everything else
/// (text, varchar, timestamps, uuid, json) arrives as ``text``.
public enum PGValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case real(Double)
    /// A `numeric` value, exactly as the server printed it (`sum()` of integers is numeric).
    case numeric(String)
    case text(String)
    case bytes([UInt8])
}

/// A Swift value that can be a statement parameter.
public protocol PGEncodable {
    var pgValue: PGValue { get }
}

/// A Swift value that a column can be decoded into.
public protocol PGDecodable {
    /// - Throws: ``PGError/decoding(_:)`` when the value has another shape or is NULL.
    init(pgValue: PGValue) throws(PGError)
}

extension PGValue: PGEncodable, PGDecodable {
    public var pgValue: PGValue { self }
    public init(pgValue: PGValue) { self = pgValue }
}

extension String: PGEncodable, PGDecodable {
    public var pgValue: PGValue { .text(self) }
    public init(pgValue: PGValue) throws(PGError) {
        switch pgValue {
        case .text(let s), .numeric(let s): self = s
        default: throw .decoding("expected text, found \(pgValue)")
        }
    }
}

extension Int64: PGEncodable, PGDecodable {
    public var pgValue: PGValue { .integer(self) }
    public init(pgValue: PGValue) throws(PGError) {
        switch pgValue {
        case .integer(let i): self = i
        case .numeric(let s):
            guard let i = Int64(s) else { throw .decoding("numeric \(s) is not an integer") }
            self = i
        case .bool(let b): self = b ? 1 : 0
        default: throw .decoding("expected an integer, found \(pgValue)")
        }
    }
}

extension Int: PGEncodable, PGDecodable {
    public var pgValue: PGValue { .integer(Int64(self)) }
    public init(pgValue: PGValue) throws(PGError) { self = Int(try Int64(pgValue: pgValue)) }
}

extension Int32: PGEncodable, PGDecodable {
    public var pgValue: PGValue { .integer(Int64(self)) }
    public init(pgValue: PGValue) throws(PGError) {
        let wide = try Int64(pgValue: pgValue)
        guard let narrow = Int32(exactly: wide) else { throw .decoding("\(wide) does not fit Int32") }
        self = narrow
    }
}

extension UInt32: PGEncodable, PGDecodable {
    public var pgValue: PGValue { .integer(Int64(self)) }
    public init(pgValue: PGValue) throws(PGError) {
        let wide = try Int64(pgValue: pgValue)
        guard let narrow = UInt32(exactly: wide) else { throw .decoding("\(wide) does not fit UInt32") }
        self = narrow
    }
}

extension Double: PGEncodable, PGDecodable {
    public var pgValue: PGValue { .real(self) }
    public init(pgValue: PGValue) throws(PGError) {
        switch pgValue {
        case .real(let d): self = d
        case .integer(let i): self = Double(i)
        case .numeric(let s):
            guard let d = Double(s) else { throw .decoding("numeric \(s) is not a number") }
            self = d
        default: throw .decoding("expected a number, found \(pgValue)")
        }
    }
}

extension Bool: PGEncodable, PGDecodable {
    public var pgValue: PGValue { .bool(self) }
    public init(pgValue: PGValue) throws(PGError) {
        switch pgValue {
        case .bool(let b): self = b
        case .integer(let i): self = i != 0   // the SQLite schema keeps flags as 0/1 integers
        default: throw .decoding("expected a boolean, found \(pgValue)")
        }
    }
}

extension Array: PGEncodable, PGDecodable where Element == UInt8 {
    public var pgValue: PGValue { .bytes(self) }
    public init(pgValue: PGValue) throws(PGError) {
        guard case .bytes(let b) = pgValue else { throw .decoding("expected bytea, found \(pgValue)") }
        self = b
    }
}

extension Data: PGEncodable, PGDecodable {
    public var pgValue: PGValue { .bytes([UInt8](self)) }
    public init(pgValue: PGValue) throws(PGError) { self = Data(try [UInt8](pgValue: pgValue)) }
}

extension Optional: PGEncodable where Wrapped: PGEncodable {
    public var pgValue: PGValue { self?.pgValue ?? .null }
}

extension Optional: PGDecodable where Wrapped: PGDecodable {
    public init(pgValue: PGValue) throws(PGError) {
        if case .null = pgValue { self = nil } else { self = try Wrapped(pgValue: pgValue) }
    }
}
