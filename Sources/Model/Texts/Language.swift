import Foundation

/// The language a person reads: Simplified Chinese first, English on request.
///
/// Chosen by the caller: the CLI from `--lang`, `JZS_LANG`, its config file, then the locale;
/// the server from the call's `accept-language` metadata entry (docs/PROTOCOL.md §6.2).
public enum Language: String, Sendable, CaseIterable, Codable {
    case zh = "zh-CN"
    case en = "en"

    /// What the server answers in when the call names no language it knows.
    public static let `default`: Language = .zh

    /// Parses one language tag (`zh`, `zh-CN`, `zh_CN.UTF-8`, `en-US`, `C`) or nil when it names neither.
    public init?(tag: String) {
        let t = tag.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "zh" || t.hasPrefix("zh-") || t.hasPrefix("zh_") || t.hasPrefix("zh.") {
            self = .zh
        } else if t == "en" || t.hasPrefix("en-") || t.hasPrefix("en_") || t.hasPrefix("en.") {
            self = .en
        } else {
            return nil
        }
    }

    /// The first language of an HTTP-style `accept-language` value that is known here, by weight
    /// (`en;q=0.8, zh-CN` → zh); ``default`` when none is.
    public init(acceptLanguage value: String?) {
        guard let value, !value.isEmpty, value.utf8.count <= 256 else { self = .default; return }
        var best: (Language, Double)?
        for part in value.split(separator: ",").prefix(16) {
            let pieces = part.split(separator: ";")
            guard let first = pieces.first, let language = Language(tag: String(first)) else { continue }
            var weight = 1.0
            for p in pieces.dropFirst() {
                let kv = p.trimmingCharacters(in: .whitespaces)
                if kv.hasPrefix("q="), let q = Double(kv.dropFirst(2)) { weight = q }
            }
            if weight > 0, weight > (best?.1 ?? -1) { best = (language, weight) }
        }
        self = best?.0 ?? .default
    }
}
