import ArgumentParser
import Foundation

/// Where passwords come from: the terminal without echo (the default); standard input with
/// `--password-stdin`, one per line; or, for scripts only, a flag (`--password`, `--old`/`--new`,
/// …), which other local users can read in the process list.
enum Passwords {
    /// A usage error when a command that takes one password gets it both from a flag and from
    /// standard input.
    static func checkOneSource(_ flag: String?, _ flagName: String, stdin: Bool) throws {
        if flag != nil, stdin { throw ValidationError(PasswordTexts.bothSources(flagName)) }
    }

    /// One password: the flag's value if given, else the next line of standard input with
    /// `--password-stdin`, else typed at the terminal after `prompt`.
    static func read(_ flag: String?, stdin: Bool, prompt: String) throws -> String {
        if let flag { return flag }
        if stdin { return try line() }
        return try terminal(prompt)
    }

    /// A new password and its confirmation: typed twice at the terminal (the server checks that
    /// they match), or once from a flag or standard input.
    static func new(_ flag: String?, stdin: Bool, prompt: String, again: String) throws -> (String, String) {
        if flag != nil || stdin {
            let password = try read(flag, stdin: stdin, prompt: prompt)
            return (password, password)
        }
        return (try terminal(prompt), try terminal(again))
    }

    private static func line() throws -> String {
        guard let line = readLine(strippingNewline: true) else { throw ValidationError(PasswordTexts.stdinEnded.text) }
        return line.hasSuffix("\r") ? String(line.dropLast()) : line
    }

    private static func terminal(_ prompt: String) throws -> String {
        guard isatty(STDIN_FILENO) == 1, let typed = getpass(prompt) else { throw ValidationError(PasswordTexts.noTerminal.text) }
        return String(cString: typed)
    }
}
