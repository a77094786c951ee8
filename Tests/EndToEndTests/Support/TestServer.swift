import Foundation
import Crypto
import GRDB
import Testing
import Logging
import Model
import Synchronization
import PostgresRegistry
import PostgresTestSupport
import NIOCore
import Proto
import RPCClient
import RPCServer

/// Test-only methods, served next to the public service.
enum TestMethods {
    /// Waits until cancelled (or 60 s); reports cancellation to ``CancellationProbe``.
    static let block = UnaryMethod<Wire.Public.EchoRequest, Wire.Public.EchoResponse>(path: "/jzs.test.v1.Test/Block")
    /// Reports its start to ``CancellationProbe``, waits `delayMillis`, echoes.
    static let slow = UnaryMethod<Wire.Public.EchoRequest, Wire.Public.EchoResponse>(path: "/jzs.test.v1.Test/Slow")
    /// Reports its start to ``CancellationProbe``; answers UNAVAILABLE `call.store_unavailable`
    /// (the database out of reach) while the probe has failures left, then echoes the text.
    static let outage = UnaryMethod<Wire.Public.EchoRequest, Wire.Public.EchoResponse>(path: "/jzs.test.v1.Test/Outage")
    /// Answers a payload of `delayMillis` bytes: a response of the size a test chooses.
    static let sized = UnaryMethod<Wire.Public.EchoRequest, Wire.Public.EchoResponse>(path: "/jzs.test.v1.Test/Sized")
    /// Sends an EchoRequest's bytes to Health, whose request has a string at field 1: lets a test
    /// put invalid UTF-8 or NUL into a string field on the wire.
    static let rawHealth = UnaryMethod<Wire.Public.EchoRequest, Wire.Public.HealthResponse>(path: "/jzs.public.v1.Public/Health")
}

/// Records that a handler saw its task cancelled.
actor CancellationProbe {
    private(set) var cancelled = 0
    private var started = 0
    func start() { started += 1 }
    func sawCancellation() { cancelled += 1 }
    var startedCount: Int { started }
    private var failures = 0
    /// The next `count` calls of ``TestMethods/outage`` fail as if the database were out of reach.
    func failNext(_ count: Int) { failures = count }
    func takeFailure() -> Bool {
        guard failures > 0 else { return false }
        failures -= 1
        return true
    }
}

struct TestServer {
    let server: Server
    /// More nodes on the same database (`JZS_TEST_NODES=2` with PostgreSQL); empty otherwise.
    let others: [Server]
    let pki: TestPKI
    /// The SQLite file beside the server. With `JZS_TEST_ENGINE=postgresql` the server does not
    /// use it (``store`` is PostgreSQL): tests that read or write tables directly go through
    /// ``rows(_:_:)`` and ``execute(_:_:)`` (StoredRows.swift), which follow the engine.
    let database: RegistryDatabase
    /// What the server's use cases run on.
    let store: any RegistryStore
    let accounts: Accounts
    let denials: DenialAudit
    /// A node's port: with several nodes, each client configuration and CLI run takes the next
    /// one in turn, so a test's calls are spread over every node.
    var port: Int {
        guard !others.isEmpty else { return server.localAddress.port! }
        let all = [server] + others
        return all[TestEngine.turn.add(1, ordering: .relaxed).oldValue % all.count].localAddress.port!
    }

    func clientConfiguration(as name: String? = nil, serverName: String? = nil, timeout: Duration = .seconds(10),
                             session: String? = nil, operator op: String? = nil, language: Language = .en,
                             protocol wire: WireProtocol = .jzs1) -> ClientConfiguration {
        let identity = name.flatMap { pki.clients[$0] }
        var metadata = Metadata()
        // Tests read the server's English texts unless they ask for Chinese.
        metadata[Metadata.Key.acceptLanguage] = language.rawValue
        if let session { metadata[Metadata.Key.authorization] = "Bearer \(session)" }
        if let op { metadata[Metadata.Key.operator] = op }
        return ClientConfiguration(host: "127.0.0.1", port: port, trustRootsFile: pki.caFile, serverName: serverName,
                                   certificateFile: identity?.cert, privateKeyFile: identity?.key, defaultTimeout: timeout,
                                   metadata: metadata, protocol: wire)
    }

