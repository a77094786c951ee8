import Foundation
import Synchronization
public import PostgresStore

/// A throw-away PostgreSQL 15 cluster for tests: `initdb` in a temporary directory, a free
/// loopback port, `fsync=off`, trust authentication for the superuser `jzs`.
///
/// ```swift
/// let cluster = try await PostgresCluster.shared()          // one per test process
/// let url = try await cluster.makeDatabase()                 // one per test
/// let pool = PGPool(url: url)
/// ```
///
/// As root, the cluster runs as the system user `jzspg` (created with `useradd --system` when
/// missing; PostgreSQL refuses to run as root), and the temporary directory belongs to it.
/// A watchdog (`setsid sh -c 'while kill -0 PID …'`) stops the server with `pg_ctl stop -m
/// immediate` and removes the directory once the test process is gone, however it ended.
public final class PostgresCluster: Sendable {
    /// The temporary directory: `data/` (the cluster), `server.log`, the Unix socket.
    public let root: String
    public let port: Int
    public static let superuser = "jzs"

    public var dataDirectory: String { root + "/data" }
    public var logFile: String { root + "/server.log" }

    private init(root: String, port: Int) {
        self.root = root
        self.port = port
    }

    /// The cluster every test of this process shares; started on first use.
    public static func shared() async throws -> PostgresCluster { try await sharedCluster.value }
    private static let sharedCluster = Task { try await PostgresCluster.start() }
    private static let usedPorts = Mutex<Set<Int>>([])

    /// Starts a private cluster (for tests that restart, stop or promote a server).
    /// - Parameter settings: extra `postgresql.conf` lines.
    public static func start(settings: [String] = []) async throws -> PostgresCluster {
        try await retryingPortClash {
            let cluster = try await makeRoot()
            try await Command.postgres("initdb", ["-D", cluster.dataDirectory, "-A", "trust", "-U", superuser,
                                                  "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"],
                                       in: cluster.root)
            try cluster.configure(settings)
            try await cluster.startServer()
            return cluster
        }
    }

    /// Runs `make` again (with a new port) when another process took the free port meanwhile.
    private static func retryingPortClash(_ make: () async throws -> PostgresCluster) async throws -> PostgresCluster {
        for attempt in 1... {
            do {
                return try await make()
            } catch let failure as Command.Failure where attempt < 4 && failure.output.contains("could not bind") {
                continue
            }
        }
        fatalError("unreachable")
    }

    /// A libpq URL for `database` on this cluster.
    public func url(database: String = "postgres") -> String {
        "postgresql://\(Self.superuser)@127.0.0.1:\(port)/\(database)"
    }

    /// Creates an empty database (from template0) and returns its URL.
    public func makeDatabase() async throws -> String {
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(20)
        try await admin { try $0.executeScript("CREATE DATABASE \(name) TEMPLATE template0 ENCODING 'UTF8'") }
        return url(database: String(name))
    }

