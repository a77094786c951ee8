import Foundation
import Model
import Testing

/// The server's catalogue: every code has both texts, and the texts agree on their arguments.
@Suite("Server text catalogue")
struct CatalogueTests {
    static func placeholders(_ text: String) -> [String] {
        text.matches(of: /\{\d\}/).map { String($0.output) }.sorted()
    }

    @Test("Every code has a Chinese and an English text with the same placeholders")
    func everyCodeHasBothTexts() {
        var missing: [TextCode] = []
        for code in TextCode.allCases {
            guard let entry = Catalogue.entries[code] else { missing.append(code); continue }
            #expect(!entry.zh.isEmpty && !entry.en.isEmpty, "\(code.rawValue): an empty text")
            #expect(entry.zh.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) }, "\(code.rawValue): no Chinese in \(entry.zh)")
            #expect(Self.placeholders(entry.zh) == Self.placeholders(entry.en), "\(code.rawValue): \(entry.zh) / \(entry.en)")
            // Arguments are numbered from 1 without gaps.
            let numbers = Set(Self.placeholders(entry.en).map { Int($0.dropFirst().dropLast())! })
            #expect(numbers == Set(numbers.isEmpty ? [] : Array(1...numbers.count)), "\(code.rawValue): placeholders \(numbers.sorted())")
            // The English text is not the Chinese one copied (a missing translation).
            #expect(entry.zh != entry.en, "\(code.rawValue): the same text in both languages")
        }
        #expect(missing.isEmpty, "codes without texts: \(missing.map(\.rawValue))")
    }

    @Test("Stable codes are dotted lower-case names, each used once")
    func codesAreStable() {
        let raw = TextCode.allCases.map(\.rawValue)
        #expect(Set(raw).count == raw.count)
        for code in raw {
            #expect(code.wholeMatch(of: /[a-z0-9_]+(\.[a-z0-9_]+)+/) != nil, "\(code) is not a dotted lower-case code")
        }
    }

    @Test("A text renders in both languages with its arguments, and statuses as arguments in the same language")
    func rendering() {
        let text = Text(.onlyAwaitingReport, .status("awaiting_province"))
        #expect(text.rendered(.zh) == "只有待企业上报的申请可以上报（当前状态：待省级审查）")
        #expect(text.rendered(.en) == "only an application waiting for the employer can be reported (it is under provincial review)")
        #expect(Text(.idLength, "17").rendered(.zh) == "须为 18 位（现为 17 位）")
        #expect(Text(.certificateNotFound, "").rendered(.en) == "certificate not found")
    }

    @Test("accept-language picks Chinese or English by weight; Chinese when nothing known is asked for")
    func acceptLanguage() {
        #expect(Language(acceptLanguage: nil) == .zh)
        #expect(Language(acceptLanguage: "en") == .en)
        #expect(Language(acceptLanguage: "en-US,en;q=0.9") == .en)
        #expect(Language(acceptLanguage: "en;q=0.5, zh-CN") == .zh)
        #expect(Language(acceptLanguage: "fr, de") == .zh)
        #expect(Language(acceptLanguage: "zh_CN.UTF-8") == .zh)
        #expect(Language(acceptLanguage: String(repeating: "en,", count: 200)) == .zh)  // over 256 bytes: ignored
    }

    @Test("Field labels name the form, items 1-based")
    func labels() {
        #expect(FieldLabels.name(of: "info.credit_code", .zh) == "统一社会信用代码")
        #expect(FieldLabels.name(of: "decisions[3].reason", .zh) == "第 4 项的理由")
        #expect(FieldLabels.name(of: "decisions[3].reason", .en) == "reason (item 4)")
        #expect(FieldLabels.name(of: "no_such_field", .en) == "no_such_field")
    }
}
