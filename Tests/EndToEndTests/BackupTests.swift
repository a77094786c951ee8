import Foundation
import GRDB
import PostgresTestSupport
import Proto
import RPCClient
import Synchronization
import Testing

/// `jzsd backup`, `jzsd restore` and the start-up check of `jzsd serve`, on real processes
/// (issue #8, deliverable 8; 等保 2.0 level 3, 8.1.4.9 a).
@Suite("Backup and restore")
struct BackupTests {
    static let idNumber = "11010519491231002X"
    static let password = "Good-Pass1"

    @Test("A backup taken while many calls write passes integrity_check and audit verify, and holds every call acknowledged before it")
    func backupUnderLoad() async throws {
        // The load comes from one address: lift the per-address and global SMS budgets for it.
        let budgets = ["sms-burst-per-address", "sms-per-minute-per-address", "sms-burst-global", "sms-per-minute-global"].map { "\($0)=1000000" }
        try await withSpawnedServer(limits: budgets) { server in
            let scratch = try Scratch()
            defer { scratch.remove() }
            // Given: a steady stream of SMS sends, each one transaction with an audit row
            let load = Load()
            let client = try Client(ClientConfiguration(port: server.port, trustRootsFile: server.caFile))
            let writers = Task { try await load.run(client: client) }
            try await load.wait(untilAcknowledged: 300)

            // When: a backup is taken meanwhile
            // (On 2 busy cores a backup can finish between two acknowledgements: it is taken again,
            // up to 5 times, until one overlaps the writers.)
            var acknowledgedBefore = 0, acknowledgedDuring = 0
            var taken: ChildProcess.Result?
            for attempt in 0..<5 {
                if attempt > 0 { try? FileManager.default.removeItem(atPath: scratch.database) }
                acknowledgedBefore = load.acknowledged
                taken = try await jzsd(["backup", "--data", server.data.path, "--out", scratch.database])
                acknowledgedDuring = load.acknowledged - acknowledgedBefore
                if acknowledgedDuring > 0 { break }
            }
            load.stop()
            try await writers.value
            await client.close()
            let backup = try #require(taken)

            // Then: the copy is sound, private, and lies between what was acknowledged and the live log
            #expect(backup.status == 0, "\(backup.text)")
            #expect(backup.text.contains("integrity ok"), "\(backup.text)")
            #expect(backup.text.contains("audit chain intact"), "\(backup.text)")
            #expect(acknowledgedDuring > 0, "no call completed while the backup ran: it did not run under load")
            #expect(try mode(scratch.database) == 0o600)
            let copied = try await auditRows(scratch.directory)
            let live = try await auditRows(server.data.path)
            #expect(copied >= acknowledgedBefore, "the copy lost acknowledged calls")
            #expect(copied <= live)
            try Self.expectOneSnapshot(scratch.database)
            // A second backup to the same file is refused without --force.
            let again = try await jzsd(["backup", "--data", server.data.path, "--out", scratch.database])
            #expect(again.status != 0 && again.text.contains("--force"), "\(again.text)")
        }
    }

    @Test("A backup restored into a stopped data directory serves again: the data from before the backup is there, later data is not")
    func restoreAndServe() async throws {
        try await withSpawnedServer { server in
            let scratch = try Scratch()
            defer { scratch.remove() }
            // Given: an account, a backup, then one more change
            let client = try Client(ClientConfiguration(port: server.port, trustRootsFile: server.caFile))
            _ = try await client.individual.sendRegistrationCode(phone: "13800138000")
            let code = try await smsCode(server.data.path, phone: "13800138000")
            _ = try await client.individual.createAccount(.init(idNumber: Self.idNumber, name: "李四", phone: "13800138000",
                                                                password: Self.password, passwordAgain: Self.password, smsCode: code))
            let backup = try await jzsd(["backup", "--data", server.data.path, "--out", scratch.database])
            #expect(backup.status == 0, "\(backup.text)")
            _ = try await client.individual.sendRegistrationCode(phone: "13900139000")
            await client.close()
            let backedUp = try await auditRows(scratch.directory)
            kill(server.pid, SIGKILL)   // as a crash would: the WAL stays beside the database
            while server.isRunning { try await Task.sleep(for: .milliseconds(20)) }

            // When: restored
            let restore = try await jzsd(["restore", "--data", server.data.path, "--from", scratch.database])

            // Then: the old database is kept aside with its WAL, the new one is private and checked
            #expect(restore.status == 0, "\(restore.text)")
            #expect(restore.text.contains("restored"), "\(restore.text)")
            let files = try FileManager.default.contentsOfDirectory(atPath: server.data.path)
            #expect(files.contains { $0.hasPrefix("jzs.sqlite.before-restore-") && !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") }, "\(files)")
            #expect(files.contains { $0.hasPrefix("jzs.sqlite.before-restore-") && $0.hasSuffix("-wal") }, "\(files)")
            #expect(!files.contains("jzs.sqlite-wal") && !files.contains { $0.contains("restoring") }, "\(files)")
            #expect(try mode(server.data.appendingPathComponent("jzs.sqlite").path) == 0o600)
            #expect(try await auditRows(server.data.path) == backedUp)

            // And: it serves, the account logs in, and the SMS sent after the backup is gone
            let again = try await Served.start(server.data)
            defer { again.stop() }
            let restored = try Client(ClientConfiguration(port: again.port, trustRootsFile: server.caFile))
            let login = try await restored.individual.login(idNumber: Self.idNumber, password: Self.password)
            await restored.close()
            #expect(!login.sessionToken.isEmpty)
            let later = try await jzsd(["sms", "outbox", "--data", server.data.path, "--phone", "13900139000"])
            #expect(later.status == 0 && later.text.isEmpty, "\(later.text)")
        }
    }

