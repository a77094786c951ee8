import ArgumentParser

/// The current and the new password of a password change (`individual password`, `password
/// change`). `--old-password`/`--new-password` are the names; `--old`/`--new`, the names of
/// earlier versions, still work for scripts but are not shown.
struct PasswordChangeOptions: ParsableArguments {
    @Option(name: .customLong("old-password"), help: ArgumentHelp(PasswordTexts.flag(PasswordTexts.current))) var oldPassword: String?
    @Option(name: .customLong("new-password"), help: ArgumentHelp(PasswordTexts.flag(PasswordTexts.new))) var newPassword: String?
    @Option(name: .customLong("old"), help: .hidden) var oldAlias: String?
    @Option(name: .customLong("new"), help: .hidden) var newAlias: String?
    @Flag(name: .customLong("password-stdin"), help: ArgumentHelp(PasswordTexts.stdinTwo)) var passwordStdin = false

    static let naming = FieldNaming(flags: ["old_password": "--old-password", "new_password": "--new-password"])

    func validate() throws {
        if oldPassword != nil, oldAlias != nil { throw ValidationError(PasswordTexts.givenTwice("--old-password", "--old")) }
        if newPassword != nil, newAlias != nil { throw ValidationError(PasswordTexts.givenTwice("--new-password", "--new")) }
    }

    /// The current password, then the new one: from the flags, standard input or the terminal.
    func read() throws -> (old: String, new: String) {
        let current = try Passwords.read(oldPassword ?? oldAlias, stdin: passwordStdin, prompt: PasswordTexts.promptCurrent.text)
        let next = try Passwords.read(newPassword ?? newAlias, stdin: passwordStdin, prompt: PasswordTexts.promptNew.text)
        return (current, next)
    }
}
