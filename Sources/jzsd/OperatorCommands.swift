import ArgumentParser
import Foundation
import GRDB
import Model
import PostgresRegistry

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "The hash-chained audit log.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Recompute the chain; name the first broken row. Read-only, safe beside a running server.")
        @OptionGroup var options: DataOption

        func run() async throws {
            let verification: AuditLog.Verification
            if let url = try options.directory.postgresURL() {
                let store = PostgresRegistryStore.connect(url: try DatabaseURL(url).raw)
                defer { store.close() }
                verification = try await store.verifyAudit()
            } else {
                let queue = try RegistryDatabase.readOnly(path: options.directory.database.path)
                verification = try await queue.read({ try AuditLog.verify(in: $0) })
            }
            switch verification {
            case .intact(let rows):
                print("audit log intact: \(rows) rows")
            case .broken(let row, let reason):
                print("audit log BROKEN at row \(row): \(reason)")
                throw ExitCode(2)
            }
        }
    }
}

struct SMSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sms", abstract: "The embedded SMS gateway.", subcommands: [Outbox.self])

    struct Outbox: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Messages the embedded gateway 'sent' (newest last).")
        @OptionGroup var options: DataOption
        @Option(help: "Only this phone.") var phone: String?
        @Option(help: "At most this many messages.") var last = 20

        func run() async throws {
            let phone = self.phone
            let limit = self.last
            if let url = try options.directory.postgresURL() {
                let store = PostgresRegistryStore.connect(url: try DatabaseURL(url).raw)
                defer { store.close() }
                for message in try await store.outbox(phone: phone, last: limit) {
                    print("\(ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: message.createdAt)))  \(message.phone)  \(message.text)")
                }
                return
            }
            let queue = try RegistryDatabase.readOnly(path: options.directory.database.path)
            let rows = try await queue.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT * FROM (SELECT id, phone, text, created_at FROM sms_outbox
                    WHERE (? IS NULL OR phone = ?) ORDER BY id DESC LIMIT ?) ORDER BY id
                    """, arguments: [phone, phone, limit]).map { row -> String in
                    let when = ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: row["created_at"]))
                    return "\(when)  \(row["phone"] as String)  \(row["text"] as String)"
                }
            }
            rows.forEach { print($0) }
        }
    }
}
