import Foundation

/// Runs the PostgreSQL programs for the test harness, as the unprivileged `jzspg` user when the
/// tests run as root (PostgreSQL refuses to run as root).
enum Command {
    /// Where Debian keeps the PostgreSQL programs (not on PATH): `JZS_PG_BIN`, else the newest
    /// major version installed under /usr/lib/postgresql (15 on Debian 12, 17 on Debian 13).
    static let binaries = ProcessInfo.processInfo.environment["JZS_PG_BIN"] ?? newestInstalled()

    private static func newestInstalled() -> String {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init)
        return "\(root)/\(versions.max() ?? 15)/bin"
    }
    /// The system user that owns and runs the throw-away clusters when we are root.
    static let user = "jzspg"

    struct Failure: Error, CustomStringConvertible {
        let command: String
        let status: Int32
        let output: String
        var description: String { "\(command) exited with \(status):\n\(output)" }
    }

    static var isRoot: Bool { getuid() == 0 }

    /// Creates the `jzspg` system user when running as root and it is missing.
    static func ensureUser() async throws {
        guard isRoot, getpwnam(user) == nil else { return }
        let result = try await run("/usr/sbin/useradd", ["--system", "--no-create-home", "--home-dir", "/nonexistent",
                                                      "--shell", "/usr/sbin/nologin", user])
        // 9: created meanwhile by another test process.
        guard result.status == 0 || result.status == 9 || getpwnam(user) != nil else {
            throw Failure(command: "useradd \(user)", status: result.status, output: result.output)
        }
    }

    /// Gives `path` (recursively) to the cluster user.
    static func chown(_ path: String) async throws {
        guard isRoot, let entry = getpwnam(user) else { return }
        let result = try await run("/bin/chown", ["-R", "\(entry.pointee.pw_uid):\(entry.pointee.pw_gid)", path])
        guard result.status == 0 else { throw Failure(command: "chown \(path)", status: result.status, output: result.output) }
    }

    /// Runs a PostgreSQL program from ``binaries`` as the cluster user, off the cooperative pool.
    /// - Throws: ``Failure`` on a non-zero exit.
    @discardableResult
    static func postgres(_ program: String, _ arguments: [String], in directory: String) async throws -> String {
        var executable = "\(binaries)/\(program)"
        var arguments = arguments
        if isRoot {
            arguments = ["-u", user, "--", executable] + arguments
            executable = "/usr/sbin/runuser"
        }
        let result = try await run(executable, arguments, in: directory)
        guard result.status == 0 else {
            throw Failure(command: ([program] + arguments.suffix(from: isRoot ? 4 : 0)).joined(separator: " "),
                          status: result.status, output: result.output)
        }
        return result.output
    }

    /// Runs a program to completion on its own thread: waiting for a child inside Swift's
    /// cooperative pool (two threads here) can starve the dispatch source that reaps it.
    static func run(_ executable: String, _ arguments: [String], in directory: String? = nil) async throws -> (status: Int32, output: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try runNow(executable, arguments, in: directory) })
            }
        }
    }

    /// Runs a program and waits (``Spawned``: with Foundation's `Process`, waiting for `setsid -f`,
    /// which leaves the watchdog running, never returned). Output goes to a temporary file, not a
    /// pipe, so a daemon left behind (`pg_ctl start`) cannot hold it open.
    private static func runNow(_ executable: String, _ arguments: [String], in directory: String? = nil) throws -> (status: Int32, output: String) {
        let outputPath = NSTemporaryDirectory() + "jzs-pg-cmd-\(UUID().uuidString)"
        defer { unlink(outputPath) }
        // Starts in a directory the cluster user can enter (initdb and pg_ctl look up the current one).
        let child = try Spawned.start("/bin/sh", ["-c", "cd \"$0\" && exec \"$@\"", directory ?? "/", executable] + arguments,
                                      stdout: .file(outputPath), stderr: .stdout)
        let status = child.wait().code
        return (status, (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? "")
    }

    /// A loopback TCP port that was free a moment ago.
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(command: "socket", status: errno, output: "") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in
                bind(fd, p, length) == 0 && getsockname(fd, p, &length) == 0
            }
        }
        guard bound else { throw Failure(command: "bind", status: errno, output: "") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