    /// The newest SMS code sent to `phone` (from the outbox).
    func lastSMSCode(_ phone: String) async throws -> String {
        let text: String?
        if let postgres = store as? PostgresRegistryStore {
            text = try await postgres.outbox(phone: phone, last: 1).last?.text
        } else {
            text = try await database.pool.read { db in
                try String.fetchOne(db, sql: "SELECT text FROM sms_outbox WHERE phone = ? ORDER BY id DESC LIMIT 1", arguments: [phone])
            }
        }
        let runs = (text ?? "").split(whereSeparator: { !($0.isASCII && $0.isNumber) })
        return String(try #require(runs.first { $0.count == 6 }))
    }
}

/// Runs `body` against a real server on 127.0.0.1, port 0, over TLS; shuts it down after.
func withTestServer<R>(
    limits: Limits = .default, certificate: ((TestPKI) -> (String, String))? = nil,
    probe: CancellationProbe = CancellationProbe(), policy: AccountPolicy = .testing,
    now: @escaping @Sendable () -> Date = { Date() }, rules: RegistrationRules = .init(),
    _ body: (TestServer) async throws -> R
) async throws -> R {
    let limits = limits.relaxedUnderSanitizer
    let pki = try TestPKI()
    let database = try RegistryDatabase(path: pki.directory.appendingPathComponent("jzs.sqlite").path)
    let stores = try await TestEngine.current.makeStores(sqlite: database)
    defer { for store in stores { (store as? PostgresRegistryStore)?.close() } }
    let signingKey = try PrivateKey.generateSM2()
    let (cert, key) = certificate?(pki) ?? (pki.serverCertificate, pki.serverKey)
    let tls = try TLSContext.server(certificateChainFile: cert, privateKeyFile: key,
                                    clientTrustRootsFile: pki.caFile, crlFile: pki.crlFile)
    var logger = Logger(label: "test")
    logger.logLevel = .critical

    /// One node: its own use cases, router and listener on `store` (nodes share the database only).
    func node(_ store: any RegistryStore) async throws -> (server: Server, accounts: Accounts, denials: DenialAudit) {
        let accounts = Accounts(store: store, policy: policy, now: now)
        var router = Router()
        let health = HealthState()
        PublicService(version: "test", limits: limits, services: ["jzs.public.v1.Public"], accounts: accounts, health: health).register(with: &router)
        SMSService(accounts: accounts).register(with: &router)
        let applications = Applications(store: store, rules: rules, now: now)
        IndividualService(accounts: accounts, applications: applications).register(with: &router)
        let signup = EnterpriseSignup(store: store, accounts: accounts, legacyLockCA: pki.legacy.certificate)
        let info = EnterpriseInfo(store: store)
        EnterpriseService(signup: signup, accounts: accounts, applications: applications, info: info).register(with: &router)
        ProvincialService(signup: signup, info: info, applications: applications).register(with: &router)
        MinistryService(applications: applications).register(with: &router)
        ApplicationDocumentsService(applications: applications).register(with: &router)
        CertificateService(certificates: Certificates(store: store, signingKey: signingKey, now: now),
                           publicKeyPEM: try signingKey.publicKeyPEM()).register(with: &router)
        router.register(TestMethods.block, access: .anyone) { request, _ in
            await probe.start()
            do {
                try await Task.sleep(for: .seconds(60))
            } catch {
                await probe.sawCancellation()
                throw error
            }
            return .init(payload: request.payload)
        }
        router.register(TestMethods.slow, access: .anyone) { request, _ in
            await probe.start()
            try await Task.sleep(for: .milliseconds(Int(request.delayMillis)))
            return .init(text: request.text)
        }
        router.register(TestMethods.sized, access: .anyone) { request, _ in
            .init(payload: [UInt8](repeating: 0x5A, count: Int(request.delayMillis)))
        }
        router.register(TestMethods.outage, access: .anyone) { request, _ in
            await probe.start()
            if await probe.takeFailure() { throw RegistryError.storeUnavailable("test: no writable primary") }
            return .init(text: request.text)
        }
        let denials = DenialAudit(store: store)
        let server = try await Server.bind(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0, tls: { tls }, limits: limits,
                                               callers: CallerResolver(sessions: AccountSessions(accounts: accounts)),
                                               onDenied: { denials.record($0) }, health: health),
            router: router, logger: logger)
        return (server, accounts, denials)
    }

