import Model

/// How one command names the request fields a server refuses, so that a person reads the flag
/// they typed or the form's label, never a protocol path: `credit_code` →
/// `--credit-code（统一社会信用代码）`, `decisions[3].reason` of a file → `第 12 行 理由`.
struct FieldNaming {
    /// The command's flag for a field, by the field's last name on the wire (`credit_code`).
    var flags: [String: String] = [:]
    /// The 1-based line of a batch file holding item `n` (0-based, as the wire counts), when the
    /// items came from a file.
    var line: (@Sendable (Int) -> Int?)? = nil

    func name(of path: String) -> String {
        let language = UILanguage.current
        let (key, positions) = Self.split(path)
        // The label of the whole path without its indexes: `info.name` is 企业名称, not 名称.
        let label = FieldLabels.name(of: path.replacing(/\[[0-9]*\]/, with: ""), language)
        let named = flags[key].map { FailureTexts.flagWithLabel($0, label) } ?? label
        guard let item = positions.last else { return named }
        if let line, let fileLine = line(item) { return FailureTexts.fileLine("\(fileLine)", named) }
        // FieldLabels names the item 1-based: 第 4 项的理由.
        let itemLabel = FieldLabels.name(of: path, language)
        return flags[key].map { FailureTexts.flagWithLabel($0, itemLabel) } ?? itemLabel
    }

    /// The last name of a path and its 0-based indexes: `items[2].id_number` → (id_number, [2]).
    static func split(_ path: String) -> (key: String, positions: [Int]) {
        let (key, positions) = FieldLabels.split(path)   // 1-based there, as people count
        return (key, positions.map { $0 - 1 })
    }
}
