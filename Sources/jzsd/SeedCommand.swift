import ArgumentParser
import Foundation
import Model

struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed", abstract: "Fill an empty data directory with a benchmark data set (offline: stop the server first).",
        discussion: "Enterprises get administrators admin1…adminN; enterprise 0 is 基准测试建设有限公司 with administrator bench-admin and --bench-pending applications waiting for it. Every password is --password.")
    @OptionGroup var options: DataOption
    @Option var persons = 100_000
    @Option var enterprises = 10_000
    @Option(name: .customLong("bench-pending")) var benchPending = 10_000
    @Option(name: .customLong("bench-ministry"), help: "Bench-enterprise applications already forwarded to the ministry.") var benchMinistry = 0
    @Option var password = "Bench-Pass1"

    func validate() throws {
        guard enterprises >= 1, persons >= benchPending + benchMinistry, benchPending >= 0, benchMinistry >= 0 else { throw ValidationError("need --enterprises >= 1 and --persons >= --bench-pending") }
    }

    func run() async throws {
        let data = options.directory
        guard data.isInitialised else { throw ValidationError("run `jzsd init --data \(data.root.path)` first") }
        try data.requireEmbedded("seed", instead: "seed an embedded directory, then copy it with `jzsd migrate-store` (docs/DEPLOYMENT.md)")
        let database = try RegistryDatabase(path: data.database.path)
        let report = try Seeder.seed(database, persons: persons, enterprises: enterprises, benchPending: benchPending,
                                     benchMinistry: benchMinistry, password: password) {
            FileHandle.standardError.write(Data("\($0)\n".utf8))
        }
        print("seeded \(report.enterprises) enterprises, \(report.persons) persons, \(report.applications) applications in \(String(format: "%.1f", report.seconds)) s")
    }
}
