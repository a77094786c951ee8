/// The one catalogue of what the server says to people, in Simplified Chinese and English.
/// Each area keeps its table in its own file (`Catalogue+Area.swift`); ``entries`` joins them and
/// `CatalogueTests` fails when a ``TextCode`` lacks either text or their placeholders differ.
///
/// Templates number their arguments `{1}`, `{2}` … (see ``Text``). Chinese texts use full-width
/// punctuation and name things as the seeds' screens do (统一社会信用代码, 法定代表人).
public enum Catalogue {
    public struct Entry: Sendable {
        public let zh: String
        public let en: String
        public init(_ zh: String, _ en: String) {
            self.zh = zh
            self.en = en
        }
    }

    /// Every table, joined; a code in two tables is a programming error (the test names it).
    public static let entries: [TextCode: Entry] = {
        var all: [TextCode: Entry] = [:]
        for table in tables { all.merge(table) { first, _ in first } }
        return all
    }()

    static let tables: [[TextCode: Entry]] = [common]

    static let common: [TextCode: Entry] = [
        .required: .init("必须填写", "is required"),
        .tooLong: .init("最多 {1} 个字符", "must be at most {1} characters"),
        .controlCharacters: .init("不能包含控制字符", "must not contain control characters"),
        .listedTwice: .init("重复列出", "listed twice"),
        .tooManyElements: .init("最多 {1} 项", "at most {1} elements"),
        .notUTF8: .init("不是有效的文字（UTF-8 编码错误或含 NUL）", "is not valid text (bad UTF-8 or a NUL)"),
        .internalError: .init("服务器内部错误，请稍后重试", "internal error; try again later"),
        .callCancelled: .init("调用已取消", "call cancelled"),
        .malformedRequest: .init("请求格式错误：{1}", "malformed request: {1}"),
        .requestTooLarge: .init("请求解码所需内存超过上限", "message needs more memory to decode than allowed"),
    ]
}
