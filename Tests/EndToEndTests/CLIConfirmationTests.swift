import Foundation
import Model
import Testing

/// Nothing irreversible without consent (issue #9): 上报, 批量上报 and removing a sub-user ask on
/// a terminal, `--yes` answers for scripts, and with neither nothing happens (exit 64). Batches
/// list every item's outcome, exit 2 when one failed, and a finished key prints its stored result.
@Suite("CLI confirmations and batches")
struct CLIConfirmationTests {
    /// How many times `a0` was reported.
    static func reports(_ server: TestServer, _ id: String = "a0") async throws -> Int {
        try await server.count("SELECT COUNT(*) FROM application_events WHERE action = 'reported' AND application_id = ?", [id])
    }

    @Test("report without a terminal and without --yes: nothing is reported, one sentence saying to pass --yes, exit 64 (each language)")
    func reportNeedsYes() async throws {
        try await withTestServer { server in
            let config = server.pki.directory.appendingPathComponent("config")
            try await CLILanguageTests.enterpriseWithPending(server, config: config)
            for zh in [true, false] {
                // Standard input is a pipe (no terminal).
                let result = try await CLILanguageTests.jzs(server, ["report", "submit", "a0"], zh: zh, config: config)
                #expect(result.status == 64)
                #expect(result.text == (zh ? "jzs: 上报不能撤销，需要确认：没有终端可以询问，请加 --yes 表示接受承诺条款并上报\n"
                                           : "jzs: a report cannot be undone and needs confirmation: there is no terminal to ask on, so pass --yes to accept the commitment clauses and report\n"))
                let batch = try await CLILanguageTests.jzs(server, ["report", "batch", "a0"], zh: zh, config: config)
                #expect(batch.status == 64)
                #expect(batch.text.contains("--yes"))
            }
            #expect(try await Self.reports(server) == 0)
            // The flag of earlier versions still reports (scripts keep working).
            let old = try await CLILanguageTests.jzs(server, ["report", "submit", "a0", "--accept-commitment"], zh: false, config: config)
            #expect(old.status == 0, "\(old.text)")
            #expect(try await Self.reports(server) == 1)
        }
    }

    @Test("users remove asks too: without a terminal and without --yes it removes nothing (exit 64)")
    func removeNeedsYes() async throws {
        try await withTestServer { server in
            let config = server.pki.directory.appendingPathComponent("config")
            try await CLILanguageTests.enterpriseWithPending(server, config: config)
            let result = try await CLILanguageTests.jzs(server, ["users", "remove", "some-user"], zh: true, config: config)
            #expect(result.status == 64)
            #expect(result.text == "jzs: 删除二级用户不能撤销，需要确认：没有终端可以询问，请加 --yes\n")
        }
    }

    @Test("cert revoke asks too: without a terminal and without --yes nothing is revoked (exit 64, each language)")
    func revokeNeedsYes() async throws {
        try await withTestServer { server in
            let config = server.pki.directory.appendingPathComponent("config")
            let zh = try await CLILanguageTests.jzs(server, ["cert", "revoke", "1.2.156.3005.2.x", "--reason", "测试"], zh: true, as: "ministry", config: config)
            #expect(zh.status == 64)
            #expect(zh.text == "jzs: 撤销证书不能恢复，需要确认：没有终端可以询问，请加 --yes\n")
            let en = try await CLILanguageTests.jzs(server, ["cert", "revoke", "1.2.156.3005.2.x", "--reason", "test"], zh: false, as: "ministry", config: config)
            #expect(en.status == 64)
            #expect(en.text.contains("pass --yes"))
        }
    }

    @Test("批量上报 lists each item's outcome and exits 2 when one failed; rerunning the finished key prints the stored result and exits 0")
    func batchOutcomes() async throws {
        try await withTestServer { server in
            let config = server.pki.directory.appendingPathComponent("config")
            try await CLILanguageTests.enterpriseWithPending(server, config: config)
            // Given: one pending application and an id that does not exist.
            let batch = ["report", "batch", "a0", "nope", "--yes", "--batch-key", "K"]
            let first = try await CLILanguageTests.jzs(server, batch, zh: true, config: config)
            #expect(first.status == 2, "\(first.text)")
            let lines = first.text.split(separator: "\n").map(String.init)
            #expect(lines.first == "批次标识 K（中断后用 --batch-key K 重新运行即可安全续传）")
            #expect(lines.dropFirst().first == "申请编号  申请人  状态")
            #expect(lines.contains("a0        张三    成功"))
            #expect(lines.contains { $0.hasPrefix("nope              失败：") }, "\(first.text)")
            #expect(lines.last == "上报成功 1 件，失败 1 件")
            // When: the finished key is run again.
            let again = try await CLILanguageTests.jzs(server, batch, zh: false, config: config)
            // Then: the stored result, nothing sent again, exit 0.
            #expect(again.status == 0, "\(again.text)")
            let rerun = again.text.split(separator: "\n").map(String.init)
            #expect(rerun.first?.hasPrefix("batch K finished at ") == true)
            #expect(rerun.contains("a0           张三       reported"))
            #expect(rerun.last == "reported 1, failed 1")
            #expect(try await Self.reports(server) == 1)
            // With the ids left out, the record decides.
            let bare = try await CLILanguageTests.jzs(server, ["--json", "report", "batch", "--batch-key", "K"], zh: true, config: config)
            #expect(bare.status == 0)
            let object = try #require(try JSONSerialization.jsonObject(with: bare.output) as? [String: Any])
            let items = try #require(object["items"] as? [[String: Any]])
            #expect(items.map { $0["outcome"] as? String } == ["reported", "failed"])
            #expect(items.first?["applicant"] as? String == "张三")
        }
    }

    @Test("ministry batch decide exits 2 when a decision failed, naming the file's line")
    func ministryBatchFailedItem() async throws {
        try await withTestServer { server in
            let config = server.pki.directory.appendingPathComponent("config")
            let file = server.pki.directory.appendingPathComponent("decisions.csv")
            try Data("application_id,decision,reason\n\nnope,approve,\n".utf8).write(to: file)
            let result = try await CLILanguageTests.jzs(server, ["ministry", "batch", "decide", "--file", file.path], zh: true, as: "ministry", config: config)
            #expect(result.status == 2, "\(result.text)")
            let lines = result.text.split(separator: "\n").map(String.init)
            #expect(lines.first == "已办理 0，跳过（此前已决定）0，失败 1")
            #expect(lines.dropFirst().first?.hasPrefix("  第 3 行 nope：") == true, "\(result.text)")
        }
    }
}
