import ArgumentParser

struct JZSD: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jzsd",
        abstract: "The jzs server: 建设行业执业资格管理信息系统（一级建造师）.",
        discussion: """
            First start:  jzsd init --data DIR    (dev CA, certificates, database, jzsd.json)
                          jzsd init --data DIR --database postgresql://USER@HOST/DB   (several nodes)
            Then:         jzsd serve --data DIR [--listen 127.0.0.1:7443]
            Settings come from flags, then JZSD_* environment variables (JZSD_LISTEN,
            JZSD_LOG_LEVEL, JZSD_CORPS_CODE, JZSD_DATABASE), then DIR/jzsd.json, then defaults.
            """,
        subcommands: [InitCommand.self, ServeCommand.self, CACommand.self, AuditCommand.self, SMSCommand.self, LockCommand.self, SeedCommand.self,
                      BackupCommand.self, RestoreCommand.self, MigrateStoreCommand.self])
}

/// `--data`, shared by every subcommand.
struct DataOption: ParsableArguments {
    @Option(name: .long, help: "The data directory (default: $JZSD_DATA or .jzs-data).")
    var data: String?

    var directory: DataDirectory {
        DataDirectory(data ?? ProcessInfo.processInfo.environment["JZSD_DATA"] ?? ".jzs-data")
    }
}

import Foundation
