import Foundation

/// Consent before what cannot be undone: on a terminal the question is asked (on standard error,
/// so `--json` output stays one document); `--yes` answers it for scripts; with neither, nothing
/// is done and the command ends with a usage error (64) that says to pass `--yes`.
enum Confirmation {
    /// Whether the question can be asked: standard input and standard error are terminals.
    static var canAsk: Bool { isatty(STDIN_FILENO) == 1 && isatty(STDERR_FILENO) == 1 }

    /// Fails before anything is sent when the question could not be asked.
    /// - Throws: ``Failure`` (usage, 64) with `needsYes`.
    static func check(yes: Bool, needsYes: Phrase, json: Bool) throws {
        if !yes, !canAsk { throw Failure(usage: needsYes.text, json: json) }
    }

    /// Shows `details` and asks `question`; returns when confirmed.
    /// - Throws: ``Failure`` (declined, 1) when the answer is not yes; (usage, 64) without a terminal.
    static func ask(_ question: String, details: [String] = [], yes: Bool, needsYes: Phrase, declined: Phrase, json: Bool) throws {
        if yes { return }
        try check(yes: yes, needsYes: needsYes, json: json)
        let text = details.map { $0 + "\n" }.joined() + question
        FileHandle.standardError.write(Data(text.utf8))
        let answer = (readLine() ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        guard ["y", "yes", "是", "确认"].contains(answer) else { throw Failure(declined: declined.text, json: json) }
    }
}
