import ArgumentParser
import Crypto
import Foundation
import Model
import Proto

/// The CLI's exit statuses; ``Messages/exitStatuses`` lists them for users (`jzs --help`).
enum ExitStatus {
    static let failure: Int32 = 1
    /// A batch ran to its end but some of its items failed (`report batch`).
    static let itemsFailed: Int32 = 2
    /// `cert verify`: the certificate is not valid.
    static let notValid: Int32 = 3
    static let usage: Int32 = 64
    /// An input file is missing, unreadable or not what it should be (sysexits EX_NOINPUT).
    static let unreadableInput: Int32 = 66
    /// An output file cannot be written (sysexits EX_CANTCREAT).
    static let unwritableOutput: Int32 = 73

    /// A failed call: 10 + its gRPC status code.
    static func call(_ code: StatusCode) -> Int32 { Int32(10 + code.rawValue) }
}

/// Why a command failed, as the user sees it: one sentence (or a call's field violations) and an
/// exit status. ``init(mapping:json:)`` is the one place where an error becomes both.
struct Failure: Error, CustomStringConvertible {
    /// The status of a failed call (`UNAVAILABLE`), or the kind of a local failure (`INPUT_FILE`).
    let code: String
    /// Whether ``code`` is a call's status (printed before the message) rather than a local kind.
    let isCall: Bool
    let message: String
    let violations: [(field: String, reason: String)]
    let exitCode: ExitCode
    let json: Bool

    /// A failed call: exit status 10 + its status code.
    init(_ error: RPCError, json: Bool) {
        self.init(code: error.code.name, isCall: true, message: error.message,
                  violations: error.violations.map { ($0.field, $0.reason) }, exitCode: ExitStatus.call(error.code), json: json)
    }

    /// An input file the client's TLS layer refused (already a sentence): exit status 66.
    init(inputFile message: String, json: Bool) {
        self.init(code: "INPUT_FILE", isCall: false, message: message, violations: [], exitCode: ExitStatus.unreadableInput, json: json)
    }

    /// Maps any error a command throws to its message and exit status.
    init(mapping error: any Error, json: Bool) {
        switch error {
        case let failure as Failure:
            self = failure
        case let error as RPCError:
            self.init(error, json: json)
        case let problem as LocalFile.Problem:
            self.init(file: problem, json: json)
        case let error as CryptoError:
            self.init(code: "FAILED", isCall: false, message: "\(error.operation) failed", violations: [], exitCode: ExitStatus.failure, json: json)
        default:
            // A Foundation file error that escaped LocalFile: its path and reason, not the NSError dump.
            let ns = error as NSError
            if ns.domain == NSCocoaErrorDomain, let path = ns.userInfo[NSFilePathErrorKey] as? String {
                let posix = (ns.userInfo[NSUnderlyingErrorKey] as? NSError).flatMap { $0.domain == NSPOSIXErrorDomain ? $0.code : nil }
                let text = posix.map { String(cString: strerror(Int32($0))) } ?? "error \(ns.code)"
                let reason = text.prefix(1).lowercased() + text.dropFirst()
                self.init(file: .init(access: ns.code >= 512 ? .write : .read, path: path, role: nil, reason: reason), json: json)
            } else {
                let text = String(describing: error).split(whereSeparator: \.isNewline).first.map(String.init) ?? "\(type(of: error))"
                self.init(code: "FAILED", isCall: false, message: Messages.unexpected(String(text.prefix(200))),
                          violations: [], exitCode: ExitStatus.failure, json: json)
            }
        }
    }

    private init(file problem: LocalFile.Problem, json: Bool) {
        let input = problem.access == .read
        self.init(code: input ? "INPUT_FILE" : "OUTPUT_FILE", isCall: false, message: problem.description, violations: [],
                  exitCode: input ? ExitStatus.unreadableInput : ExitStatus.unwritableOutput, json: json)
    }

    private init(code: String, isCall: Bool, message: String, violations: [(field: String, reason: String)], exitCode: Int32, json: Bool) {
        self.code = code
        self.isCall = isCall
        // One line, whatever a server or library put in the text.
        self.message = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        self.violations = violations
        self.exitCode = ExitCode(exitCode)
        self.json = json
    }

    var description: String { isCall ? "\(code): \(message)" : message }
}

extension AsyncParsableCommand {
    /// The one way a command ends in failure: prints why (one line on standard error, or one JSON
    /// object on standard output with --json) and returns the exit status to throw.
    ///
    /// An ``ExitCode`` already decided by the command (health NOT_SERVING, a certificate not valid)
    /// passes through; a `ValidationError` is a usage error with this command's usage.
    static func exit(after error: any Error, json: Bool) -> any Error {
        switch error {
        case is ExitCode, is CleanExit:
            return error
        case let invalid as ValidationError:
            // Thrown from run(), ArgumentParser would show the top-level usage; show this command's.
            FileHandle.standardError.write(Data("Error: \(invalid.message)\nUsage: \(usageString())\n".utf8))
            return ExitCode(ExitStatus.usage)
        default:
            return report(Failure(mapping: error, json: json))
        }
    }

    /// Prints a failure the way the user asked (text on stderr, or JSON on stdout) and returns its exit status.
    static func report(_ failure: Failure) -> ExitCode {
        if failure.json {
            Output.json(["error": ["code": failure.code, "message": failure.message,
                                   "violations": failure.violations.map { ["field": $0.field, "reason": $0.reason] }]])
        } else {
            let text = failure.violations.isEmpty
                ? "jzs: \(failure.description)\n"
                : "jzs: \(failure.code)\n" + failure.violations.map { "  \($0.field): \($0.reason)\n" }.joined()
            FileHandle.standardError.write(Data(text.utf8))
        }
        return failure.exitCode
    }
}
