import Foundation
import Model
import Testing

/// The shared vectors (../shared/testdata/validation-vectors.csv beside the repository).
enum Vectors {
    struct Row: Sendable, CustomStringConvertible {
        let kind: String, value: String, valid: Bool, why: String
        var description: String { "\(kind) \(value) \(valid ? "valid" : "invalid") \(why)" }
    }

    static let rows: [Row] = {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let file = repo.deletingLastPathComponent().appendingPathComponent("shared/testdata/validation-vectors.csv")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
        // The file has CRLF line ends; "\r\n" is one Character in Swift, so split on newlines.
        return text.split(whereSeparator: \.isNewline).dropFirst().compactMap { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard f.count >= 3 else { return nil }
            return Row(kind: f[0], value: f[1], valid: f[2] == "valid", why: f.count > 3 ? f[3] : "")
        }
    }()

    /// The vectors' birth dates were judged against this day.
    static let today = ISO8601DateFormatter().date(from: "2026-11-23T12:00:00Z")!
}

@Suite("Validation")
struct ValidationTests {
    @Test("The shared vector file is present and complete")
    func vectorsPresent() {
        #expect(Vectors.rows.count == 704)
    }

    @Test("Every shared vector gets the expected verdict", arguments: Vectors.rows)
    func vector(_ row: Vectors.Row) {
        switch row.kind {
        case "credit_code":
            #expect(((try? UnifiedSocialCreditCode(validating: row.value)) != nil) == row.valid)
        case "id_number":
            #expect(((try? IDNumber(validating: row.value, today: Vectors.today)) != nil) == row.valid)
        default:
            Issue.record("unknown kind \(row.kind)")
        }
    }

    @Test("Published examples are valid")
    func published() throws {
        for code in ["91350100M000100Y43", "11100000000013338W", "12110000400777687U"] {
            _ = try UnifiedSocialCreditCode(validating: code)
        }
        let id = try IDNumber(validating: "11010519491231002x")
        #expect(id.rawValue == "11010519491231002X")
        #expect(id.birthDate == CalendarDate(year: 1949, month: 12, day: 31))
        #expect(!id.isMale)
        #expect(id.masked == "1101**********002X")
        #expect(try UnifiedSocialCreditCode(validating: "11100000000013338W").provinceCode == nil)
        #expect(try UnifiedSocialCreditCode(validating: "91350100M000100Y43").provinceCode == 35)
    }

    @Test("Reasons say what is wrong")
    func reasons() {
        #expect(throws: InvalidValue(.creditCodeLength, "3")) { _ = try UnifiedSocialCreditCode(validating: "913") }
        #expect(throws: InvalidValue(.idBirthDateInvalid, "1988-2-30")) { _ = try IDNumber(validating: "148093198802300290") }
        #expect(throws: InvalidValue(.smsCodeFormat)) { _ = try Postcode(validating: "10000") }
        #expect(throws: InvalidValue(.phoneFormat)) { _ = try MobileNumber(validating: "12800138000") }
        #expect(throws: InvalidValue(.emailFormat)) { _ = try EmailAddress(validating: "a@b") }
    }

    @Test("Password policy", arguments: [
        ("Abcdefg1", true), ("abcdefg1!", true), ("ABCDEFG1!", true), ("abcdefgh", false), ("Abcdefgh", false),
        ("Ab1!", false), ("abcdefg12", false),
    ])
    func password(_ text: String, _ ok: Bool) {
        #expect(((try? NewPassword(validating: text, account: "someone")) != nil) == ok)
    }

    @Test("What the ID-number and credit-code checks leave out, as docs/PROTOCOL.md §15.11 says")
    func notChecked() throws {
        // No area code: six zeros pass with the right check character.
        #expect(try IDNumber(validating: "000000199001010018").rawValue == "000000199001010018")
        // Not the embedded organisation code's GB 11714 check (M000100Y needs 4, here 5) …
        _ = try UnifiedSocialCreditCode(validating: "91350100M000100Y56")
        // … nor a real registering authority's area (characters 3-8).
        _ = try UnifiedSocialCreditCode(validating: "91000000M000100Y45")
        // The worked examples' check characters.
        #expect(throws: InvalidValue(.idCheckCharacter)) { _ = try IDNumber(validating: "110105194912310021") }
        #expect(throws: InvalidValue(.creditCodeCheckCharacter)) { _ = try UnifiedSocialCreditCode(validating: "91350100M000100Y44") }
        // Rules in their documented order: the check character before the birth date.
        #expect(throws: InvalidValue(.idCheckCharacter)) { _ = try IDNumber(validating: "148093198802300291") }
        #expect(throws: InvalidValue(.creditCodeCharacter, "18", "V")) { _ = try UnifiedSocialCreditCode(validating: "914173644JURQ2830V") }
    }

    @Test("Password classes as §15.11 defines them: symbols are whatever is neither letter nor number", arguments: [
        ("abcdefg A", true),        // lower, upper, the space as a symbol
        ("abcdefg_1", true),        // lower, digit, _
        ("abcd五五五A", true),       // a CJK numeral counts as a digit
        ("中文密码中文密码a1", false),  // Chinese characters are letters without case: two classes
        ("abcdefg😀1", true),       // an emoji is a symbol
        ("ABCDEFG１!", true),       // a full-width digit is a digit
        ("abcdefgé1", false),       // é is lower case: two classes
    ])
    func passwordClasses(_ text: String, _ ok: Bool) {
        #expect(((try? NewPassword(validating: text, account: "someone")) != nil) == ok)
    }

    @Test("The e-mail rule of §15.11", arguments: [
        ("a@example.cn", true), ("张三@例子.中国", true), (" it@jinan.example ", true), ("a@b..c", true),
        ("a@b", false), ("a@.cn", false), ("a@cn.", false), ("a@@b.cn", false), ("a b@c.cn", false), ("@b.cn", false),
        (String(repeating: "x", count: 65) + "@b.cn", false),
    ])
    func email(_ text: String, _ ok: Bool) {
        #expect(((try? EmailAddress(validating: text)) != nil) == ok)
    }

    @Test("A password equal to the account is refused")
    func passwordNotAccount() {
        #expect(throws: InvalidValue.self) { _ = try NewPassword(validating: "Zhang-San1", account: "zhang-san1") }
    }

    @Test("Mobile numbers are masked; ten specialties; six registration types")
    func misc() throws {
        #expect(try MobileNumber(validating: "13912345678").masked == "139****5678")
        #expect(Specialty.allCases.count == 10)
        #expect(Specialty.allCases.map(\.shortName).joined(separator: " ") == "建筑 公路 铁路 民航 港航 水利 矿业 市政 通信 机电")
        #expect(RegistrationType.addSpecialty.rawValue == "04")
    }
}
