/// The CLI's sentences for failures, passwords and batches, in one place: the zh/en catalogue
/// starts here. (Older texts still sit beside their commands.)
enum Messages {
    // MARK: Exit status

    /// `jzs --help`: every exit status, once.
    static let exitStatuses = """
        Exit status: 0 OK; 10 + the gRPC status code of a failed call (11 CANCELLED, \
        12 UNKNOWN, 13 INVALID_ARGUMENT, 14 DEADLINE_EXCEEDED, 15 NOT_FOUND, 16 ALREADY_EXISTS, \
        17 PERMISSION_DENIED, 18 RESOURCE_EXHAUSTED, 19 FAILED_PRECONDITION, 20 ABORTED, \
        21 OUT_OF_RANGE, 22 UNIMPLEMENTED, 23 INTERNAL, 24 UNAVAILABLE: the server cannot be \
        reached or the TLS handshake failed, 25 DATA_LOSS, 26 UNAUTHENTICATED); 2 a batch ran but \
        some of its items failed (`report batch`); 3 a certificate is not valid (`cert verify`); \
        64 usage error; 66 an input file is missing, unreadable or not what it should be (a \
        certificate, key or lock file); 73 an output file cannot be written; 1 any other failure. \
        Every failure is one line on standard error (with --json, one {"error": …} object on \
        standard output).
        """

    // MARK: Files

    static func fileProblem(_ p: LocalFile.Problem) -> String {
        switch p.access {
        case .read: "cannot read \(p.role.map { "the \($0) " } ?? "")\(p.path): \(p.reason)"
        case .write: "cannot write \(p.path): \(p.reason)"
        }
    }

    static let isDirectory = "it is a directory"

    /// `label` is the PEM label: CERTIFICATE, PRIVATE KEY.
    static func notPEM(_ label: String) -> String { "not a PEM \(label.lowercased()) file" }

    static func unexpected(_ what: String) -> String { "unexpected failure: \(what)" }

    // MARK: Passwords

    /// Help of a flag that carries a password on the command line.
    static func passwordFlag(_ what: String = "The password") -> String {
        "\(what). Visible to other local users in the process list: for scripts only (default: prompt without echo; or --password-stdin)."
    }

    static let passwordStdin = "Read the password from standard input (its first line) instead of the terminal."
    static let passwordsStdin = "Read the current password, then the new one, from standard input (one per line)."
    static let newPasswordStdin = "Read the new password from standard input (its first line) instead of the terminal."
    static let adminPasswordStdin = "Read the administrator's password from standard input (its first line) instead of the terminal."

    static func bothPasswordSources(_ flag: String) -> String { "give \(flag) or --password-stdin, not both" }
    static let noTerminalForPassword = "no terminal to ask for the password on: pass --password-stdin and write it to standard input"
    static let passwordStdinEnded = "standard input ended before the password (--password-stdin reads one per line)"

    // MARK: Enterprise batch report

    static let batchDiscussion = """
        Sent in chunks of --chunk, each with its own idempotency key (--batch-key K, then -0, -1, …). \
        Before the first chunk is sent, the list of applications and the chunking are recorded for \
        K in $XDG_CONFIG_HOME/jzs/batches/PROFILE/ (mode 0600). A rerun with the same --batch-key \
        reuses that record, not the current pending list, so every chunk is sent again exactly as \
        before: the server answers each chunk it already applied with its stored result, applies the \
        rest, and nothing is reported twice. Rerun after an interruption (kill, lost connection) \
        until it finishes; rerunning a finished batch prints its result again.

        Exit status: 0 every application was reported; 2 some were not (each is listed with the \
        server's reason); otherwise as in `jzs --help` (a failed call: 10 + its status code, e.g. 24 \
        when the server cannot be reached; rerun with the same key).
        """

    static func batchKey(_ key: String) -> String { "idempotency key \(key) (rerun with --batch-key \(key) to resume safely)" }

    static func batchResumed(_ key: String, count: Int, chunk: Int) -> String {
        "batch \(key): resuming with the list recorded for this key (\(count) application\(count == 1 ? "" : "s"), chunks of \(chunk))"
    }

    static func batchKeyUsedForOthers(_ key: String) -> String {
        "--batch-key \(key) was recorded for other applications: give the same ids (or --all-pending), or a new key"
    }

    static let batchNothingToReport = "no applications: give ids or --all-pending"
    static let notBatchRecord = "not a batch record of this server and key (move it away to start the key anew)"
}
