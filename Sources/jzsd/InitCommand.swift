import ArgumentParser
import Foundation
import Crypto
import Model
import PostgresRegistry

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a data directory: dev CA, server and client certificates, CRL, legacy-lock CA, database.")

    @OptionGroup var options: DataOption

    @Option(help: "Code used for 新疆生产建设兵团 in certificates (GB/T 2260 has none).")
    var corpsCode: UInt32 = Province.defaultCorpsCode

    @Option(help: "Address the server will listen on (written to jzsd.json).")
    var listen: String = "127.0.0.1:7443"

    @Option(name: .customLong("server-name"), help: "Extra DNS name for the server certificate (repeatable).")
    var serverNames: [String] = []

    @Option(help: ArgumentHelp("PostgreSQL instead of the embedded SQLite file: postgresql://USER@HOST:PORT/DB (several hosts allowed; also JZSD_DATABASE).",
                               discussion: "The schema is created there now; certificates and keys stay in the data directory. Put a password in ~/.pgpass, not in the URL."))
    var database: String?

    @Flag(help: "Overwrite an existing data directory's PKI and configuration.")
    var force = false

    func validate() throws {
        guard (10...99).contains(corpsCode) else {
            throw ValidationError("--corps-code \(corpsCode): two digits (10-99), as registration numbers carry a two-digit province code")
        }
        guard ProvinceCode(corpsCode, corpsCode: corpsCode) != nil,
              !Province.mainland.contains(where: { $0.code == corpsCode }) else {
            throw ValidationError("--corps-code \(corpsCode) collides with a GB/T 2260 province code")
        }
    }

    func run() async throws {
        let data = options.directory
        if data.isInitialised && !force {
            throw ValidationError("\(data.root.path) is already initialised (use --force to recreate its PKI)")
        }
        try FileManager.default.createDirectory(at: data.root, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let names: [CertificateProfile.AltName] = [.dns("localhost"), .ip("127.0.0.1"), .ip("::1")] + serverNames.map { .dns($0) }
        let postgres = try (database ?? ProcessInfo.processInfo.environment["JZSD_DATABASE"].flatMap { $0.isEmpty ? nil : $0 })
            .map { try DatabaseURL($0) }
        if let postgres {
            // Reachable, and its schema brought up to date, before anything is written here.
            let store = try await PostgresRegistryStore.open(url: postgres.raw, connections: 1)
            store.close()
        }
        try PKIStore(data: data).create(corpsCode: corpsCode, serverNames: names)
        if postgres == nil { _ = try RegistryDatabase(path: data.database.path) }
        var config: [String: Any] = ["listen": listen, "log": ["level": "info"], "corps": ["code": corpsCode]]
        if database != nil, let postgres { config["database"] = postgres.raw }   // JZSD_DATABASE stays in the environment
        let json = try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try data.write(String(decoding: json, as: UTF8.self) + "\n", to: data.config, secret: true)
        try data.secure()
        print("""
            Initialised \(data.root.path)
              CA certificate       \(data.caCertificate.path)   (clients trust this)
              server certificate   \(data.serverCertificate.path)   (localhost, 127.0.0.1, ::1)
              client certificates  \(data.clients.path)/province-NN.pem, ministry.pem (+ -key.pem)
              CRL                  \(data.crl.path)
              legacy-lock CA       \(data.legacyLockCA.path)
              certificate signing  \(data.signingPublicKey.path)   (SM2; verifies electronic certificates)
              database             \(postgres?.redacted ?? data.database.path)
            Next: jzsd serve --data \(data.root.path)
            """)
    }
}
