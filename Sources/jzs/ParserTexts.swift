import ArgumentParser
import Foundation
import Model

/// ArgumentParser writes its own words (usage errors, the headings of `--help`) in English; a
/// Chinese user reads them in Chinese. The library offers no catalogue, so its fixed phrases are
/// replaced in the text it produces, here and only here.
enum ParserTexts {
    /// `text` as ArgumentParser wrote it, in the user's language.
    static func localize(_ text: String, _ language: Language = UILanguage.current) -> String {
        guard language == .zh else { return text }
        var out = valueList(in: text)
        for (pattern, template) in patterns {
            out = out.replacingOccurrences(of: pattern, with: template, options: .regularExpression)
        }
        for (english, chinese) in phrases { out = out.replacingOccurrences(of: english, with: chinese) }
        return out
    }

    /// Phrases with a value in them (regular expressions; `$1` is the value).
    static let patterns: [(String, String)] = [
        (#"Missing expected argument '([^']*)'"#, "缺少参数 $1"),
        (#"Missing value for '([^']*)'"#, "选项 $1 缺少值"),
        (#"Unknown option '([^']*)'\. Did you mean '([^']*)'\?"#, "没有这个选项：$1。是不是 $2？"),
        (#"Unknown option '([^']*)'"#, "没有这个选项：$1"),
        (#"Unexpected arguments? '([^']*)'"#, "多余的参数：$1"),
        (#"Unexpected argument '([^']*)'"#, "多余的参数：$1"),
        (#"The value '([^']*)' is invalid for '([^']*)'"#, "选项 $2 的值“$1”无效"),
        (#"See '([^']*)' for more information\."#, "更多信息：$1"),
        (#"See '([^']*)' for detailed help\."#, "子命令的详细帮助：$1"),
        (#"Did you mean '([^']*)'\?"#, "是不是 $1？"),
        (#"The option '([^']*)' does not take any value, but '([^']*)' was specified\."#, "选项 $1 不带值，但给了“$2”"),
        (#"\. Please provide one of the following:"#, "。可选值："),
        (#"Missing one of: '([^']*)'"#, "缺少其中之一：$1"),
        // Help wraps long lines: a value list or a default may run over a line break.
        (#"\(values:\s+([^)]*)\s*;\s+default:\s+([^)]*)\)"#, "（可选值：$1；默认：$2）"),
        (#"\(default:\s+([^)]*)\)"#, "（默认：$1）"),
        (#"\(values:\s+([^)]*)\)"#, "（可选值：$1）"),
        (#" ?\(default\)"#, "（默认）"),
    ]

    /// ". Please provide one of 'a', 'b' and 'c'." → "。可选值：a、b 或 c": the list of an invalid
    /// value, the only place where the parser joins quoted values with "and".
    static func valueList(in text: String) -> String {
        text.replacing(/\. Please provide one of ([^\n]*?)\.(\n|$)/) { match in
            let values = match.output.1.matches(of: /'([^']*)'/).map { String($0.output.1) }
            let joined = values.count > 1 ? values.dropLast().joined(separator: "、") + " 或 " + values.last! : values.joined()
            return "。可选值：" + joined + match.output.2
        }
    }

    /// Fixed phrases and the headings of `--help`.
    static let phrases: [(String, String)] = [
        ("Error: ", "错误："),
        ("Help:  ", "帮助："),
        ("Usage: ", "用法："),
        ("OVERVIEW: ", "概述："),
        ("USAGE: ", "用法："),
        ("OVERVIEW:", "概述："),
        ("USAGE:", "用法："),
        ("ARGUMENTS:", "参数："),
        ("OPTIONS:", "选项："),
        ("SUBCOMMANDS:", "子命令："),
        ("Show help information.", "显示帮助信息。"),
        ("Show the version.", "显示版本。"),
        ("<subcommand>", "<子命令>"),
        ("Missing required subcommand.", "缺少子命令。"),
    ]
}

extension Entry {
    /// Parses and runs like `AsyncParsableCommand.main`, but says ArgumentParser's own messages
    /// in the user's language (``ParserTexts``).
    static func run(_ arguments: [String]) async -> Never {
        // Every string of the run is released before exit (LeakSanitizer sees no live task frame).
        let status = await execute(arguments)
        exit(status)
    }

    /// Runs the command and prints its failure; returns the exit status.
    static func execute(_ arguments: [String]) async -> Int32 {
        do {
            var command = try JZS.parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch {
            let code = JZS.exitCode(for: error)
            // A Failure is already in the user's language and may quote the server or the user:
            // only the parser's own messages are rewritten.
            let message = error is Failure ? JZS.fullMessage(for: error) : ParserTexts.localize(JZS.fullMessage(for: error))
            if !message.isEmpty {
                let handle = code == .success ? FileHandle.standardOutput : FileHandle.standardError
                handle.write(Data((message.hasSuffix("\n") ? message : message + "\n").utf8))
            }
            return code.rawValue
        }
    }
}
