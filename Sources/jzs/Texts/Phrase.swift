import Foundation
import Model

/// One sentence or label of the CLI in both languages. The CLI's catalogue is this folder: each
/// area declares its phrases in one file (`enum CertificateTexts { static let holder = Phrase(…) }`),
/// and commands print ``text`` or call the phrase with its arguments — never a literal.
///
/// ```swift
/// static let reported = Phrase("已上报 {1} 件申请", "reported {1} application(s)")
/// print(ReportTexts.reported("\(n)"))
/// ```
struct Phrase: Sendable, CustomStringConvertible {
    let zh: String
    let en: String

    init(_ zh: String, _ en: String) {
        self.zh = zh
        self.en = en
    }

    /// The phrase in the user's language (``UILanguage/current``).
    var text: String { self[UILanguage.current] }
    var description: String { text }

    subscript(language: Language) -> String { language == .zh ? zh : en }

    /// The phrase with `{1}`, `{2}` … filled in.
    func callAsFunction(_ args: String...) -> String {
        Self.fill(text, args)
    }

    static func fill(_ template: String, _ values: [String]) -> String {
        var out = template
        for (i, v) in values.enumerated() { out = out.replacingOccurrences(of: "{\(i + 1)}", with: v) }
        return out
    }
}

/// The language the CLI speaks, decided once per process: `--lang`, then `JZS_LANG`, then the
/// config file's "lang", then the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`: zh for `zh_*`), then
/// Chinese. The server is asked for the same language (`accept-language`).
enum UILanguage {
    static let current: Language = resolve(arguments: CommandLine.arguments,
                                           environment: ProcessInfo.processInfo.environment,
                                           config: GlobalOptions.configFile()["lang"] as? String)

    static func resolve(arguments: [String], environment: [String: String], config: String?) -> Language {
        if let flag = flagValue(arguments), let language = Language(tag: flag) { return language }
        if let env = environment["JZS_LANG"], let language = Language(tag: env) { return language }
        if let config, let language = Language(tag: config) { return language }
        for key in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            guard let value = environment[key], !value.isEmpty else { continue }
            // The first locale variable that is set decides, as in POSIX: C/POSIX means English.
            if let language = Language(tag: value) { return language }
            return value == "C" || value == "POSIX" || value.hasPrefix("C.") ? .en : .zh
        }
        return .zh
    }

    /// `--lang X` or `--lang=X` anywhere before `--`.
    static func flagValue(_ arguments: [String]) -> String? {
        var it = arguments.makeIterator()
        while let a = it.next() {
            if a == "--" { return nil }
            if a == "--lang" { return it.next() }
            if a.hasPrefix("--lang=") { return String(a.dropFirst("--lang=".count)) }
        }
        return nil
    }
}
