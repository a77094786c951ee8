/// 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-character alphabet, the last a check
/// character (DOMAIN.md §5.1).
public struct UnifiedSocialCreditCode: Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String

    static let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
    static let values: [Character: Int] = Dictionary(uniqueKeysWithValues: alphabet.enumerated().map { ($1, $0) })
    static let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

    /// Accepts upper or lower case and surrounding spaces; stores upper case.
    public init(validating text: String) throws(InvalidValue) {
        let code = text.trimmingCharacters(in: .whitespaces).uppercased()
        guard code.count == 18 else { throw InvalidValue(.creditCodeLength, "\(code.count)") }
        let chars = Array(code)
        for (i, c) in chars.enumerated() where Self.values[c] == nil {
            throw InvalidValue(.creditCodeCharacter, "\(i + 1)", "\(c)")
        }
        guard chars[2..<8].allSatisfy(\.isASCII) && chars[2..<8].allSatisfy(\.isNumber) else {
            throw InvalidValue(.creditCodeArea)
        }
        let sum = zip(chars.prefix(17), Self.weights).reduce(0) { $0 + Self.values[$1.0]! * $1.1 }
        let check = Self.alphabet[(31 - sum % 31) % 31]
        guard chars[17] == check else { throw InvalidValue(.creditCodeCheckCharacter) }
        rawValue = code
    }

    /// Two-digit province of the registering authority (characters 3-4); nil for central registration (10).
    public var provinceCode: UInt32? {
        let p = UInt32(String(Array(rawValue)[2...3]))!
        return p == 10 ? nil : p
    }

    public var description: String { rawValue }
}

public import Foundation
