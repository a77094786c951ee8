/// Passwords: the help of the flags that carry them, prompts, and where they may come from.
enum PasswordTexts {
    static let flagNote = Phrase("会出现在进程列表中，本机其他用户可以看到：仅供脚本使用（默认：在终端输入且不回显；或用 --password-stdin）。",
                                 "Visible to other local users in the process list: for scripts only (default: prompt without echo; or --password-stdin).")
    static let password = Phrase("密码。", "The password.")
    static let current = Phrase("原密码。", "The current password.")
    static let new = Phrase("新密码。", "The new password.")
    static let subUser = Phrase("二级用户的密码。", "The sub-user's password.")
    static let administrator = Phrase("管理员的密码。", "The administrator's password.")

    /// Help of a flag that carries a password on the command line.
    static func flag(_ what: Phrase = password) -> String { what.text + " " + flagNote.text }

    static let stdin = Phrase("从标准输入（第一行）读取密码，而不是在终端输入。",
                              "Read the password from standard input (its first line) instead of the terminal.")
    static let stdinTwo = Phrase("从标准输入依次读取原密码和新密码（每行一个）。",
                                 "Read the current password, then the new one, from standard input (one per line).")
    static let newStdin = Phrase("从标准输入（第一行）读取新密码，而不是在终端输入。",
                                 "Read the new password from standard input (its first line) instead of the terminal.")
    static let adminStdin = Phrase("从标准输入（第一行）读取管理员密码，而不是在终端输入。",
                                   "Read the administrator's password from standard input (its first line) instead of the terminal.")

    static let bothSources = Phrase("{1} 和 --password-stdin 只能给一个", "give {1} or --password-stdin, not both")
    static let givenTwice = Phrase("{1} 与 {2} 是同一个选项，只能给一个", "{1} and {2} are the same option: give one")
    static let noTerminal = Phrase("没有终端可以输入密码：请加 --password-stdin 并从标准输入提供密码",
                                   "no terminal to ask for the password on: pass --password-stdin and write it to standard input")
    static let stdinEnded = Phrase("标准输入在读到密码之前就结束了（--password-stdin 每行读一个）",
                                   "standard input ended before the password (--password-stdin reads one per line)")

    static let promptPassword = Phrase("密码：", "Password: ")
    static let promptAgain = Phrase("再次输入密码：", "Password again: ")
    static let promptCurrent = Phrase("原密码：", "Current password: ")
    static let promptNew = Phrase("新密码：", "New password: ")
    static let promptAdmin = Phrase("管理员密码：", "Administrator's password: ")
}
