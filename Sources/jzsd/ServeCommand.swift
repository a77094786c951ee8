import ArgumentParser
import Crypto
import Configuration
import Foundation
import Logging
import Model
import PostgresRegistry
import Proto
import RPCServer
import ServiceLifecycle
import UnixSignals
import SystemPackage

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Serve the data directory until SIGTERM (then drain).")

    @OptionGroup var options: DataOption

    @Option(help: "host:port to listen on (default 127.0.0.1:7443).")
    var listen: String?

    @Option(help: "trace, debug, info (one line per call), notice, warning, error.")
    var logLevel: String?

    @Option(name: .customLong("limit"), help: ArgumentHelp(
        "Overrides one protocol limit, as name=value (repeatable; durations as 250ms, 30s or 5m).",
        discussion: "Names: " + Limits.named.map(\.name).joined(separator: ", ")
            + ". Also from jzsd.json (\"limits\": {\"write-stall-timeout\": \"30s\", \"max-connections\": 4096}) or the environment (JZSD_LIMITS_WRITE_STALL_TIMEOUT=30s)."))
    var limitOverrides: [String] = []

    func run() async throws {
        let data = options.directory
        guard data.isInitialised else {
            throw ValidationError("\(data.root.path) is not initialised: run `jzsd init --data \(data.root.path)` first")
        }
        try ServeLock.hold(in: data, by: "serve") { "\(data.root.path) is already served by jzsd (\($0)): one server per data directory" }
        let postgres = try data.postgresURL().map { try DatabaseURL($0) }
        if postgres == nil { try StartupCheck.requireSoundDatabase(data) }
        var flags: [AbsoluteConfigKey: ConfigValue] = [:]
        if let listen { flags["listen"] = .init(.string(listen), isSecret: false) }
        if let logLevel { flags["log.level"] = .init(.string(logLevel), isSecret: false) }
        let config = ConfigReader(providers: [
            InMemoryProvider(name: "flags", values: flags),
            EnvironmentVariablesProvider().prefixKeys(with: "jzsd"),
            try await FileProvider<JSONSnapshot>(filePath: FilePath(data.config.path)),
        ])
        let listenAddress = config.string(forKey: "listen", default: "127.0.0.1:7443")
        let level = config.string(forKey: "log.level", default: "info")
        let corpsCode = UInt32(config.int(forKey: "corps.code", default: Int(Province.defaultCorpsCode)))
        guard (10...99).contains(corpsCode), !Province.mainland.contains(where: { $0.code == corpsCode }) else {
            throw ValidationError("corps.code \(corpsCode): two digits (10-99) that are no GB/T 2260 province code")
        }
        guard let logLevel = Logger.Level(rawValue: level) else {
            throw ValidationError("log level \(level): use trace, debug, info, notice, warning or error")
        }
        let (host, port) = try Self.split(listenAddress)

        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        let logger = Logger(label: "jzsd")

        try data.secure()
        let store: any RegistryStore
        if let postgres {
            // Several nodes share this database; libpq finds the writable primary among the URL's hosts.
            let connections = config.int(forKey: "database-pool", default: 8)
            store = try await PostgresRegistryStore.open(url: postgres.raw, connections: connections)
            logger.notice("database open", metadata: ["engine": "postgresql", "url": "\(postgres.redacted)", "connections": "\(connections)"])
        } else {
            let database = try RegistryDatabase(path: data.database.path)
            let durability = try database.durabilitySettings()
            logger.notice("database open", metadata: ["engine": "sqlite", "path": "\(data.database.path)", "journal": "\(durability.journalMode)",
                                                      "synchronous": "\(durability.synchronous)"])
            store = database.store
        }

        // The CRL is re-signed before the TLS context loads it if little of its life is left.
        let maintenance = PKIMaintenance(pki: PKIStore(data: data), logger: logger)
        maintenance.check(server: nil)
        let pkiInterval = Duration.parse(config.string(forKey: "pki.check-interval", default: "60s")) ?? .seconds(60)
        let probeInterval = Duration.parse(config.string(forKey: "health.store-probe-interval", default: "2s")) ?? .seconds(2)
        let health = HealthState()
        let tls = try ServerTLS(data: data)
        var limits = Limits.default
        for named in Limits.named {
            // File and environment first (JZSD_LIMITS_WRITE_STALL_TIMEOUT=2s), then flags.
            let key = ConfigKey("limits." + named.name)
            guard let value = config.string(forKey: key) ?? config.int(forKey: key).map(String.init) else { continue }
            guard limits.apply("\(named.name)=\(value)") else {
                throw ValidationError("limits.\(named.name) \(value): not a valid value")
            }
        }
        for assignment in limitOverrides where !limits.apply(assignment) {
            throw ValidationError("--limit \(assignment): expected name=value with a known name and a valid value (see --help)")
        }
        MemoryReturn.configure()
        let accounts = Accounts(store: store)
        let denials = DenialAudit(store: store)
        let signup = EnterpriseSignup(store: store, accounts: accounts,
                                      legacyLockCA: try Certificate(pem: data.read(data.legacyLockCA)), corpsCode: corpsCode)
        var router = Router()
        let services = ServiceCatalog.services.map(\.name)
        PublicService(version: jzsVersion, limits: limits, services: services, corpsCode: corpsCode, accounts: accounts, health: health,
                      warnings: { maintenance.warnings + (health.storeReachable ? [] : ["the database does not answer (no writable primary)"]) })
            .register(with: &router)
        SMSService(accounts: accounts).register(with: &router)
        let applications = Applications(store: store, corpsCode: corpsCode)
        IndividualService(accounts: accounts, applications: applications).register(with: &router)
        let info = EnterpriseInfo(store: store)
        EnterpriseService(signup: signup, accounts: accounts, applications: applications, info: info).register(with: &router)
        ProvincialService(signup: signup, info: info, applications: applications).register(with: &router)
        MinistryService(applications: applications).register(with: &router)
        ApplicationDocumentsService(applications: applications).register(with: &router)
        let signing = try PKIStore(data: data).signingKey()
        // OpenSSL 3.0 fills its algorithm store on first use, and concurrent first uses can race
        // (openssl/openssl#27726: a use-after-free seen under ASan). Use what serving needs once,
        // on this thread, before any connection or background check runs.
        _ = try Signature.sign(Array("warm-up".utf8), with: signing.key)
        _ = try PasswordHash.hash("warm-up", parameters: .testing)
        _ = Digest.sha256(Array("warm-up".utf8))
        let certificates = Certificates(store: store, signingKey: signing.key)
        // Certificates are issued when their 公告 takes effect; a database from before that
        // (jzsd 0.2) catches up here, once: every announced registration holds one.
        let outstanding = try await certificates.issueOutstanding(audit: AuditContext(caller: .ministry, method: "jzsd serve", requestID: "startup"))
        if outstanding > 0 { logger.notice("issued \(outstanding) outstanding certificates") }
        CertificateService(certificates: certificates, publicKeyPEM: signing.publicPEM).register(with: &router)

        let configuration = ServerConfiguration(
            host: host, port: port, tls: { try tls.current() }, limits: limits,
            callers: CallerResolver(corpsCode: corpsCode, sessions: AccountSessions(accounts: accounts)),
            onDenied: { denials.record($0) }, health: health)
        let server = try await Server.bind(configuration: configuration, router: router, logger: logger)
        let group = ServiceGroup(services: [server], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        let trimmer = Task { await MemoryReturn.run() }
        let pkiChecks = Task { await maintenance.run(server: server, every: pkiInterval) }
        let storeProbe = Task { await StoreProbe.run(store: store, health: health, every: probeInterval, logger: logger) }
        defer { trimmer.cancel(); pkiChecks.cancel(); storeProbe.cancel() }
        try await group.run()
        // Drained: the background checks end and the denials still queued are written before the
        // database closes (its cached statements go with it), and it closes before the process
        // exits. A call still running past the drain timeout fails against the closed database.
        trimmer.cancel(); pkiChecks.cancel(); storeProbe.cancel()
        _ = await (trimmer.value, pkiChecks.value, storeProbe.value)
        await denials.flush()
        store.close()
        logger.notice("stopped")
    }

    static func split(_ address: String) throws -> (String, Int) {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
              (0...65535).contains(port) else {
            throw ValidationError("listen address \(address): expected host:port, e.g. 127.0.0.1:7443")
        }
        var host = String(address[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }
}
