import Foundation
import Testing

/// Runs scripts/demo with the built `jzs` and `jzsd`: the CLI against a real server, from
/// enterprise sign-up (identity lock and on site) through a batch report with an idempotency key.
@Suite("CLI end to end")
struct CLIEndToEndTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test("scripts/demo walks sign-up, applications, a batch report, review, ministry decisions, 公告 and a verified certificate")
    func demo() async throws {
        let binaries = Binaries.directory
        try #require(FileManager.default.isExecutableFile(atPath: binaries.appendingPathComponent("jzs").path), "build the executables first (swift build --build-tests)")
        var environment = ProcessInfo.processInfo.environment
        environment["DEMO_PORT"] = String(Int.random(in: 20000...40000))
        let result = try await ChildProcess.run("/bin/bash", [Self.repository.appendingPathComponent("scripts/demo").path, binaries.path], environment: environment)
        let output = result.text
        #expect(result.status == 0, "demo failed:\n\(output.suffix(3000))")
        for expected in [
            "status         authenticated",                       // identity-lock sign-up
            "logged in as qingdao-admin (administrator)",          // on-site sign-up after the province
            "jzs: not found",                                      // province 11 cannot see Shandong's enterprise (NOT_FOUND, said for people)
            "registration ends at the age of 65",                  // the rule, from the CLI
            "reported 1, failed 0",                                // batch report (twice, same key)
            "return reason  劳动合同结束日期有误",
            "sent to the provincial authority for confirmation",
            "last change request rejected: 名称与营业执照不一致",
            "awaiting the ministry's decision",                    // province accepted (待部级审批; the demo runs with JZS_LANG=en)
            "done 1, skipped (already decided) 0, failed 0",       // ministry batch decide (and its rerun)
            "published with 1 items",                              // 公告
            "current status: valid (version 1)",                   // certificate verified online
            "Signature Verified Successfully",                     // stock openssl on the same signature
            "Signature Verification Failure",                      // one changed byte
            "NOT VALID: the certificate is void",                  // after re-issue
            "json verdict: valid False - the certificate is void",  // --json prints one object, nothing else
            "audit log intact",
            "organization  济南示范建设有限公司",                       // whoami names the enterprise (sub-users edited by account)
            "钱九九",
            "山东省住房和城乡建设厅 · 审核员 李",                      // history names the province's operator
        ] {
            #expect(output.contains(expected), "missing \(expected)")
        }
        #expect(output.components(separatedBy: "reported 1, failed 0").count == 3)   // the rerun applied nothing new
    }
}