    /// Runs `body` on a fresh connection to the `postgres` database, off the cooperative pool.
    public func admin<T: Sendable>(_ body: @escaping @Sendable (PGConnection) throws -> T) async throws -> T {
        let url = url()
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try body(try PGConnection(url: url)) })
            }
        }
    }

    /// `pg_ctl restart -m fast`: every open connection is terminated (57P01).
    public func restart() async throws {
        try await Command.postgres("pg_ctl", ["-D", dataDirectory, "-l", logFile, "-w", "-t", "60", "-m", "fast", "restart"], in: root)
    }

    /// Stops the server (`immediate` is a crash as far as clients are concerned).
    public func stop(mode: String = "fast") async throws {
        try await Command.postgres("pg_ctl", ["-D", dataDirectory, "-w", "-m", mode, "stop"], in: root)
    }

    /// Stops the server if it runs and removes its directory.
    public func destroy() async {
        if FileManager.default.fileExists(atPath: dataDirectory + "/postmaster.pid") {
            _ = try? await stop(mode: "immediate")
        }
        try? FileManager.default.removeItem(atPath: root)
    }

    /// Makes a streaming standby of this cluster (`pg_basebackup -R`) and starts it, named
    /// `name` (its `cluster_name`, which the primary sees as `application_name`).
    ///
    /// - Parameter synchronous: also sets `synchronous_standby_names = 'FIRST 1 (name)'` on
    ///   this primary and waits until the standby reports `sync`.
    public func startStandby(name: String = "standby1", synchronous: Bool = true) async throws -> PostgresCluster {
        let standby = try await Self.retryingPortClash {
            let standby = try await Self.makeRoot()
            try await Command.postgres("pg_basebackup", ["-h", "127.0.0.1", "-p", String(port), "-U", Self.superuser,
                                                         "-D", standby.dataDirectory, "-R", "-X", "stream",
                                                         "--checkpoint=fast", "--no-sync"],
                                       in: standby.root)
            try standby.configure(["cluster_name = '\(name)'"])
            try await standby.startServer()
            return standby
        }
        if synchronous {
            try await admin { connection in
                try connection.executeScript("ALTER SYSTEM SET synchronous_standby_names = 'FIRST 1 (\(name))'")
                try connection.executeScript("SELECT pg_reload_conf()")
            }
            try await waitUntil(timeout: 30) { [self] in
                try await admin { connection in
                    try connection.query("SELECT sync_state FROM pg_stat_replication WHERE application_name = $1",
                                         parameters: [.text(name)]).first?.decode(String.self, at: 0) == "sync"
                }
            }
        }
        return standby
    }

    /// `pg_ctl promote -w`: the standby leaves recovery and accepts writes.
    public func promote() async throws {
        try await Command.postgres("pg_ctl", ["-D", dataDirectory, "-w", "-t", "60", "promote"], in: root)
    }

    // MARK: - Internals

    private static func makeRoot() async throws -> PostgresCluster {
        try await Command.ensureUser()
        var template = Array("/tmp/jzs-pg-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw Command.Failure(command: "mkdtemp", status: errno, output: "") }
        let root = String(cString: made)
        try await Command.chown(root)
        let cluster = PostgresCluster(root: root, port: try usedPorts.withLock { used in
            var port = try Command.freePort()
            while used.contains(port) { port = try Command.freePort() }   // never twice in this process
            used.insert(port)
            return port
        })
        try await cluster.startWatchdog()
        return cluster
    }

    /// Appends the test settings to postgresql.conf (a standby's copy came from its primary).
    private func configure(_ settings: [String]) throws {
        let lines = [
            "", "# jzs test harness",
            "port = \(port)",
            "listen_addresses = '127.0.0.1'",
            "unix_socket_directories = '\(root)'",
            "fsync = off",
            "full_page_writes = off",
            "max_connections = 200",
            "shared_buffers = 32MB",
        ] + settings
        let path = dataDirectory + "/postgresql.conf"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data((lines.joined(separator: "\n") + "\n").utf8))
    }

    private func startServer() async throws {
        do {
            try await Command.postgres("pg_ctl", ["-D", dataDirectory, "-l", logFile, "-w", "-t", "60", "start"], in: root)
        } catch let failure as Command.Failure {
            let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
            throw Command.Failure(command: failure.command, status: failure.status,
                                  output: failure.output + "\nserver.log:\n" + log.suffix(2000))
        }
    }

    /// Stops the server and removes `root` once this process has exited, however it ended.
    private func startWatchdog() async throws {
        let pgctl = (Command.isRoot ? "/usr/sbin/runuser -u \(Command.user) -- " : "") + "\(Command.binaries)/pg_ctl"
        let script = """
            while kill -0 \(getpid()) 2>/dev/null; do sleep 0.5; done
            [ -f '\(dataDirectory)/postmaster.pid' ] && \(pgctl) -D '\(dataDirectory)' -m immediate -w stop
            rm -rf '\(root)'
            """
        let result = try await Command.run("/usr/bin/setsid", ["-f", "/bin/sh", "-c", script])
        guard result.status == 0 else { throw Command.Failure(command: "setsid watchdog", status: result.status, output: result.output) }
    }
}

/// Polls `condition` every 100 ms until it holds.
/// - Throws: when it does not hold within `timeout` seconds.
public func waitUntil(timeout: Double, _ condition: @Sendable () async throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if (try? await condition()) == true { return }
        try await Task.sleep(for: .milliseconds(100))
    }
    struct Timeout: Error {}
    throw Timeout()
}
