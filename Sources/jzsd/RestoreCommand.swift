import ArgumentParser
import Foundation
import Model

/// `jzsd restore`: puts a backup in place of the database of a stopped data directory, keeping
/// the current database aside.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Replace the database with a backup (stop the server first); the current one is kept aside.",
        discussion: """
            Refused while a server serves the data directory. The backup is checked first (PRAGMA \
            integrity_check and the audit chain) and nothing is changed unless it passes. Then \
            jzs.sqlite (with its -wal and -shm) is renamed to jzs.sqlite.before-restore-TIMESTAMP, the \
            backup is copied in with mode 0600, and the copy is checked again. To undo a restore, \
            restore the before-restore file.
            """)

    @OptionGroup var options: DataOption

    @Option(help: "The backup file (made by `jzsd backup`).")
    var from: String

    /// The files SQLite keeps beside a database; a stale journal or WAL must never meet another database.
    static let companions = ["", "-wal", "-shm", "-journal"]

    func run() async throws {
        umask(0o077)
        let data = options.directory
        try data.requireEmbedded("restore", instead: "restore PostgreSQL from its base backup and WAL (docs/DEPLOYMENT.md)")
        let root = data.root.path
        guard data.isInitialised else {
            throw ValidationFailure("\(root) is not initialised: run `jzsd init --data \(root)` first, then restore into it")
        }
        let backup = URL(fileURLWithPath: from).standardizedFileURL.path
        guard PrivateFile.exists(backup) else { throw ValidationFailure("no backup at \(backup)") }
        try ServeLock.hold(in: data, by: "restore") { holder in
            "\(root) is being served (\(holder)): stop that server first (SIGTERM), then restore; nothing was changed"
        }

        // 1. The backup, before anything is touched.
        let expected = try DatabaseCheck.run(path: backup, depth: .full)
        guard expected.isSound else {
            throw ValidationFailure("\(backup) is not a sound backup (\(expected.summary)); nothing was changed")
        }
        print("backup \(backup): \(BackupCommand.size(expected.bytes)); \(expected.summary)")

        // 2. Copied in under a temporary name (0600), through the backup API as `jzsd backup` does, so
        //    that a database with its WAL (a file kept aside by an earlier restore) comes whole.
        let database = data.database.path
        let stamp = Self.timestamp()
        let incoming = "\(database).restoring-\(stamp)"
        try PrivateFile.create(incoming)
        do { try DatabaseBackup.copy(from: backup, to: incoming) } catch { unlink(incoming); throw error }

        // 3. The current database aside, with its companions, then the copy in its place.
        var aside = "\(database).before-restore-\(stamp)"
        while Self.companions.contains(where: { PrivateFile.exists(aside + $0) }) { aside += "-1" }
        let moved = Self.companions.filter { PrivateFile.exists(database + $0) }
        do {
            for suffix in moved { try PrivateFile.move(database + suffix, to: aside + suffix) }
            try PrivateFile.move(incoming, to: database)
        } catch {
            for suffix in moved where !PrivateFile.exists(database + suffix) { try? PrivateFile.move(aside + suffix, to: database + suffix) }
            unlink(incoming)
            throw error
        }
        PrivateFile.syncDirectory(of: database)

        // 4. The restored file, checked again where the server will open it.
        let restored = try DatabaseCheck.run(path: database, depth: .full)
        guard restored.isSound, restored.auditRows == expected.auditRows else {
            throw ValidationFailure("""
                the restored \(database) fails its check (\(restored.summary)): the copy went wrong on this disk. \
                The previous database is kept as \(aside); do not serve this directory until a restore passes
                """)
        }
        print("restored \(backup) into \(database): \(restored.summary)")
        let companions = moved.filter { !$0.isEmpty }.map { String($0.dropFirst()) }
        print(moved.isEmpty ? "there was no previous database"
              : "the previous database is kept as \(aside)" + (companions.isEmpty ? "" : " (with its \(companions.joined(separator: ", ")))"))
    }

    /// UTC, to the second, safe in file names: 20260129T101500Z.
    static func timestamp(_ date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return formatter.string(from: date)
    }
}
