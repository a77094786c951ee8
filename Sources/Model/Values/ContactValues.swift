/// A mainland mobile number, `1[3-9]` + 9 digits (DOMAIN.md §5.3). Logged masked.
public struct MobileNumber: Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(validating text: String) throws(InvalidValue) {
        let n = text.trimmingCharacters(in: .whitespaces)
        let chars = Array(n)
        guard chars.count == 11, chars.allSatisfy({ $0.isASCII && $0.isNumber }), chars[0] == "1",
              ("3"..."9").contains(chars[1]) else {
            throw InvalidValue(.phoneFormat)
        }
        rawValue = n
    }

    /// `138****5678`.
    public var masked: String { String(rawValue.prefix(3)) + "****" + String(rawValue.suffix(4)) }
    public var description: String { masked }
}

/// 邮政编码: six digits (DOMAIN.md §5.4).
public struct Postcode: Sendable, Hashable, Codable {
    public let rawValue: String

    public init(validating text: String) throws(InvalidValue) {
        let p = text.trimmingCharacters(in: .whitespaces)
        guard p.count == 6, p.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw InvalidValue(.smsCodeFormat) }
        rawValue = p
    }
}

/// An e-mail address: one `@`, a non-empty local part, a dotted domain, at most 254 characters.
public struct EmailAddress: Sendable, Hashable, Codable {
    public let rawValue: String

    public init(validating text: String) throws(InvalidValue) {
        let e = text.trimmingCharacters(in: .whitespaces)
        let parts = e.split(separator: "@", omittingEmptySubsequences: false)
        guard e.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64,
              parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !e.contains(where: { $0.isWhitespace }) else {
            throw InvalidValue(.emailFormat)
        }
        rawValue = e
    }
}

/// An enterprise user's login account: 4-32 letters, digits or `_ . - @`.
public struct AccountName: Sendable, Hashable, Codable {
    public let rawValue: String

    public init(validating text: String) throws(InvalidValue) {
        let login = text.trimmingCharacters(in: .whitespaces)
        guard (4...32).contains(login.count), login.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "_.-@".contains($0)) }) else {
            throw InvalidValue(.accountFormat)
        }
        rawValue = login
    }
}

/// A person's or contact's name: 1-50 characters, no control characters.
public struct PersonName: Sendable, Hashable, Codable {
    public let rawValue: String

    public init(validating text: String) throws(InvalidValue) {
        let n = text.trimmingCharacters(in: .whitespaces)
        guard !n.isEmpty else { throw InvalidValue(.required) }
        guard n.count <= 50 else { throw InvalidValue(.tooLong, "50") }
        guard !n.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw InvalidValue(.controlCharacters)
        }
        rawValue = n
    }
}

public import Foundation
