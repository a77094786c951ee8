import ArgumentParser
import Crypto
import Foundation
import Model
import Proto

/// The CLI's exit statuses; ``FailureTexts/exitStatuses`` lists them for users (`jzs --help`).
enum ExitStatus {
    /// Any other failure, and a confirmation answered no.
    static let failure: Int32 = 1
    /// A batch ran to its end but some of its items failed (`report batch`, `ministry batch decide`).
    static let itemsFailed: Int32 = 2
    /// `cert verify`: the certificate is not valid.
    static let notValid: Int32 = 3
    /// Usage error, and a confirmation needed with no terminal and no `--yes`.
    static let usage: Int32 = 64
    /// An input file is missing, unreadable or not what it should be (sysexits EX_NOINPUT).
    static let unreadableInput: Int32 = 66
    /// An output file cannot be written (sysexits EX_CANTCREAT).
    static let unwritableOutput: Int32 = 73

    /// A failed call: 10 + its gRPC status code.
    static func call(_ code: StatusCode) -> Int32 { Int32(10 + code.rawValue) }
}

/// Why a command failed, as the user sees it: one sentence in the user's language (or a call's
/// field violations, each named by the command's own flag or the form's label) and an exit
/// status. ``init(mapping:json:naming:)`` is the one place where an error becomes both.
struct Failure: Error, CustomStringConvertible {
    /// One field a call refused: its wire path (kept for `--json`), its name for people, and why.
    struct Violation {
        let field: String
        let name: String
        let reason: String
    }

    /// The status of a failed call (`UNAVAILABLE`), or the kind of a local failure (`INPUT_FILE`):
    /// a machine name, printed only with `--json`.
    let code: String
    /// The human status line of a call the server answered with an error ("参数错误"); nil for a
    /// failure that is one sentence by itself (a file, the connection, a usage error).
    let status: String?
    let message: String
    let violations: [Violation]
    let exitCode: ExitCode
    let json: Bool

    /// A failed call: exit status 10 + its status code. Failures the client library makes itself
    /// (connection, TLS, deadline) become one sentence in the user's language (``ClientFailure``).
    init(_ error: RPCError, json: Bool, naming: FieldNaming = FieldNaming()) {
        let exit = ExitStatus.call(error.code)
        if let sentence = ClientFailure.sentence(error) {
            self.init(code: error.code.name, status: nil, message: sentence, violations: [], exitCode: exit, json: json)
            return
        }
        // The server's text is already in the language the call asked for (accept-language).
        let violations = error.violations.map { Violation(field: $0.field, name: naming.name(of: $0.field), reason: $0.reason) }
        self.init(code: error.code.name, status: FailureTexts.status(error.code).text, message: error.message,
                  violations: violations, exitCode: exit, json: json)
    }

    /// An input file the client's TLS layer refused (already a sentence): exit status 66.
    init(inputFile message: String, json: Bool) {
        self.init(code: "INPUT_FILE", status: nil, message: message, violations: [], exitCode: ExitStatus.unreadableInput, json: json)
    }

    /// A usage problem found while running (a confirmation with no terminal): exit status 64.
    init(usage message: String, json: Bool) {
        self.init(code: "USAGE", status: nil, message: message, violations: [], exitCode: ExitStatus.usage, json: json)
    }

    /// Something the user asked for that can no longer be done (a correction of a submitted
    /// sign-up): one sentence naming what and why; exit status as FAILED_PRECONDITION.
    init(precondition message: String, json: Bool) {
        self.init(code: "FAILED_PRECONDITION", status: nil, message: message, violations: [],
                  exitCode: ExitStatus.call(.failedPrecondition), json: json)
    }

    /// The user answered no to a confirmation: nothing was done, exit status 1.
    init(declined message: String, json: Bool) {
        self.init(code: "DECLINED", status: nil, message: message, violations: [], exitCode: ExitStatus.failure, json: json)
    }

