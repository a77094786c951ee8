import Foundation
import Model
import Testing
@testable import jzs

/// The CLI speaks Chinese first (issue #9): the language is chosen by --lang, JZS_LANG, the config
/// file, then the locale; every phrase of the catalogue exists in both languages; failures and
/// outputs read the same in each language, golden line for line.
@Suite("CLI languages")
struct CLILanguageTests {
    // MARK: Language resolution

    @Test("--lang beats JZS_LANG, which beats the config file, which beats the locale; zh_* is Chinese, C and en_* English, nothing is Chinese",
          arguments: [
              (["jzs", "--lang", "en", "health"], ["JZS_LANG": "zh", "LANG": "zh_CN.UTF-8"], "zh", Language.en),
              (["jzs", "health", "--lang=zh"], ["JZS_LANG": "en"], nil, .zh),
              (["jzs", "health"], ["JZS_LANG": "en", "LANG": "zh_CN.UTF-8"], "zh", .en),
              (["jzs", "health"], ["LANG": "en_US.UTF-8"], "zh", .zh),
              (["jzs", "health"], ["LANG": "zh_CN.UTF-8"], nil, .zh),
              (["jzs", "health"], ["LC_ALL": "C", "LANG": "zh_CN.UTF-8"], nil, .en),
              (["jzs", "health"], ["LC_MESSAGES": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"], nil, .en),
              (["jzs", "health"], ["LANG": "C.UTF-8"], nil, .en),
              (["jzs", "health"], ["LANG": "POSIX"], nil, .en),
              (["jzs", "health"], [:], nil, .zh),
              (["jzs", "health"], ["LANG": "fr_FR.UTF-8"], nil, .zh),
              (["jzs", "health", "--", "--lang", "en"], [:], nil, .zh),
              (["jzs", "health"], ["JZS_LANG": "klingon", "LANG": "en_US.UTF-8"], nil, .en),
          ] as [([String], [String: String], String?, Language)])
    func resolution(arguments: [String], environment: [String: String], config: String?, expected: Language) {
        #expect(UILanguage.resolve(arguments: arguments, environment: environment, config: config) == expected)
    }

    // MARK: The catalogue

    /// Every `Phrase("…", "…")` literal of Sources/jzs/Texts, read from the sources (static
    /// members cannot be enumerated at run time): (file, zh, en).
    static func phrases() throws -> (found: [(String, String, String)], literals: Int) {
        let folder = Binaries.repository.appendingPathComponent("Sources/jzs/Texts")
        let pattern = try Regex(#"Phrase\(\s*(?:"""\n(.*?)"""|"((?:[^"\\\n]|\\.)*)")\s*,\s*(?:"""\n(.*?)"""|"((?:[^"\\\n]|\\.)*)")\s*\)"#)
            .dotMatchesNewlines()
        var found: [(String, String, String)] = []
        var literals = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where name.hasSuffix(".swift") {
            let source = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            literals += source.components(separatedBy: "Phrase(\"").count - 1
            for match in source.matches(of: pattern) {
                let zh = match.output[1].substring ?? match.output[2].substring ?? ""
                let en = match.output[3].substring ?? match.output[4].substring ?? ""
                found.append((name, String(zh), String(en)))
            }
        }
        return (found, literals)
    }

    @Test("Every phrase of the catalogue has Chinese with CJK characters and English, with the same placeholders")
    func catalogueComplete() throws {
        let (found, literals) = try Self.phrases()
        #expect(found.count > 300, "only \(found.count) phrases read")
        #expect(found.count == literals, "\(literals - found.count) Phrase literals not read by the test's pattern")
        func placeholders(_ text: String) -> Set<String> { Set(text.matches(of: /\{\d\}/).map { String($0.output) }) }
        for (file, zh, en) in found {
            #expect(!zh.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(file): empty zh for \(en)")
            #expect(!en.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "\(file): empty en for \(zh)")
            // Chinese characters, or (a template of values only, "{1}（{2}）") Chinese full-width punctuation.
            #expect(zh.unicodeScalars.contains { (0x4E00...0x9FFF).contains($0.value) || (0x3000...0x303F).contains($0.value) || (0xFF01...0xFF60).contains($0.value) },
                    "\(file): no Chinese in zh \(zh)")
            #expect(placeholders(zh) == placeholders(en), "\(file): placeholders differ: \(zh) / \(en)")
        }
        // The status names the issue quotes, and the catalogue's own lookup of them.
        #expect(StatusTexts.awaitingProvince[.zh] == "待省级审查")
        #expect(StatusTexts.actions.values.allSatisfy { !$0.zh.isEmpty && !$0.en.isEmpty })
        #expect(StatusTexts.specialties.count == Specialty.allCases.count)
    }

    @Test("A violation is named by the command's flag and the form's label, a batch item by its file line")
    func violationNames() {
        let naming = FieldNaming(flags: ["credit_code": "--credit-code"])
        // UILanguage.current is this test process's language: check against the same one.
        let language = UILanguage.current
        let credit = naming.name(of: "info.credit_code")
        #expect(credit == (language == .zh ? "--credit-code（统一社会信用代码）" : "--credit-code (unified social credit code)"))
        #expect(naming.name(of: "legal_representative") == FieldLabels.name(of: "legal_representative", language))
        let lines = FieldNaming { [4, 7, 9][$0] }
        #expect(lines.name(of: "decisions[2].reason") == (language == .zh ? "第 9 行 理由" : "line 9, reason"))
        #expect(FieldNaming.split("items[3].id_number") == ("id_number", [3]))
    }

    // MARK: The built CLI in both languages

    static let chinese = ["JZS_LANG": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "zh_CN.UTF-8"]

    static func jzs(_ server: TestServer?, _ arguments: [String], zh: Bool, as client: String? = nil, input: Data? = Data(),
                    config: URL) async throws -> ChildProcess.Result {
        var globals: [String] = []
        if let server { globals += ["--server", "127.0.0.1:\(server.port)", "--ca", server.pki.caFile] }
        if let client, let identity = server?.pki.clients[client] { globals += ["--cert", identity.cert, "--key", identity.key, "--operator", "李审查"] }
        // Chinese through the locale, as the acceptance walk sets it; English through --lang.
        return try await CLIFailureTests.jzs(globals + (zh ? [] : ["--lang", "en"]) + arguments, config: config,
                                             environment: zh ? chinese : [:], input: input)
    }

    @Test("Server unreachable: one sentence in each language, exit 24")
    func unreachable() async throws {
        let pki = try TestPKI()
        let config = pki.directory.appendingPathComponent("config")
        let port = try await CLIFailureTests.closedPort()
        let arguments = ["--server", "127.0.0.1:\(port)", "--ca", pki.caFile, "health"]
        let zh = try await CLIFailureTests.jzs(arguments, config: config, environment: Self.chinese)
        #expect(zh.text == "jzs: 无法连接服务器 127.0.0.1:\(port)：连接被拒绝\n")
        #expect(zh.status == 24)
        let en = try await CLIFailureTests.jzs(["--lang", "en"] + arguments, config: config)
        #expect(en.text == "jzs: cannot connect to 127.0.0.1:\(port): connection refused\n")
        #expect(en.status == 24)
    }

    @Test("A missing file: one sentence in each language naming the file and what it is for, exit 66")
    func missingFile() async throws {
        let pki = try TestPKI()
        let config = pki.directory.appendingPathComponent("config")
        let arguments = ["--ca", "/nonexistent/ca.pem", "health"]
        let zh = try await CLIFailureTests.jzs(arguments, config: config, environment: Self.chinese)
        #expect(zh.text == "jzs: 无法读取 CA 证书文件（--ca）/nonexistent/ca.pem：文件或目录不存在\n")
        #expect(zh.status == 66)
        let en = try await CLIFailureTests.jzs(arguments + ["--lang", "en"], config: config)
        #expect(en.text == "jzs: cannot read the CA file (--ca) /nonexistent/ca.pem: no such file or directory\n")
        #expect(en.status == 66)
        // --json keeps the machine name of the failure, the sentence in the chosen language.
        let json = try await CLIFailureTests.jzs(["--json"] + arguments, config: config, environment: Self.chinese)
        let object = try #require(try JSONSerialization.jsonObject(with: json.output) as? [String: Any])
        let error = try #require(object["error"] as? [String: Any])
        #expect(error["code"] as? String == "INPUT_FILE")
        #expect((error["message"] as? String)?.contains("文件或目录不存在") == true)
    }

    @Test("jzs --help documents --lang, --yes and the exit statuses in each language")
    func help() async throws {
        let pki = try TestPKI()
        let config = pki.directory.appendingPathComponent("config")
        let zh = try await CLIFailureTests.jzs(["--help"], config: config, environment: Self.chinese).text
        #expect(zh.contains("--lang zh|en") && zh.contains("JZS_LANG") && zh.contains("--yes") && zh.contains("退出状态"))
        #expect(zh.contains("批量上报") && zh.contains("北京时间"))
        let en = try await CLIFailureTests.jzs(["--lang", "en", "--help"], config: config).text
        #expect(en.contains("--lang zh|en") && en.contains("Exit status: 0 OK; 2 a batch ran"))
        let option = try await CLIFailureTests.jzs(["report", "submit", "--help"], config: config, environment: Self.chinese).text
        #expect(option.contains("--lang") && option.contains("--yes") && option.contains("承诺条款"))
        #expect(!option.contains("--accept-commitment"))
        let password = try await CLIFailureTests.jzs(["password", "change", "--help"], config: config, environment: Self.chinese).text
        #expect(password.contains("--old-password") && password.contains("--new-password"))
        #expect(!password.contains("--old <") && !password.contains("--new <"))
    }

    @Test("Golden sign-up (on site, resumed with the SMS code) in Chinese and in English")
    func signupGolden() async throws {
        for zh in [true, false] {
            try await withTestServer { server in
                let config = server.pki.directory.appendingPathComponent("config")
                let licence = server.pki.directory.appendingPathComponent("licence.png")
                try Data(SignupEndToEndTests.png).write(to: licence)
                let code = SignupEndToEndTests.code
                // Given: steps 1–3 done and the SMS code sent (no terminal: the command stops there).
                let first = try await Self.jzs(server, ["enterprise", "signup", "--credit-code", code, "--name", "山东示范建设有限公司",
                                                        "--legal-representative", "王五", "--registered-address", "济南市",
                                                        "--licence", licence.path, "--admin-name", "赵六", "--admin-account", "admin37",
                                                        "--admin-password", "Admin-Pass1", "--email", "a@b.cn", "--phone", "13700137000"],
                                               zh: zh, config: config)
                #expect(first.status == 0, "\(first.text)")
                let lines = first.text.split(separator: "\n").map(String.init)
                #expect(lines.count == 4, "\(first.text)")
                #expect(lines.first?.hasPrefix(zh ? "第一步完成：企业编号 " : "step 1 done: enterprise ") == true)
                #expect(Array(lines.dropFirst()) == (zh ? ["第二步：营业执照已保存（image/png）",
                                                           "第三步：管理员 admin37 已设置（认证通过后启用）",
                                                           "第四步：短信验证码已发送到 13700137000；请加 --sms-code 验证码 再运行一次"]
                                                        : ["step 2: business licence stored (image/png)",
                                                           "step 3: administrator admin37 set (enabled after authentication)",
                                                           "step 4: SMS code sent to 13700137000; rerun with --sms-code CODE to continue"]))
                // When: resumed with the code and on-site authentication.
                let sms = try await server.lastSMSCode("13700137000")
                let second = try await Self.jzs(server, ["enterprise", "signup", "--email", "a@b.cn", "--phone", "13700137000",
                                                         "--sms-code", sms, "--auth", "on-site"], zh: zh, config: config)
                // Then: the golden text.
                #expect(second.status == 0)
                let expected = zh ? """
                    继续 山东示范建设有限公司（\(code)）的注册
                    第四步：邮箱和手机已绑定
                    企业    山东示范建设有限公司（\(code)）
                    管理员  admin37
                    状态    待山东省住房和城乡建设厅现场认证；请携带营业执照、资质证书，代办的携带法人授权书及经办人身份证

                    """ : """
                    resuming the sign-up of 山东示范建设有限公司 (\(code))
                    step 4: e-mail and phone bound
                    enterprise     山东示范建设有限公司 (\(code))
                    administrator  admin37
                    status         waiting for on-site authentication at 山东省住房和城乡建设厅; bring 营业执照, 资质证书, 法人授权书 and the agent's ID

                    """
                #expect(second.text == expected)
            }
        }
    }

    /// An authenticated enterprise (admin37, logged in for `config`) with one application `a0`
    /// of 张三 waiting for it.
    static func enterpriseWithPending(_ server: TestServer, config: URL) async throws {
        _ = try await IsolationTests().sessions(server)
        let enterprise = try #require(try await server.rows("SELECT id, province_code FROM enterprises WHERE credit_code = ?",
                                                            [SignupEndToEndTests.code]).first)
        let person = try #require(try await server.strings("SELECT id FROM individuals WHERE id_number = '11010519491231002X'").first)
        try await server.execute("""
            INSERT INTO applications (id, individual_id, enterprise_id, province_code, type, specialties, qualification_certificate_no,
                qualification_date, contract_start, contract_end, status, created_at, updated_at)
            VALUES ('a0', ?, ?, ?, '01', '建筑工程', 'Q', '2021-01-01', '2025-01-01', '2029-01-01', 'awaiting_enterprise', 0, 0)
            """, [person, try #require(enterprise["id"]), try #require(enterprise["province_code"])])
        let login = try await CLIFailureTests.jzs(["--server", "127.0.0.1:\(server.port)", "--ca", server.pki.caFile,
                                                   "login", "--account", "admin37", "--password-stdin"], config: config, input: Data("Admin-Pass1\n".utf8))
        #expect(login.status == 0, "\(login.text)")
    }

    @Test("Golden report (--yes) and provincial review listing in Chinese and in English")
    func reportAndReviewGolden() async throws {
        for zh in [true, false] {
            try await withTestServer { server in
                let config = server.pki.directory.appendingPathComponent("config")
                try await Self.enterpriseWithPending(server, config: config)
                // 上报 with --yes: one line.
                let report = try await Self.jzs(server, ["report", "submit", "a0", "--yes"], zh: zh, config: config)
                #expect(report.status == 0)
                #expect(report.text == (zh ? "a0 已上报：待省级审查\n" : "a0 reported: awaiting provincial review\n"))
                // The province's listing: the ID column as the server shows it to a reviewer.
                let json = try await Self.jzs(server, ["--json", "province", "applications"], zh: zh, as: "province-37", config: config)
                let page = try #require(try JSONSerialization.jsonObject(with: json.output) as? [String: Any])
                let id = try #require(((page["applications"] as? [[String: Any]])?.first?["id_number"]) as? String)
                #expect(id.count == 18)
                let list = try await Self.jzs(server, ["province", "applications"], zh: zh, as: "province-37", config: config)
                #expect(list.status == 0)
                let expected = zh ? """
                    申请编号  申请人  身份证号码          注册类别  注册专业  状态
                    a0        张三    \(id)  初始注册  建筑工程  待省级审查
                    共 1 件，本页 1 件

                    """ : """
                    application  applicant  ID number           type                  specialties            status
                    a0           张三       \(id)  initial registration  building construction  awaiting provincial review
                    1 of 1

                    """
                #expect(list.text == expected)
            }
        }
    }
}
