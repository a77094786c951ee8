import Foundation
@testable import Model
import Testing

/// The rendering an idempotency key's request hash is taken over must never change: a retry
/// after an upgrade is the same request.
@Suite("Idempotency: canonical request")
struct IdempotencyCanonicalTests {
    static func foundation(_ rows: [[String]]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: rows, options: [.withoutEscapingSlashes])) ?? Data(), as: UTF8.self)
    }

    @Test("Written byte for byte as JSONSerialization writes it, plain ASCII or not", arguments: [
        [["a0000001", "approve", ""], ["a0000002", "reject", "materials/incomplete ~!@#$%^&*()_+{}|:<>?`-=[];',."]],
        [["a1", "reject", "材料不全"]], [["quote \" and \\ backslash"]], [["tab\tnewline\ncontrol\u{1}"]], [["\u{2028}\u{1F}"]],
        [[]], [], [["ids"], [], ["x", "y"]],
    ])
    func sameAsFoundation(rows: [[String]]) {
        #expect(Idempotency.canonical(rows) == Self.foundation(rows))
    }
}
