import Foundation
import Model
import Testing

/// `jzs report batch --all-pending --batch-key K`, interrupted and rerun (issue #8): the rerun
/// used to list the pending applications again, which the first run had shrunk, so every chunk
/// changed under the same key and the server refused it with FAILED_PRECONDITION every time.
@Suite("Enterprise batch report client")
struct EnterpriseBatchTests {
    /// `count` applications waiting for the enterprise of `admin37`, written straight into the
    /// server's database; returns their ids.
    func pending(_ server: TestServer, count: Int) async throws -> [String] {
        let enterprise = try #require(try await server.rows("SELECT id, province_code FROM enterprises WHERE credit_code = ?",
                                                            [SignupEndToEndTests.code]).first)
        return try await server.insertApplications(count: count, enterprise: try #require(enterprise["id"]),
                                                   province: try #require(enterprise["province_code"]), status: "awaiting_enterprise")
    }

    func runCLI(_ server: TestServer, _ arguments: [String]) async throws -> (status: Int32, object: [String: Any]) {
        let config = server.pki.directory.appendingPathComponent("config")
        let result = try await CLIFailureTests.jzs(["--server", "127.0.0.1:\(server.port)", "--ca", server.pki.caFile, "--json"] + arguments,
                                                   config: config)
        #expect(!result.signaled)
        let lines = result.text.split(separator: "\n", omittingEmptySubsequences: false)
        let json = lines.drop { !$0.hasPrefix("{") }.joined(separator: "\n")   // JSON on stdout; nothing else expected
        return (result.status, (try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]) ?? [:])
    }

    /// How many times each application was reported (its 'reported' events).
    func reportedCounts(_ server: TestServer) async throws -> [String: Int] {
        let rows = try await server.rows("SELECT application_id, COUNT(*) AS n FROM application_events WHERE action = 'reported' GROUP BY application_id")
        return Dictionary(uniqueKeysWithValues: rows.map { ($0["application_id"] ?? "", Int($0["n"] ?? "") ?? -1) })
    }

    @Test("A batch interrupted after its first chunk and rerun with the same key reports every application exactly once")
    func resumeAfterInterruption() async throws {
        try await withTestServer { server in
            _ = try await IsolationTests().sessions(server)
            let ids = try await pending(server, count: 6)
            #expect(try await runCLI(server, ["login", "--account", "admin37", "--password", "Admin-Pass1"]).status == 0)
            let batch = ["report", "batch", "--all-pending", "--accept-commitment", "--batch-key", "K1", "--chunk", "2"]

            // Given: a first run that dies after its first chunk was applied. Whatever the listing
            // order, the second chunk of three holds a2 or a3; the trigger makes that call fail as
            // a whole (as a lost connection or a kill would end the run there).
            switch server.engine {
            case .sqlite:
                try await server.execute("""
                    CREATE TRIGGER interrupt_batch BEFORE UPDATE OF status ON applications WHEN OLD.id IN ('a2', 'a3')
                    BEGIN SELECT RAISE(ABORT, 'simulated interruption'); END
                    """)
            case .postgresql:
                try await server.execute("""
                    CREATE FUNCTION interrupt_batch() RETURNS trigger LANGUAGE plpgsql AS
                    $$ BEGIN RAISE EXCEPTION 'simulated interruption'; END $$
                    """)
                try await server.execute("""
                    CREATE TRIGGER interrupt_batch BEFORE UPDATE OF status ON applications
                    FOR EACH ROW WHEN (OLD.id IN ('a2', 'a3')) EXECUTE FUNCTION interrupt_batch()
                    """)
            }
            let first = try await runCLI(server, batch)
            #expect(first.status != 0)
            let afterFirst = try await reportedCounts(server)
            #expect(afterFirst.count == 2 && afterFirst.values.allSatisfy { $0 == 1 }, "\(afterFirst)")
            try await server.execute(server.engine == .sqlite ? "DROP TRIGGER interrupt_batch" : "DROP TRIGGER interrupt_batch ON applications")

            // When: the same command again, with the pending list now two shorter.
            let rerun = try await runCLI(server, batch)

            // Then: it finishes, and every application was reported exactly once.
            #expect(rerun.status == 0, "\(rerun.object)")
            #expect(rerun.object["reported"] as? Int == 6)
            #expect((rerun.object["failed"] as? [Any])?.isEmpty == true)
            let counts = try await reportedCounts(server)
            #expect(counts == Dictionary(uniqueKeysWithValues: ids.map { ($0, 1) }))
            let statuses = try await server.strings("SELECT DISTINCT status FROM applications WHERE id LIKE 'a%'")
            #expect(statuses == ["awaiting_province"])

            // A finished key reruns to its stored result, exit 0, nothing applied again.
            let again = try await runCLI(server, batch)
            #expect(again.status == 0)
            #expect(again.object["reported"] as? Int == 6)
            #expect(try await reportedCounts(server) == counts)

            // The record of the key is private.
            let records = server.pki.directory.appendingPathComponent("config/jzs/batches/default")
            let files = try FileManager.default.contentsOfDirectory(atPath: records.path)
            #expect(files.count == 1)
            let mode = try FileManager.default.attributesOfItem(atPath: records.appendingPathComponent(files[0]).path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
    }

    @Test("A batch with failed items exits with status 2 and lists them; the same key with other applications is a usage error")
    func failedItems() async throws {
        try await withTestServer { server in
            _ = try await IsolationTests().sessions(server)
            _ = try await pending(server, count: 1)
            #expect(try await runCLI(server, ["login", "--account", "admin37", "--password", "Admin-Pass1"]).status == 0)
            let result = try await runCLI(server, ["report", "batch", "a0", "nope", "--accept-commitment", "--batch-key", "K2"])
            #expect(result.status == 2)
            #expect(result.object["reported"] as? Int == 1)
            let failed = try #require(result.object["failed"] as? [[String: Any]])
            #expect(failed.map { $0["application_id"] as? String } == ["nope"])
            let other = try await runCLI(server, ["report", "batch", "a0", "--accept-commitment", "--batch-key", "K2"])
            #expect(other.status == 64)
        }
    }
}
