import Foundation
@testable import Model
import PostgresRegistry
import PostgresTestSupport
import Proto
import RPCClient
import Testing

/// The hot standby with the servers running (DEPLOYMENT.md, "several nodes" and "failover"): two
/// `jzsd` processes on one PostgreSQL database through a multi-host URL (primary, synchronous
/// standby); the ministry decides applications one call at a time, alternating the nodes; the
/// primary dies mid-way and the standby is promoted. Neither process is restarted: each carries on
/// by itself, and the ministry's retries (same idempotency key, as after UNAVAILABLE) apply each
/// decision once.
@Suite("Failover with running jzsd processes")
struct FailoverEndToEndTests {
    static let count = 40
    static let crashAt = 15

    /// Application ids in the shape the server gives them (16 hex digits).
    static func applicationID(_ i: Int) -> String { String(format: "f0%014x", i) }

    @Test("Primary killed under two running nodes, standby promoted: both nodes carry on, every decision applied once, the audit chain verifies")
    func failoverUnderRunningNodes() async throws {
        let primary = try await PostgresCluster.start()
        let url = try await primary.makeDatabase()
        let database = String(url.split(separator: "/").last!)
        let standby = try await primary.startStandby(name: "standby1", synchronous: true)
        defer { Task { await standby.destroy(); await primary.destroy() } }
        let multiHost = "postgresql://\(PostgresCluster.superuser)@127.0.0.1:\(primary.port),127.0.0.1:\(standby.port)/\(database)"
            + "?target_session_attrs=read-write"

        // Node A creates the schema (jzsd init --database); node B serves the same database with a
        // copy of A's PKI, as a second machine would.
        let probing = ["JZSD_HEALTH_STORE_PROBE_INTERVAL": "200ms"]
        let nodeA = try await SpawnedServer.start(environment: probing, initArguments: ["--database", multiHost])
        defer { nodeA.stop() }
        let nodeB = try await SpawnedServer.start(environment: probing, initArguments: ["--database", multiHost]) { data in
            let pki = data.appendingPathComponent("pki")
            try FileManager.default.removeItem(at: pki)
            try FileManager.default.copyItem(at: nodeA.data.appendingPathComponent("pki"), to: pki)
        }
        defer { nodeB.stop() }
        try await Self.seed(url: multiHost)

        let nodes = [nodeA, nodeB]
        @Sendable func configuration(_ node: SpawnedServer) -> ClientConfiguration {
            let ministry = node.identity("ministry")
            var metadata = Metadata()
            metadata[Metadata.Key.operator] = "ops-1"
            return ClientConfiguration(port: node.port, trustRootsFile: node.caFile, certificateFile: ministry.cert, privateKeyFile: ministry.key,
                                       defaultTimeout: .seconds(10), metadata: metadata, connectTimeout: .seconds(5))
        }

        /// Both nodes' `grpc.health.v1.Health` status for the whole server, once it is `wanted` (up to 10 s).
        @Sendable func healthBecomes(_ wanted: Wire.GRPCHealthV1.HealthCheckResponse.ServingStatus) async throws -> Bool {
            let end = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < end {
                var all = true
                for node in nodes {
                    let status = try await withClient(configuration(node)) { client in
                        try await client.unary(Methods.GRPCHealthV1.check, .init(service: "")).status
                    }
                    all = all && status == wanted
                }
                if all { return true }
                try await Task.sleep(for: .milliseconds(100))
            }
            return false
        }
        #expect(try await healthBecomes(.serving))

        /// One decision through `node` within `timeout`, with the key a retry would reuse.
        @Sendable func decide(_ i: Int, on node: SpawnedServer, timeout: Duration) async throws -> Wire.Ministry.DecisionResult {
            var key = Metadata()
            key[Metadata.Key.idempotencyKey] = "failover-\(i)"
            let response = try await withClient(configuration(node)) { client in
                try await client.unary(Methods.Ministry.decideApplications, .init(decisions: [.init(applicationID: Self.applicationID(i), approve: true)]),
                                       metadata: key, timeout: timeout)
            }
            return try #require(response.results.first)
        }

        var registrationNumbers: [String: String] = [:]
        var recovery: Duration?
        for i in 0..<Self.count {
            let id = Self.applicationID(i)
            if i == Self.crashAt {
                try await primary.stop(mode: "immediate")   // the crash, mid-way
                // A call under way through the outage: the client library sends it again by itself
                // while the server answers "nothing was done" (call.store_unavailable), within its deadline.
                let underWay = Task { try await decide(i, on: nodeA, timeout: .seconds(30)) }
                // Health checkers (load balancers, Watch) see the outage: no writable primary.
                #expect(try await healthBecomes(.notServing), "health while no host takes writes")
                // Callers with a short deadline see it too: UNAVAILABLE call.store_unavailable, never
                // INTERNAL (a COMMIT cut by the crash would be UNKNOWN call.outcome_unknown).
                for j in 1...3 {
                    let refused = await rpcError { _ = try await decide(i + j, on: nodes[j % 2], timeout: .seconds(1)) }
                    #expect(refused?.code == .unavailable && refused?.messageCode == "call.store_unavailable", "during the outage: \(String(describing: refused))")
                }
                try await standby.promote()   // the operator (or a cluster manager) promotes the standby
                let promotedAt = ContinuousClock.now
                let result = try await underWay.value
                recovery = ContinuousClock.now - promotedAt
                #expect(result.code == 0, "the call under way: \(result.message)")
                registrationNumbers[id] = result.registrationNumber
                continue
            }
            let result = try await decide(i, on: nodes[i % 2], timeout: .seconds(10))
            #expect(result.code == 0, "decision \(i): \(result.message)")
            registrationNumbers[id] = result.registrationNumber
        }
        #expect(recovery != nil)
        print("failover: the call under way was answered \(recovery.map { "\($0)" } ?? "-") after the promotion")
        #expect(nodeA.isRunning && nodeB.isRunning)
        #expect(try await healthBecomes(.serving), "health after the promotion")
        #expect(nodeA.log.contains("NOT_SERVING until it does") && nodeA.log.contains("database answers again"))

        // Each application decided once, each with its own 注册编号, the chain intact: read on the
        // promoted standby (the only read-write host left in the URL), and through both nodes.
        let store = try await PostgresRegistryStore.open(url: multiHost, connections: 1)
        defer { store.close() }
        let ids = (0..<Self.count).map(Self.applicationID)
        let state = try await store.read { tx in
            (try ids.map { try tx.applications.application($0, visibleTo: .nationwide)?.status },
             try ids.map { try tx.applications.events(of: $0).count }, try tx.audit.verify())
        }
        #expect(state.0.allSatisfy { $0 == .awaitingAnnouncement })
        #expect(state.1.allSatisfy { $0 == 1 }, "history lines per application: \(state.1)")
        if case .intact = state.2 {} else { Issue.record("audit: \(state.2)") }
        #expect(Set(registrationNumbers.values).count == Self.count)
        for node in nodes {
            let application = try await withClient(configuration(node)) { client in try await client.ministry.application(ids[Self.crashAt]) }
            #expect(application.status == .awaitingAnnouncement)
        }
    }

