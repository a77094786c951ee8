import Foundation
import PostgresTestSupport

/// Runs a program to completion on its own thread, so waiting for it never blocks one of the
/// (two, on this machine) threads of Swift's cooperative pool that every other test needs.
/// Started by ``Spawned`` (posix_spawn, no inherited descriptors), not Foundation's `Process`.
enum ChildProcess {
    struct Result: Sendable {
        /// The exit status, or the signal's number when ``signaled``.
        let status: Int32
        let output: Data
        /// Killed by a signal (then ``status`` is the signal, e.g. 11 for SIGSEGV, not an exit status).
        var signaled = false
        var text: String { String(decoding: output, as: UTF8.self) }
    }

    /// - Parameter input: written to the program's standard input, which is then closed (default: none, /dev/null).
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, mergeErrors: Bool = true,
                    input: Data? = nil) async throws -> Result {
        let (termination, output) = try await Spawned.run(executable, arguments, environment: environment,
                                                          mergeErrors: mergeErrors, input: input)
        return Result(status: termination.status, output: output, signaled: termination.signaled)
    }
}
