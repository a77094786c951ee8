import ArgumentParser
import Foundation
import Model
import PostgresRegistry

/// `jzsd migrate-store`: an embedded deployment moves up to PostgreSQL (docs/DEPLOYMENT.md).
struct MigrateStoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-store",
        abstract: "Copy the embedded SQLite database into an empty PostgreSQL database and switch the data directory to it.",
        discussion: """
            The server must be stopped. The copy is one PostgreSQL transaction, verified by every table's row count and by
            the audit chain recomputed on PostgreSQL, which must end in the same hash. Only then is jzsd.json pointed at
            PostgreSQL; jzs.sqlite stays as it was (keep it as the last embedded backup).
            """)

    @OptionGroup var options: DataOption

    @Option(help: "The empty PostgreSQL database: postgresql://USER@HOST:PORT/DB.")
    var to: String

    func run() async throws {
        let data = options.directory
        guard data.isInitialised, FileManager.default.fileExists(atPath: data.database.path) else {
            throw ValidationError("\(data.root.path) has no embedded database to copy (jzs.sqlite)")
        }
        if let current = try data.postgresURL() {
            throw ValidationError("\(data.root.path) already uses PostgreSQL (\((try? DatabaseURL(current).redacted) ?? "?"))")
        }
        let target = try DatabaseURL(to)
        try ServeLock.hold(in: data, by: "migrate-store") { "\(data.root.path) is served by jzsd (\($0)): stop it before moving its database" }
        let database = try RegistryDatabase(path: data.database.path)
        let store = try await PostgresRegistryStore.open(url: target.raw, connections: 1)
        defer { store.close() }
        let started = Date()
        let report = try await StoreMigration.copy(from: database, to: store)
        for (table, count) in report.rows where count > 0 {
            print("  \(table.padding(toLength: 30, withPad: " ", startingAt: 0)) \(count) rows")
        }
        print("audit log intact on PostgreSQL: \(report.auditRows) rows, head \(report.auditHead.prefix(16))… (same as SQLite)")
        try data.setPostgresURL(target.raw)
        print(String(format: "copied in %.1f s; %@ now uses %@ (jzs.sqlite kept as it was)",
                     Date().timeIntervalSince(started), data.config.path, target.redacted))
    }
}
