import Foundation
import PostgresTestSupport
import Testing

/// A real `jzsd` process (from ``Binaries/directory``: the debug build, or the release build when
/// `JZS_BIN_DIR` points at it) on a fresh data directory and a free loopback port. Hostile-client
/// tests use it so that the server's memory (RSS, peak RSS) and log are its own.
final class SpawnedServer: @unchecked Sendable {
    // @unchecked: the process and the port are set once in start() and read afterwards; the log
    // file is only read.
    let data: URL
    private(set) var port = 0
    private var process: Spawned!
    private let logFile: URL

    var pid: Int32 { process.pid }
    var caFile: String { data.appendingPathComponent("pki/ca.pem").path }

    /// The client certificate and key `jzsd init` made for `name` (`province-37`, `ministry`).
    func identity(_ name: String) -> (cert: String, key: String) {
        let dir = data.appendingPathComponent("pki/clients")
        return (dir.appendingPathComponent("\(name).pem").path, dir.appendingPathComponent("\(name)-key.pem").path)
    }

    private init(data: URL) {
        self.data = data
        self.logFile = data.appendingPathComponent("serve.log")
    }

    /// Initialises a data directory and serves it with `limits` (`name=value`, as `--limit`).
    /// - Parameters:
    ///   - environment: added to the server's environment (e.g. `JZSD_PKI_CHECK_INTERVAL`).
    ///   - prepare: runs on the initialised data directory before the server starts.
    ///   - initArguments: added to `jzsd init` (e.g. `--database URL`).
    static func start(limits: [String] = [], logLevel: String = "info", environment extra: [String: String] = [:], initArguments: [String] = [],
                      prepare: (URL) async throws -> Void = { _ in }) async throws -> SpawnedServer {
        let jzsd = Binaries.directory.appendingPathComponent("jzsd").path
        try #require(FileManager.default.isExecutableFile(atPath: jzsd), "build the executables first (swift build --build-tests)")
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("jzsd-\(UUID().uuidString)")
        let initialised = try await ChildProcess.run(jzsd, ["init", "--data", data.path] + initArguments)
        try #require(initialised.status == 0, "jzsd init failed: \(initialised.text)")
        try await prepare(data)
        let server = SpawnedServer(data: data)
        var environment = ProcessInfo.processInfo.environment
        environment["SWIFT_BACKTRACE"] = "enable=no"
        environment.merge(extra) { $1 }
        server.process = try Spawned.start(jzsd, ["serve", "--data", data.path, "--listen", "127.0.0.1:0", "--log-level", logLevel]
                                               + relaxedUnderSanitizer(limits).flatMap { ["--limit", $0] },
                                           environment: environment, stderr: .file(server.logFile.path))
        // The port: from the "jzsd listening" log line.
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let line = server.log.split(separator: "\n").first(where: { $0.contains("jzsd listening") }),
               let range = line.range(of: #"127\.0\.0\.1\]?:(\d+)"#, options: .regularExpression) {
                server.port = Int(line[range].split(separator: ":").last!)!
                return server
            }
            try #require(server.process.isRunning, "jzsd serve exited: \(server.log)")
            try await Task.sleep(for: .milliseconds(50))
        }
        server.stop()
        Issue.record("jzsd did not start listening: \(server.log)")
        throw CancellationError()
    }

    /// `limits` plus, under a sanitizer, 60 s for the connection timers it does not set
    /// (``Limits/relaxedUnderSanitizer`` says why).
    private static func relaxedUnderSanitizer(_ limits: [String]) -> [String] {
        guard ProcessInfo.processInfo.environment["JZS_SANITIZER"] != nil else { return limits }
        let timers = ["handshake-timeout", "first-call-timeout", "frame-read-timeout"]
        return limits + timers.filter { timer in !limits.contains { $0.hasPrefix(timer + "=") } }.map { $0 + "=60s" }
    }

    var isRunning: Bool { process.isRunning }

    /// Waits until the log contains `text`, up to `timeout`; true if it does.
    func waitForLog(_ text: String, timeout: Duration) async -> Bool {
        let end = ContinuousClock.now + timeout
        while !log.contains(text), ContinuousClock.now < end {
            try? await Task.sleep(for: .milliseconds(100))
        }
        return log.contains(text)
    }

    /// What the server wrote to its log so far.
    var log: String { (try? String(contentsOf: logFile, encoding: .utf8)) ?? "" }

    /// Resident memory now and at its peak, in bytes (from /proc).
    var rss: (current: Int, peak: Int) {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        func kib(_ key: String) -> Int {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key + ":") }) else { return 0 }
            return (Int(line.split(separator: " ").dropFirst().first { Int($0) != nil } ?? "0") ?? 0) * 1024
        }
        return (kib("VmRSS"), kib("VmHWM"))
    }

    /// Kills the server (no drain wait: tests may leave calls open) and removes its data.
    /// Synchronous, for `defer`: after SIGKILL the reap takes milliseconds.
    func stop() {
        process?.kill()
        try? FileManager.default.removeItem(at: data)
    }
}

/// Runs `body` against a fresh spawned server, stopping it afterwards.
func withSpawnedServer<R>(limits: [String] = [], _ body: (SpawnedServer) async throws -> R) async throws -> R {
    let server = try await SpawnedServer.start(limits: limits)
    defer { server.stop() }
    return try await body(server)
}
