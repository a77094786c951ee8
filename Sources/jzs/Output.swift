import Foundation

/// Printing for people (aligned text) and scripts (`--json`, one JSON document).
enum Output {
    static func json(_ object: Any) {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        print(String(decoding: data, as: UTF8.self))
    }

    /// Prints `rows` as left-aligned columns (Chinese characters count two columns).
    static func table(_ header: [String], _ rows: [[String]]) {
        tableLines(header, rows).forEach { print($0) }
    }

    static func tableLines(_ header: [String], _ rows: [[String]]) -> [String] {
        let all = [header] + rows
        let widths = header.indices.map { i in all.map { width($0[i]) }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : pad(cell, to: widths[i])
            }.joined(separator: "  ")
        }
    }

    /// Labels and values, the values aligned after the widest label. Labels come from the
    /// catalogue (``Phrase``), in the user's language.
    static func fields(_ pairs: [(String, String)]) {
        fieldLines(pairs).forEach { print($0) }
    }

    static func fieldLines(_ pairs: [(String, String)]) -> [String] {
        let w = pairs.map { width($0.0) }.max() ?? 0
        return pairs.map { k, v in "\(pad(k, to: w))  \(v)" }
    }

    /// Lines on standard error (what a question shows, so that standard output stays the result).
    static func toStandardError(_ lines: [String]) {
        FileHandle.standardError.write(Data(lines.map { $0 + "\n" }.joined().utf8))
    }

    /// Terminal columns of `text`: East Asian wide characters take two.
    static func width(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { sum, s in
            let v = s.value
            let wide = (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFE30...0xFE4F).contains(v) || (0xFF00...0xFF60).contains(v) || (0xFFE0...0xFFE6).contains(v)
            return sum + (wide ? 2 : 1)
        }
    }

    static func pad(_ text: String, to columns: Int) -> String {
        text + String(repeating: " ", count: max(0, columns - width(text)))
    }
}
