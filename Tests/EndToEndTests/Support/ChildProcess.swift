import Foundation

/// Runs a program to completion on its own thread, so waiting for it never blocks one of the
/// (two, on this machine) threads of Swift's cooperative pool that every other test needs.
enum ChildProcess {
    struct Result: Sendable {
        let status: Int32
        let output: Data
        var text: String { String(decoding: output, as: UTF8.self) }
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, mergeErrors: Bool = true) async throws -> Result {
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
                    try p.run()
                    let data = pipe.fileHandleForReading.readDataToEndOfFile()
                    p.waitUntilExit()
                    continuation.resume(returning: Result(status: p.terminationStatus, output: data))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