    @Test("Restoring the file a restore kept aside undoes it, its WAL included")
    func undoRestore() async throws {
        try await withSpawnedServer { server in
            let scratch = try Scratch()
            defer { scratch.remove() }
            // Given: a backup with one SMS send, a second send after it, a crash, a restore
            let client = try Client(ClientConfiguration(port: server.port, trustRootsFile: server.caFile))
            _ = try await client.individual.sendRegistrationCode(phone: "13800138000")
            let backup = try await jzsd(["backup", "--data", server.data.path, "--out", scratch.database])
            #expect(backup.status == 0, "\(backup.text)")
            _ = try await client.individual.sendRegistrationCode(phone: "13900139000")
            await client.close()
            kill(server.pid, SIGKILL)
            while server.isRunning { try await Task.sleep(for: .milliseconds(20)) }
            let restore = try await jzsd(["restore", "--data", server.data.path, "--from", scratch.database])
            #expect(restore.status == 0, "\(restore.text)")
            #expect(try await auditRows(server.data.path) == 1)
            let aside = try #require(restore.text.firstMatch(of: /kept as (\S+)/).map { String($0.1) }, "\(restore.text)")

            // When: the file kept aside (whose second send is still in its WAL) is restored
            let undo = try await jzsd(["restore", "--data", server.data.path, "--from", aside])

            // Then: both sends are back
            #expect(undo.status == 0, "\(undo.text)")
            #expect(try await auditRows(server.data.path) == 2)
            let later = try await jzsd(["sms", "outbox", "--data", server.data.path, "--phone", "13900139000"])
            #expect(later.text.contains("13900139000"), "\(later.text)")
        }
    }

    @Test("Restore is refused while a server serves the data directory, and changes nothing")
    func restoreRefusedWhileServing() async throws {
        try await withSpawnedServer { server in
            let scratch = try Scratch()
            defer { scratch.remove() }
            let backup = try await jzsd(["backup", "--data", server.data.path, "--out", scratch.database])
            #expect(backup.status == 0, "\(backup.text)")
            let before = try FileManager.default.contentsOfDirectory(atPath: server.data.path).sorted()

            let restore = try await jzsd(["restore", "--data", server.data.path, "--from", scratch.database])

            #expect(restore.status != 0)
            #expect(restore.text.contains("is being served (pid \(server.pid), serve)"), "\(restore.text)")
            #expect(restore.text.contains("nothing was changed"), "\(restore.text)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: server.data.path).sorted() == before)
            #expect(server.isRunning)
        }
    }

    enum Damage: String, CaseIterable, CustomTestStringConvertible {
        case notADatabase = "random bytes over the whole file"
        case brokenPage = "a b-tree page in the middle overwritten"
        var testDescription: String { rawValue }
    }

    @Test("A server refuses to start on a damaged database, naming the file and jzsd restore", arguments: Damage.allCases)
    func serveRefusesDamagedDatabase(_ damage: Damage) async throws {
        let scratch = try Scratch()
        defer { scratch.remove() }
        let data = scratch.directory + "/data"
        let initialised = try await jzsd(["init", "--data", data])
        try #require(initialised.status == 0, "\(initialised.text)")
        let database = data + "/jzs.sqlite"
        // Given: the closed database, damaged
        try Self.damage(database, damage)

        // When: served (a server that does not notice would run until `timeout` ends it: 124)
        let serve = try await ChildProcess.run("/usr/bin/timeout", ["60", jzsdPath, "serve", "--data", data, "--listen", "127.0.0.1:0"])

        // Then
        #expect(serve.status != 0 && serve.status != 124, "\(serve.text)")
        #expect(serve.text.contains("the database \(database) is damaged"), "\(serve.text)")
        #expect(serve.text.contains("jzsd restore --data \(data) --from"), "\(serve.text)")
        #expect(!serve.text.contains("jzsd listening"), "\(serve.text)")
    }

    /// integrity_check, by the test itself, and each SMS send's outbox row and audit row (one
    /// transaction) both in the copy or both not.
    static func expectOneSnapshot(_ path: String) throws {
        let queue = try DatabaseQueue(path: path, configuration: readOnly)
        defer { try? queue.close() }
        try queue.read { db in
            #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"])
            let sends = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_log WHERE result LIKE 'sent %'")
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sms_outbox") == sends)
        }
    }

