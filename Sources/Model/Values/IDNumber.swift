public import Foundation

/// 居民身份证号码 (GB 11643-1999): 6-digit area, 8-digit birth date, 3-digit sequence, check
/// character (ISO 7064 MOD 11-2) (DOMAIN.md §5.2). Never logged in clear: use ``masked``.
public struct IDNumber: Sendable, Hashable, Codable, CustomStringConvertible {
    public let rawValue: String

    static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    static let checkCharacters = Array("10X98765432")

    /// - Parameter today: the date birth dates must not be after (injectable for tests).
    public init(validating text: String, today: Date = Date()) throws(InvalidValue) {
        let id = text.trimmingCharacters(in: .whitespaces).uppercased()
        guard id.count == 18 else { throw InvalidValue(.idLength, "\(id.count)") }
        let chars = Array(id)
        guard chars.prefix(17).allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw InvalidValue(.idDigits)
        }
        guard chars[17].isASCII && (chars[17].isNumber || chars[17] == "X") else {
            throw InvalidValue(.idLastCharacter)
        }
        let digits = chars.prefix(17).map { Int(String($0))! }
        let sum = zip(digits, Self.weights).reduce(0) { $0 + $1.0 * $1.1 }
        guard chars[17] == Self.checkCharacters[sum % 11] else {
            throw InvalidValue(.idCheckCharacter)
        }
        let year = Int(String(chars[6..<10]))!, month = Int(String(chars[10..<12]))!, day = Int(String(chars[12..<14]))!
        guard let birth = CalendarDate(year: year, month: month, day: day) else {
            throw InvalidValue(.idBirthDateInvalid, "\(year)-\(month)-\(day)")
        }
        guard birth <= CalendarDate(today) else { throw InvalidValue(.idBirthDateFuture) }
        guard year >= 1900 else { throw InvalidValue(.idBirthDateTooEarly) }
        rawValue = id
    }

    public var birthDate: CalendarDate {
        let c = Array(rawValue)
        return CalendarDate(year: Int(String(c[6..<10]))!, month: Int(String(c[10..<12]))!, day: Int(String(c[12..<14]))!)!
    }

    /// Odd sequence digit = male.
    public var isMale: Bool { Int(String(Array(rawValue)[16]))! % 2 == 1 }

    /// `1101**********002X`: safe for logs and lists.
    public var masked: String {
        let c = Array(rawValue)
        return String(c.prefix(4)) + String(repeating: "*", count: 10) + String(c.suffix(4))
    }

    public var description: String { masked }
}

/// A date without time or zone (birth dates, contract dates, validity).
public struct CalendarDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let year: Int, month: Int, day: Int

    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Self.days(inMonth: month, year: year) else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The UTC+8 (China Standard Time) calendar date of `date`.
    public init(_ date: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 8 * 3600)!
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        self.init(year: c.year!, month: c.month!, day: c.day!)!
    }

    static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The same day `years` later (29 February becomes 28 February in non-leap years).
    public func adding(years: Int) -> CalendarDate {
        CalendarDate(year: year + years, month: month, day: min(day, Self.days(inMonth: month, year: year + years)))!
    }

    /// The date `days` later (negative: earlier).
    public func adding(days: Int) -> CalendarDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 0)!
        let start = calendar.date(from: DateComponents(year: year, month: month, day: day))!
        let moved = calendar.date(byAdding: .day, value: days, to: start)!
        let c = calendar.dateComponents([.year, .month, .day], from: moved)
        return CalendarDate(year: c.year!, month: c.month!, day: c.day!)!
    }

    public static func < (a: Self, b: Self) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public var description: String {
        "\(year)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
    }
}