    /// Maps any error a command throws to its message and exit status.
    /// - Parameter naming: how this command names the fields a server refuses (its flags, file lines).
    init(mapping error: any Error, json: Bool, naming: FieldNaming = FieldNaming()) {
        switch error {
        case let failure as Failure:
            self = failure
        case let error as RPCError:
            self.init(error, json: json, naming: naming)
        case let problem as LocalFile.Problem:
            self.init(file: problem, json: json)
        case let error as CryptoError:
            self.init(code: "FAILED", status: nil, message: FailureTexts.cryptoFailed(error.operation), violations: [],
                      exitCode: ExitStatus.failure, json: json)
        default:
            // A Foundation file error that escaped LocalFile: its path and reason, not the NSError dump.
            let ns = error as NSError
            if ns.domain == NSCocoaErrorDomain, let path = ns.userInfo[NSFilePathErrorKey] as? String {
                let posix = (ns.userInfo[NSUnderlyingErrorKey] as? NSError).flatMap { $0.domain == NSPOSIXErrorDomain ? $0.code : nil }
                let reason = posix.map { FileTexts.reason(errno: Int32($0)).text } ?? "error \(ns.code)"
                self.init(file: .init(access: ns.code >= 512 ? .write : .read, path: path, role: nil, reason: reason), json: json)
            } else {
                let text = String(describing: error).split(whereSeparator: \.isNewline).first.map(String.init) ?? "\(type(of: error))"
                self.init(code: "FAILED", status: nil, message: FailureTexts.unexpected(String(text.prefix(200))),
                          violations: [], exitCode: ExitStatus.failure, json: json)
            }
        }
    }

    private init(file problem: LocalFile.Problem, json: Bool) {
        let input = problem.access == .read
        self.init(code: input ? "INPUT_FILE" : "OUTPUT_FILE", status: nil, message: problem.description, violations: [],
                  exitCode: input ? ExitStatus.unreadableInput : ExitStatus.unwritableOutput, json: json)
    }

    private init(code: String, status: String?, message: String, violations: [Violation], exitCode: Int32, json: Bool) {
        self.code = code
        self.status = status
        // One line, whatever a server or library put in the text.
        self.message = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        self.violations = violations
        self.exitCode = ExitCode(exitCode)
        self.json = json
    }

    /// The text form: "参数错误：…" for a call the server refused, the sentence alone otherwise.
    var description: String {
        guard let status else { return message }
        return message.isEmpty ? status : status + (UILanguage.current == .zh ? "：" : ": ") + message
    }
}

extension AsyncParsableCommand {
    /// The one way a command ends in failure: prints why (one line on standard error, or one JSON
    /// object on standard output with --json) and returns the exit status to throw.
    ///
    /// An ``ExitCode`` already decided by the command (health NOT_SERVING, a certificate not valid)
    /// passes through; a `ValidationError` is a usage error with this command's usage.
    static func exit(after error: any Error, json: Bool, naming: FieldNaming = FieldNaming()) -> any Error {
        switch error {
        case is ExitCode, is CleanExit:
            return error
        case let invalid as ValidationError:
            // Thrown from run(), ArgumentParser would show the top-level usage; show this command's.
            let text = FailureTexts.usagePrefix.text + invalid.message + "\n" + FailureTexts.usageLine.text + ParserTexts.localize(usageString()) + "\n"
            FileHandle.standardError.write(Data(text.utf8))
            return ExitCode(ExitStatus.usage)
        default:
            return report(Failure(mapping: error, json: json, naming: naming))
        }
    }

    /// Prints a failure the way the user asked (text on stderr, or JSON on stdout) and returns its exit status.
    static func report(_ failure: Failure) -> ExitCode {
        if failure.json {
            // Machine names stay: the status code's name and each violation's wire path.
            Output.json(["error": ["code": failure.code, "message": failure.message,
                                   "violations": failure.violations.map { ["field": $0.field, "label": $0.name, "reason": $0.reason] }]])
        } else if failure.violations.isEmpty {
            FileHandle.standardError.write(Data("jzs: \(failure.description)\n".utf8))
        } else {
            let separator = UILanguage.current == .zh ? "：" : ": "
            let text = "jzs: \(failure.status ?? failure.code)\n" + failure.violations.map { "  \($0.name)\(separator)\($0.reason)\n" }.joined()
            FileHandle.standardError.write(Data(text.utf8))
        }
        return failure.exitCode
    }
}