    /// An authenticated Beijing enterprise and `count` people whose 初始注册 waits for the ministry.
    static func seed(url: String) async throws {
        let store = try await PostgresRegistryStore.open(url: url, connections: 1)
        defer { store.close() }
        try await store.write { tx in
            try tx.enterprises.insert(StoredEnterprise(id: "e-failover", creditCode: "91110000MA0000000X", name: "北京某建设有限公司", provinceCode: 11,
                                                       legalRepresentative: "法人", registeredAddress: "北京市", status: .authenticated, createdAt: 1))
            for i in 0..<count {
                try tx.accounts.insertIndividual(StoredIndividual(id: "p-failover-\(i)", idNumber: Seeder.idNumber(index: 500_000 + i), name: "人员\(i)",
                                                                  phone: "13800138000", passwordHash: "h", mustChangePassword: false), createdAt: Date())
                let content = ApplicationContent(enterpriseID: "e-failover", provinceCode: 11, type: .initial, specialties: ["建筑工程"],
                                                 qualificationCertificateNo: "Q-failover-\(i)", qualificationDate: "2020-01-01",
                                                 contractStart: "2024-01-01", contractEnd: "2030-01-01")
                try tx.applications.insert(id: applicationID(i), individualID: "p-failover-\(i)", content: content, status: .awaitingMinistry, at: Double(i))
            }
        }
    }
}