    var nodes: [(server: Server, accounts: Accounts, denials: DenialAudit)] = []
    for store in stores { nodes.append(try await node(store)) }
    let test = TestServer(server: nodes[0].server, others: nodes.dropFirst().map(\.server), pki: pki, database: database,
                          store: stores[0], accounts: nodes[0].accounts, denials: nodes[0].denials)
    do {
        let result = try await body(test)
        for node in nodes { await node.server.shutdown() }
        return result
    } catch {
        for node in nodes { await node.server.shutdown() }
        throw error
    }
}

/// Connects, runs `body`, closes.
func withClient<R>(_ configuration: ClientConfiguration, _ body: (Client) async throws -> R) async throws -> R {
    let client = try await Client.connect(configuration)
    do {
        let result = try await body(client)
        await client.close()
        return result
    } catch {
        await client.close()
        throw error
    }
}

/// The RPCError a throwing expression produced.
func rpcError(_ body: () async throws -> Void) async -> RPCError? {
    do {
        try await body()
        return nil
    } catch let error as RPCError {
        return error
    } catch {
        return RPCError(code: .unknown, message: "not an RPCError: \(error)")
    }
}

extension RegistrationRules {
    /// 延续 may be applied for at any time up to 30 days before expiry: lets a test renew a
    /// registration made the same day.
    static var renewalAnyTime: RegistrationRules {
        var rules = RegistrationRules()
        rules.renewalOpensDays = 4 * 366
        return rules
    }
}

extension Limits {
    /// Under a sanitizer (`JZS_SANITIZER`, set by scripts/sanitize) the whole suite starts at once
    /// on two cores at a fraction of its speed, and a TLS handshake or a test's first frame can
    /// take over 10 s: the connection timers a test leaves at their defaults get 60 s, so they
    /// do not end connections the test is still opening (seen in the ASan run: "I/O on closed
    /// channel" right after connecting). A timer a test sets itself is kept.
    var relaxedUnderSanitizer: Limits {
        guard ProcessInfo.processInfo.environment["JZS_SANITIZER"] != nil else { return self }
        var relaxed = self
        let defaults = Limits.default
        for timer in [\Limits.handshakeTimeout, \.firstCallTimeout, \.frameReadTimeout] where self[keyPath: timer] == defaults[keyPath: timer] {
            relaxed[keyPath: timer] = .seconds(60)
        }
        return relaxed
    }
}

/// The engine in-process test servers run on: SQLite by default; `JZS_TEST_ENGINE=postgresql`
/// puts every one on its own database of the test process's throw-away PostgreSQL cluster
/// (PostgresTestSupport), so `make test` drives the same route over both engines.
enum TestEngine: String {
    case sqlite, postgresql

    static var current: TestEngine {
        TestEngine(rawValue: ProcessInfo.processInfo.environment["JZS_TEST_ENGINE"] ?? "") ?? .sqlite
    }

    /// How many nodes share a PostgreSQL database (`JZS_TEST_NODES`, default 1; always 1 on SQLite).
    static var nodes: Int {
        current == .sqlite ? 1 : max(1, Int(ProcessInfo.processInfo.environment["JZS_TEST_NODES"] ?? "") ?? 1)
    }

    /// Which node the next client goes to.
    static let turn = Atomic<Int>(0)

    /// One store per node: the SQLite file, or pools of their own on one fresh PostgreSQL database.
    func makeStores(sqlite database: RegistryDatabase) async throws -> [any RegistryStore] {
        switch self {
        case .sqlite: return [database.store]
        case .postgresql:
            let url = try await PostgresCluster.shared().makeDatabase()
            var stores: [any RegistryStore] = []
            for _ in 0..<Self.nodes { stores.append(try await PostgresRegistryStore.open(url: url, connections: 4)) }
            return stores
        }
    }
}