    static func damage(_ database: String, _ damage: Damage) throws {
        let handle = try FileHandle(forUpdating: URL(fileURLWithPath: database))
        defer { try? handle.close() }
        switch damage {
        case .notADatabase:
            let size = try handle.seekToEnd()
            try handle.seek(toOffset: 0)
            try handle.write(contentsOf: (0..<size).map { _ in UInt8.random(in: 0...255) })
        case .brokenPage:
            // The root page of the table or index nearest the middle of the file.
            let (page, pageSize) = try DatabaseQueue(path: database, configuration: readOnly).read { db in
                let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
                let root = try Int.fetchOne(db, sql: "SELECT rootpage FROM sqlite_master WHERE rootpage > 1 ORDER BY abs(rootpage - ?) LIMIT 1",
                                            arguments: [pages / 2]) ?? 0
                return (root, try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0)
            }
            try #require(page > 1 && pageSize > 0)
            try handle.seek(toOffset: UInt64((page - 1) * pageSize))
            try handle.write(contentsOf: [UInt8](repeating: 0x55, count: pageSize))
        }
        try handle.synchronize()
    }
}

// MARK: - Helpers

private let jzsdPath = Binaries.directory.appendingPathComponent("jzsd").path

private var readOnly: Configuration {
    var configuration = Configuration()
    configuration.readonly = true
    return configuration
}

private func jzsd(_ arguments: [String]) async throws -> ChildProcess.Result {
    try await ChildProcess.run(jzsdPath, arguments)
}

/// The row count `jzsd audit verify` reports for the data directory `data`; fails on a broken chain.
private func auditRows(_ data: String) async throws -> Int {
    let verify = try await jzsd(["audit", "verify", "--data", data])
    let rows = verify.text.firstMatch(of: /audit log intact: (\d+) rows/).flatMap { Int($0.1) }
    return try #require(rows, "\(verify.text)")
}

/// The code of the newest SMS to `phone`, from the embedded gateway's outbox.
private func smsCode(_ data: String, phone: String) async throws -> String {
    let outbox = try await jzsd(["sms", "outbox", "--data", data, "--phone", phone, "--last", "1"])
    return try #require(outbox.text.firstMatch(of: /验证码 (\d{6})/).map { String($0.1) }, "\(outbox.text)")
}

private func mode(_ path: String) throws -> Int {
    try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
}

/// A temporary directory with `jzs.sqlite` as the backup's name in it, so that
/// `jzsd audit verify --data DIR` reads the backup.
private struct Scratch {
    let directory: String
    var database: String { directory + "/jzs.sqlite" }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("jzs-backup-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// Public SendSmsCode calls to ever new phone numbers from eight callers at once, until stopped.
private final class Load: Sendable {
    private struct State {
        var acknowledged = 0, next = 0, stopped = false
        var failure: String?
    }
    private let state = Mutex(State())

    var acknowledged: Int { state.withLock { $0.acknowledged } }
    func stop() { state.withLock { $0.stopped = true } }

    func run(client: Client) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    while let phone = self.nextPhone() {
                        do {
                            _ = try await client.individual.sendRegistrationCode(phone: phone)
                        } catch {
                            self.state.withLock { $0.failure = "\(error)"; $0.stopped = true }
                            throw error
                        }
                        self.state.withLock { $0.acknowledged += 1 }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    func wait(untilAcknowledged count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while acknowledged < count {
            let failure = state.withLock { $0.failure }
            try #require(failure == nil, "a writing call failed: \(failure ?? "")")
            try #require(ContinuousClock.now < deadline, "only \(acknowledged) calls acknowledged in 60 s")
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    private func nextPhone() -> String? {
        state.withLock { state in
            guard !state.stopped else { return nil }
            state.next += 1
            return String(format: "139%08d", state.next)
        }
    }
}

/// `jzsd serve` on an existing data directory (``SpawnedServer`` always starts from `jzsd init`).
private final class Served: @unchecked Sendable {
    // @unchecked: the process and the port are set in start(), then only read.
    private(set) var process: Spawned!
    private(set) var port = 0

    static func start(_ data: URL) async throws -> Served {
        let served = Served()
        let log = data.appendingPathComponent("serve-again.log")
        served.process = try Spawned.start(jzsdPath, ["serve", "--data", data.path, "--listen", "127.0.0.1:0"], stderr: .file(log.path))
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.contains("jzsd listening") }),
               let match = line.firstMatch(of: /127\.0\.0\.1\]?:(\d+)/), let port = Int(match.1) {
                served.port = port
                return served
            }
            if !served.process.isRunning {
                Issue.record("jzsd serve exited: \(text)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        served.stop()
        Issue.record("jzsd serve did not start listening")
        throw CancellationError()
    }

    func stop() {
        process?.kill()
    }
}
