import ArgumentParser
import Foundation
import Model

/// `jzsd backup`: a consistent copy of the database, safe while `jzsd serve` runs (等保 2.0 level 3,
/// 8.1.4.9 a).
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database into one file (SQLite online backup); safe while the server serves.",
        discussion: """
            The copy is one snapshot, read through a read-only connection: the server keeps serving and \
            remains the only writer. The file is created 0600 and then checked: PRAGMA integrity_check \
            and the audit chain, as `jzsd audit verify` does. Restore it with `jzsd restore`.
            """)

    @OptionGroup var options: DataOption

    @Option(help: "The backup file to create (refused if it exists, unless --force).")
    var out: String

    @Flag(help: "Replace --out if it exists.")
    var force = false

    func run() async throws {
        umask(0o077)
        try options.directory.requireEmbedded("backup", instead: "back PostgreSQL up with pg_basebackup and WAL archiving (docs/DEPLOYMENT.md)")
        let database = options.directory.database.path
        guard PrivateFile.exists(database) else {
            throw ValidationFailure("no database at \(database): is --data the data directory of jzsd?")
        }
        let target = URL(fileURLWithPath: out).standardizedFileURL.path
        guard !["", "-wal", "-shm", "-journal"].contains(where: { database + $0 == target }) else {
            throw ValidationFailure("--out \(target) is the live database or one of its files")
        }
        if PrivateFile.exists(target) && !force {
            throw ValidationFailure("\(target) exists: choose another --out, or add --force to replace it")
        }
        // Written under a temporary name beside the target and renamed once checked, so the
        // target never names a partial or unchecked copy.
        let partial = URL(fileURLWithPath: target).deletingLastPathComponent()
            .appendingPathComponent(".\(URL(fileURLWithPath: target).lastPathComponent).partial-\(getpid())").path
        try PrivateFile.create(partial)
        defer { for suffix in ["", "-journal", "-wal", "-shm"] { unlink(partial + suffix) } }

        let clock = ContinuousClock()
        let started = clock.now
        try DatabaseBackup.copy(from: database, to: partial)
        let copied = clock.now
        let report = try DatabaseCheck.run(path: partial, depth: .full)
        let checked = clock.now
        guard report.isSound else {
            throw ValidationFailure("""
                the copy of \(database) fails its check (\(report.summary)), so the live database is probably damaged \
                too; no backup was written. Keep the earlier backups, and see `jzsd audit verify --data \(options.directory.root.path)`.
                """)
        }
        if force {
            try PrivateFile.move(partial, to: target)
        } else {
            try PrivateFile.moveWithoutReplacing(partial, to: target)
        }
        PrivateFile.syncDirectory(of: target)
        print("backup \(target): \(Self.size(report.bytes)), copied in \(Self.seconds(copied - started)), checked in \(Self.seconds(checked - copied)); \(report.summary)")
    }

    static func size(_ bytes: Int64) -> String {
        bytes < 1 << 20 ? "\(bytes / 1024) KiB" : String(format: "%.1f MiB", Double(bytes) / Double(1 << 20))
    }

    static func seconds(_ duration: Duration) -> String {
        let (s, attoseconds) = duration.components
        return String(format: "%.2f s", Double(s) + Double(attoseconds) / 1e18)
    }
}
