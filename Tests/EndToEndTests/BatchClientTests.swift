import Crypto
import Foundation
import Model
import Proto
import RPCClient
import RPCServer
import Testing

@Suite("Ministry batch client")
struct BatchClientTests {
    /// `count` applications forwarded to the ministry, written straight into the server's database.
    func forwarded(_ server: TestServer, count: Int) async throws -> [String] {
        try await server.execute("""
            INSERT INTO enterprises (id, credit_code, name, province_code, legal_representative, registered_address, status, created_at)
            VALUES ('e1', ?, '企业', 37, '王', '地址', 'authenticated', 0)
            """, ["913701000000000000".fixedCode])
        return try await server.insertApplications(count: count, enterprise: "e1", province: "37", status: "awaiting_ministry")
    }

    func runCLI(_ server: TestServer, _ arguments: [String]) async throws -> [String: Any] {
        let binary = Binaries.directory.appendingPathComponent("jzs")
        try #require(FileManager.default.isExecutableFile(atPath: binary.path), "build the executables first")
        let ministry = server.pki.clients["ministry"]!
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CONFIG_HOME"] = server.pki.directory.appendingPathComponent("config").path
        let result = try await ChildProcess.run(binary.path, ["--server", "127.0.0.1:\(server.port)", "--ca", server.pki.caFile, "--cert", ministry.cert,
                                                              "--key", ministry.key, "--operator", "批处理", "--json"] + arguments,
                                                environment: environment, mergeErrors: false)
        #expect(result.status == 0)
        return try #require(try JSONSerialization.jsonObject(with: result.output) as? [String: Any])
    }

    @Test("A rerun after an interruption applies nothing twice and finishes the rest")
    func rerunAfterKill() async throws {
        try await withTestServer { server in
            let ids = try await forwarded(server, count: 6)
            let file = server.pki.directory.appendingPathComponent("decisions.csv")
            let csv = "application_id,decision,reason\n" + ids.enumerated().map { n, id in n == 5 ? "\(id),reject,材料不全" : "\(id),approve," }.joined(separator: "\n") + "\n"
            try Data(csv.utf8).write(to: file)

            // Given: the first run died after its first chunk (2 decisions) was committed.
            let base = Digest.hex(Digest.sha256(Array(csv.utf8))).prefix(32)
            try await withClient(server.clientConfiguration(as: "ministry", operator: "批处理")) { client in
                let first = try await client.ministry.decide(ids.prefix(2).map { .init(applicationID: $0, approve: true) }, idempotencyKey: "batch-\(base)-0-2")
                #expect(first.applied == 2)
            }
            // When: the same file is run again, twice.
            let report = server.pki.directory.appendingPathComponent("report.jsonl").path
            let rerun = try await runCLI(server, ["ministry", "batch", "decide", "--file", file.path, "--chunk", "2", "--report", report])
            let again = try await runCLI(server, ["ministry", "batch", "decide", "--file", file.path, "--chunk", "2"])
            // Then: every decision applied exactly once.
            #expect(rerun["done"] as? Int == 6)
            #expect((rerun["failed"] as? [Any])?.isEmpty == true)
            #expect(again["done"] as? Int == 6)
            let counts = (try await server.count("SELECT COUNT(*) FROM application_events WHERE action = 'approved by ministry'"),
                          try await server.count("SELECT COUNT(*) FROM application_events WHERE action = 'rejected by ministry'"),
                          try await server.count("SELECT COUNT(DISTINCT registration_number) FROM registrations"))
            #expect(counts.0 == 5 && counts.1 == 1 && counts.2 == 5)
            let lines = try String(contentsOfFile: report, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 6)
            // The report names applications and registration numbers: the owner's only.
            #expect(try FileManager.default.attributesOfItem(atPath: report)[.posixPermissions] as? Int == 0o600)
            // A file deciding them anew (another key) finds them already decided: skipped, not applied.
            try Data((csv + "\n").utf8).write(to: file)
            let fresh = try await runCLI(server, ["ministry", "batch", "decide", "--file", file.path, "--chunk", "4"])
            #expect(fresh["skipped"] as? Int == 6)
            #expect(fresh["done"] as? Int == 0)
        }
    }
}
