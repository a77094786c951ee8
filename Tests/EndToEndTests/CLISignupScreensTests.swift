import Crypto
import Foundation
import Model
import Proto
import RPCClient
import Testing

/// Issue #9, deliverables 5 and 6 through the built CLI, in Chinese (by the locale) and English:
/// a resumed sign-up applies and names its corrections, refuses them once submitted, a returned
/// sign-up shows the province's reason (status and login), the province downloads the licence,
/// and an enterprise files a change request with its new licence.
@Suite("CLI: the sign-up screens completed")
struct CLISignupScreensTests {
    static func jzs(_ server: TestServer, _ arguments: [String], zh: Bool, as client: String? = nil, input: Data? = Data(),
                    config: URL) async throws -> ChildProcess.Result {
        try await CLILanguageTests.jzs(server, arguments, zh: zh, as: client, input: input, config: config)
    }

    static let png2: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 5, count: 90)

    @Test("A resumed sign-up applies and names every correction; once submitted it names what cannot apply; a returned one shows the reason",
          arguments: [true, false])
    func corrections(zh: Bool) async throws {
        try await withTestServer { server in
            let config = server.pki.directory.appendingPathComponent("config")
            let licence = server.pki.directory.appendingPathComponent("licence.png")
            let licence2 = server.pki.directory.appendingPathComponent("licence2.png")
            try Data(SignupEndToEndTests.png).write(to: licence)
            try Data(Self.png2).write(to: licence2)
            let code = SignupEndToEndTests.code
            // Given: steps 1-3 done and the SMS code sent.
            let first = try await Self.jzs(server, ["enterprise", "signup", "--credit-code", code, "--name", "山东示范建设有限公司",
                                                    "--legal-representative", "王五", "--registered-address", "济南市",
                                                    "--licence", licence.path, "--admin-name", "赵六", "--admin-account", "admin37",
                                                    "--admin-password", "Admin-Pass1", "--email", "a@b.cn", "--phone", "13700137000"],
                                           zh: zh, config: config)
            #expect(first.status == 0, "\(first.text)")
            // When: resumed with a new name, enterprise type, licence file and administrator (and the SMS code).
            let sms = try await server.lastSMSCode("13700137000")
            let second = try await Self.jzs(server, ["enterprise", "signup", "--name", "山东示范建设集团有限公司", "--enterprise-type", "有限责任公司",
                                                     "--legal-representative", "王五", "--licence", licence2.path,
                                                     "--admin-account", "admin38", "--admin-password", "Admin-Pass2",
                                                     "--email", "a@b.cn", "--phone", "13700137000", "--sms-code", sms, "--auth", "on-site"],
                                            zh: zh, config: config)
            // Then: each change is applied and named (the unchanged legal representative is not).
            #expect(second.status == 0, "\(second.text)")
            let expected = zh ? """
                继续 山东示范建设有限公司（\(code)）的注册
                第一步：已更正 企业名称、企业类型
                第二步：营业执照已更换为新文件（image/png）
                第三步：管理员账号已由 admin37 改为 admin38（认证通过后启用）
                第四步：邮箱和手机已绑定
                企业      山东示范建设集团有限公司（\(code)）
                企业类型  有限责任公司
                管理员    admin38
                状态      待山东省住房和城乡建设厅现场认证；请携带营业执照、资质证书，代办的携带法人授权书及经办人身份证

                """ : """
                resuming the sign-up of 山东示范建设有限公司 (\(code))
                step 1: corrected enterprise name, enterprise type
                step 2: business licence replaced by the new file (image/png)
                step 3: administrator account changed from admin37 to admin38 (enabled after authentication)
                step 4: e-mail and phone bound
                enterprise       山东示范建设集团有限公司 (\(code))
                enterprise type  有限责任公司
                administrator    admin38
                status           waiting for on-site authentication at 山东省住房和城乡建设厅; bring 营业执照, 资质证书, 法人授权书 and the agent's ID

                """
            #expect(second.text == expected)
            let stored = try await server.rows("""
                SELECT e.id, e.name, e.enterprise_type, a.sha256, u.account FROM enterprises e JOIN attachments a ON a.enterprise_id = e.id
                JOIN enterprise_users u ON u.enterprise_id = e.id AND u.is_admin = 1 WHERE e.credit_code = ?
                """, [code])
            let row = try #require(stored.first)
            #expect(row["name"] == "山东示范建设集团有限公司")
            #expect(row["enterprise_type"] == "有限责任公司")
            #expect(row["sha256"] == Digest.sha256(Self.png2).map { String(format: "%02x", $0) }.joined())
            #expect(row["account"] == "admin38")
            let enterpriseID = try #require(row["id"])

            // When: corrected again after submitting: refused, naming the fields and the step to redo.
            let third = try await Self.jzs(server, ["enterprise", "signup", "--name", "又一个名称", "--licence", licence.path],
                                           zh: zh, config: config)
            #expect(third.status == 19, "\(third.text)")
            #expect(third.text.contains(zh ? "以下更正不能再生效：企业名称、营业执照。如填写有误，请联系工商注册地省级主管部门退回此注册"
                                           : "these corrections can no longer apply: enterprise name, business licence. If it is wrong, ask the provincial authority to return it"),
                    "\(third.text)")
            // Rerunning the same command line changes nothing and says where it stands.
            let same = try await Self.jzs(server, ["enterprise", "signup", "--name", "山东示范建设集团有限公司", "--licence", licence2.path,
                                                   "--admin-account", "admin38", "--admin-password", "Admin-Pass2"], zh: zh, config: config)
            #expect(same.status == 0, "\(same.text)")

            // The province downloads the licence to compare it (0600), and returns the sign-up.
            let out = server.pki.directory.appendingPathComponent("got-licence.png")
            let download = try await Self.jzs(server, ["province", "signups", "attachment", enterpriseID, "--kind", "licence", "--out", out.path],
                                              zh: zh, as: "province-37", config: config)
            #expect(download.status == 0, "\(download.text)")
            #expect(download.text.hasPrefix(zh ? "营业执照 已保存到 \(out.path)（image/png，98 字节" : "business licence saved to \(out.path) (image/png, 98 bytes"), "\(download.text)")
            #expect(try Data(contentsOf: out) == Data(Self.png2))
            let mode = try FileManager.default.attributesOfItem(atPath: out.path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            let show = try await Self.jzs(server, ["province", "signups", "show", enterpriseID], zh: zh, as: "province-37", config: config)
            #expect(show.text.contains(zh ? "企业类型" : "enterprise type") && show.text.contains("有限责任公司"), "\(show.text)")
            try await withClient(server.clientConfiguration(as: "province-37", operator: "李审核")) { client in
                try await client.provincial.returnSignup(enterpriseID: enterpriseID, reason: "营业执照与名称不符")
            }

            // A returned sign-up: status and login say why, with the account as typed.
            let status = try await Self.jzs(server, ["enterprise", "signup", "status"], zh: zh, config: config)
            #expect(status.status == 0, "\(status.text)")
            #expect(status.text.contains(zh ? "已被省级主管部门退回：营业执照与名称不符——请用 --restart 重新注册"
                                            : "returned by the provincial authority: 营业执照与名称不符 — sign up again with --restart"), "\(status.text)")
            #expect(status.text.contains("admin38") && !status.text.contains("#returned"), "\(status.text)")
            let login = try await Self.jzs(server, ["login", "--account", "admin38", "--password-stdin"], zh: zh,
                                           input: Data("Admin-Pass2\n".utf8), config: config)
            #expect(login.status == 19, "\(login.text)")
            #expect(login.text.contains(zh ? "省级主管部门退回了此企业注册，理由：营业执照与名称不符" : "the provincial authority returned this sign-up: 营业执照与名称不符"),
                    "\(login.text)")
            let resumedReturned = try await Self.jzs(server, ["enterprise", "signup", "--name", "新名称"], zh: zh, config: config)
            #expect(resumedReturned.status == 19)
            #expect(resumedReturned.text.contains(zh ? "此注册已被省级主管部门退回，以下更正没有保存：企业名称" : "the sign-up was returned by the provincial authority, so these corrections were not stored: enterprise name"),
                    "\(resumedReturned.text)")
        }
    }

    @Test("An enterprise files a name change with its new licence; the province lists and downloads it; approval replaces the licence",
          arguments: [true, false])
    func changeWithLicence(zh: Bool) async throws {
        try await withTestServer { server in
            let config = server.pki.directory.appendingPathComponent("config")
            try await CLILanguageTests.enterpriseWithPending(server, config: config)
            let pdf = server.pki.directory.appendingPathComponent("licence.pdf")
            try Data("%PDF-1.4\n新营业执照\n".utf8).write(to: pdf)
            // When: the name change goes with the new licence
            let update = try await Self.jzs(server, ["info", "update", "--set", "name=山东示范建设集团有限公司", "--licence", pdf.path], zh: zh, config: config)
            #expect(update.status == 0, "\(update.text)")
            #expect(update.text.contains(zh ? "企业名称、营业执照" : "enterprise name, business licence") || update.text.contains(zh ? "名称、营业执照" : "name, business licence"),
                    "\(update.text)")
            // Then: the province lists the document, downloads it, approves
            let list = try await Self.jzs(server, ["province", "changes"], zh: zh, as: "province-37", config: config)
            #expect(list.text.contains(zh ? "所附材料：营业执照（application/pdf" : "documents: business licence (application/pdf"), "\(list.text)")
            let json = try await Self.jzs(server, ["--json", "province", "changes"], zh: zh, as: "province-37", config: config)
            let changes = try #require(try JSONSerialization.jsonObject(with: json.output) as? [[String: Any]])
            let id = try #require(changes.first?["change_id"] as? String)
            let out = server.pki.directory.appendingPathComponent("change-licence.pdf")
            let download = try await Self.jzs(server, ["province", "changes", "attachment", id, "--kind", "licence", "--out", out.path],
                                              zh: zh, as: "province-37", config: config)
            #expect(download.status == 0, "\(download.text)")
            #expect(try Data(contentsOf: out) == Data("%PDF-1.4\n新营业执照\n".utf8))
            let decide = try await Self.jzs(server, ["province", "decide-change", id, "--approve"], zh: zh, as: "province-37", config: config)
            #expect(decide.status == 0, "\(decide.text)")
            let mine = server.pki.directory.appendingPathComponent("mine.pdf")
            let got = try await Self.jzs(server, ["info", "attachment", "licence", "--out", mine.path], zh: zh, config: config)
            #expect(got.status == 0, "\(got.text)")
            #expect(try Data(contentsOf: mine) == Data("%PDF-1.4\n新营业执照\n".utf8))
            // A text file is refused by content, named by its flag.
            let txt = server.pki.directory.appendingPathComponent("notes.txt")
            try Data("hello".utf8).write(to: txt)
            let bad = try await Self.jzs(server, ["info", "update", "--set", "legal_representative=孙十", "--licence", txt.path], zh: zh, config: config)
            #expect(bad.status == 13, "\(bad.text)")
            #expect(bad.text.contains("--licence"), "\(bad.text)")
        }
    }
}
