import Foundation

/// Runs a program to completion on its own thread, so waiting for it never blocks one of the
/// (two, on this machine) threads of Swift's cooperative pool that every other test needs.
enum ChildProcess {
    struct Result: Sendable {
        /// The exit status, or the signal's number when ``signaled``.
        let status: Int32
        let output: Data
        /// Killed by a signal (then ``status`` is the signal, e.g. 11 for SIGSEGV, not an exit status).
        var signaled = false
        var text: String { String(decoding: output, as: UTF8.self) }
    }

    /// - Parameter input: written to the program's standard input, which is then closed (default: none, the test's own).
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, mergeErrors: Bool = true,
                    input: Data? = nil) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                do {
                    let p = Process()
                    p.executableURL = URL(fileURLWithPath: executable)
                    p.arguments = arguments
                    if let environment { p.environment = environment }
                    let pipe = Pipe()
                    p.standardOutput = pipe
                    p.standardError = mergeErrors ? pipe : FileHandle.nullDevice
                    let stdin = input.map { _ in Pipe() }
                    if let stdin { p.standardInput = stdin }
                    try p.run()
                    if let stdin, let input {
                        stdin.fileHandleForWriting.write(input)
                        try stdin.fileHandleForWriting.close()
                    }
                    let data = pipe.fileHandleForReading.readDataToEndOfFile()
                    p.waitUntilExit()
                    continuation.resume(returning: Result(status: p.terminationStatus, output: data,
                                                          signaled: p.terminationReason == .uncaughtSignal))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
