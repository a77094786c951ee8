import CertificateRender
import Crypto
import Foundation
import Model
import Proto
import RPCClient
import Testing

/// `jzs cert show / verify / render` on a certificate the ministry really issued (issue #9,
/// deliverable 3): the facts in both languages, the printed PDF read back with poppler
/// (`pdftotext`, `pdftoppm`) and its QR code with zbar (`zbarimg`), and tampered files refused.
@Suite("Certificates people can read: show, verify, render")
struct CertificateRenderTests {
    /// An issued certificate downloaded to a private directory, with what the CLI needs to check it.
    struct Issued {
        let directory: URL
        let file: String
        let publicKey: String
        let environment: [String: String]
        let document: [String: Any]
        let identifier: String
        let registrationNumber: String
        let idNumber: String
        let employer: String
        let employerCode: String

        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

        /// Runs `jzs` with `arguments` in `language`; standard error apart unless `mergeErrors`.
        func jzs(_ arguments: [String], language: String = "en", mergeErrors: Bool = false) async throws -> ChildProcess.Result {
            try await ChildProcess.run(Binaries.directory.appendingPathComponent("jzs").path, arguments,
                                       environment: environment.merging(["JZS_LANG": language]) { $1 }, mergeErrors: mergeErrors)
        }

        /// A copy of the file whose signed document says `holder` instead of the real one.
        func tampered(holder: String) throws -> String {
            var wrapper = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: String])
            var forged = document
            forged["holder"] = holder
            wrapper["payload"] = try JSONSerialization.data(withJSONObject: forged, options: [.sortedKeys, .withoutEscapingSlashes]).base64EncodedString()
            let path = path("tampered.json")
            try JSONSerialization.data(withJSONObject: wrapper).write(to: URL(fileURLWithPath: path))
            return path
        }
    }

    /// Runs `body` with a server that issued a certificate (two specialties) to 李四.
    func withIssuedCertificate(_ body: (Issued) async throws -> Void) async throws {
        try #require(FileManager.default.isExecutableFile(atPath: Binaries.directory.appendingPathComponent("jzs").path),
                     "build the executables first (swift build --build-tests)")
        try await withTestServer { server in
            let route = RouteTests()
            let w = try await route.world(server)
            defer { Task { await w.close() } }
            // Given a registration approved and announced (the 公告 issues its certificate)
            let app = try await w.person.individual.submit(route.draft(.initial, ["建筑工程", "机电工程"], employer: w.codeA))
            _ = try await w.enterpriseA.enterprise.report(app.applicationID, acceptCommitment: true)
            _ = try await w.province37.provincial.accept(app.applicationID)
            let number = try await route.approve(w, app.applicationID).registrationNumber
            _ = try await w.ministry.ministry.announce(title: "公告")
            // When the holder downloads it
            let downloaded = try await w.person.individual.downloadCertificate()
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cert-render-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let file = directory.appendingPathComponent("cert.json")
            try Data(downloaded.file).write(to: file)
            let key = directory.appendingPathComponent("ministry.pub.pem")
            try Data(try await w.person.public.signingKey().utf8).write(to: key)
            let wrapper = try #require(try JSONSerialization.jsonObject(with: Data(downloaded.file)) as? [String: String])
            let payload = try #require(Data(base64Encoded: wrapper["payload"] ?? ""))
            let document = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
            var environment = ProcessInfo.processInfo.environment
            environment["XDG_CONFIG_HOME"] = directory.appendingPathComponent("config").path
            environment["JZS_SERVER"] = "127.0.0.1:\(server.port)"
            environment["JZS_CA"] = server.pki.caFile
            for name in ["LC_ALL", "LC_MESSAGES", "LANG"] { environment[name] = nil }
            try await body(Issued(directory: directory, file: file.path, publicKey: key.path, environment: environment, document: document,
                                  identifier: document["certificate_id"] as? String ?? "", registrationNumber: number, idNumber: document["id_number"] as? String ?? "",
                                  employer: document["employer"] as? String ?? "", employerCode: w.codeA))
        }
    }

    /// `2026-11-23` → `2026年11月23日`.
    func chineseDate(_ iso: String) -> String {
        let p = iso.split(separator: "-").compactMap { Int($0) }
        return p.count == 3 ? "\(p[0])年\(p[1])月\(p[2])日" : iso
    }

    /// Fills `{name}` placeholders of a golden text.
    func fill(_ golden: String, _ values: [String: String]) -> String {
        values.reduce(golden) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
    }

    @Test("cert show prints the certified facts and the verdict, in Chinese and in English (golden output)")
    func showGolden() async throws {
        try await withIssuedCertificate { issued in
            let d = issued.document
            let specialties = try #require(d["specialties"] as? [[String: String]])
            try #require(specialties.count == 2)
            let iso: [String: String] = [
                "issued": d["issued_on"] as? String ?? "", "until": d["use_until"] as? String ?? "",
                "from1": specialties[0]["valid_from"] ?? "", "to1": specialties[0]["valid_until"] ?? "",
                "from2": specialties[1]["valid_from"] ?? "", "to2": specialties[1]["valid_until"] ?? "",
                "first": specialties.compactMap { $0["valid_from"] }.min() ?? "", "last": specialties.compactMap { $0["valid_until"] }.max() ?? "",
            ]
            let common = ["number": issued.registrationNumber, "id": issued.idNumber, "employer": issued.employer,
                          "code": issued.employerCode, "identifier": issued.identifier,
                          "s1": specialties[0]["name"] ?? "", "s2": specialties[1]["name"] ?? ""]

            // Then, in Chinese
            let zh = try await issued.jzs(["cert", "show", issued.file, "--public-key", issued.publicKey], language: "zh")
            #expect(zh.status == 0, "\(zh.text)")
            let zhGolden = """
                持证人        李四
                身份证件号码  居民身份证 {id}
                注册编号      {number}
                注册专业      {s1}（{from1} 至 {to1}）
                              {s2}（{from2} 至 {to2}）
                聘用企业      {employer}（统一社会信用代码 {code}）
                发证机关      中华人民共和国住房和城乡建设部
                发证日期      {issued}
                有效期        {first} 至 {last}
                证书版本      第 1 版
                使用时限      至 {until}
                查验标识      {identifier}

                签名有效（SM2/SM3）：证书 {identifier} 第 1 版，使用时限至 {until}

                """
            #expect(zh.text == fill(zhGolden, common.merging(iso.mapValues(chineseDate)) { $1 }))

            // Then, in English
            let en = try await issued.jzs(["cert", "show", issued.file, "--public-key", issued.publicKey], language: "en")
            #expect(en.status == 0, "\(en.text)")
            let enGolden = """
                Holder                   李四
                ID number                居民身份证 {id}
                Registration number      {number}
                Specialties              {s1} ({from1} to {to1})
                                         {s2} ({from2} to {to2})
                Employer                 {employer} (credit code {code})
                Issuer                   中华人民共和国住房和城乡建设部
                Issue date               {issued}
                Validity                 {first} to {last}
                Version                  1
                Use limit                until {until}
                Verification identifier  {identifier}

                signature valid (SM2/SM3): certificate {identifier} version 1, usable until {until}

                """
            #expect(en.text == fill(enGolden, common.merging(iso) { $1 }))

            // --json keeps the signed document's machine keys and adds the verdict.
            let json = try await issued.jzs(["--json", "cert", "show", issued.file, "--public-key", issued.publicKey])
            let object = try #require(try JSONSerialization.jsonObject(with: json.output) as? [String: Any])
            #expect(object["valid"] as? Bool == true)
            #expect(object["holder"] as? String == "李四")
            #expect(object["registration_number"] as? String == issued.registrationNumber)
            #expect(object["employer"] as? String == issued.employer && object["issuer"] as? String == "中华人民共和国住房和城乡建设部")
            #expect(object["certificate_id"] as? String == issued.identifier && object["version"] as? Int == 1)
        }
    }

    @Test("cert verify prints the facts, asks the server for the key and, with --online, for the current status")
    func verifyOnline() async throws {
        try await withIssuedCertificate { issued in
            // When verified with the key from the server and the current status
            let zh = try await issued.jzs(["cert", "verify", issued.file, "--online"], language: "zh")
            #expect(zh.status == 0, "\(zh.text)")
            #expect(zh.text.contains("持证人        李四"))
            #expect(zh.text.contains("注册编号      \(issued.registrationNumber)"))
            #expect(zh.text.contains("签名有效（SM2/SM3）"))
            #expect(zh.text.contains("现行状态：有效（第 1 版）"))
            let en = try await issued.jzs(["--json", "cert", "verify", issued.file, "--online"])
            let object = try #require(try JSONSerialization.jsonObject(with: en.output) as? [String: Any])
            #expect(object["valid"] as? Bool == true && object["current_status"] as? String == "valid")
            // An identifier instead of a file asks for the public status, as before.
            let status = try await issued.jzs(["cert", "show", issued.identifier], language: "zh")
            #expect(status.status == 0, "\(status.text)")
            #expect(status.text.contains("状态") && status.text.contains("有效"))
        }
    }

    @Test("cert render writes a private A4 PDF: pdftotext finds the holder and 注册编号, the QR code decodes to the identifier")
    func renderPDF() async throws {
        try await withIssuedCertificate { issued in
            // When rendered
            let pdf = issued.path("cert.pdf")
            let start = ContinuousClock.now
            let result = try await issued.jzs(["cert", "render", issued.file, "--out", pdf, "--public-key", issued.publicKey], mergeErrors: true)
            let elapsed = ContinuousClock.now - start
            #expect(result.status == 0, "\(result.text)")
            let attributes = try FileManager.default.attributesOfItem(atPath: pdf)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
            print("cert render: \(size) bytes in \(elapsed) (the jzs process, start to exit)")
            let bytes = try Data(contentsOf: URL(fileURLWithPath: pdf))
            #expect(bytes.starts(with: Data("%PDF-".utf8)))

            // Then the text layer holds the facts (the CJK font is embedded with its Unicode map)
            let text = try await ChildProcess.run("/usr/bin/pdftotext", ["-layout", pdf, "-"], mergeErrors: false)
            #expect(text.status == 0)
            #expect(text.text.contains("李四"), "\(text.text)")
            #expect(text.text.contains(issued.registrationNumber))
            #expect(text.text.contains("中华人民共和国一级建造师注册证书"))
            #expect(text.text.contains(issued.employer))
            #expect(text.text.contains(issued.idNumber))
            let fonts = try await ChildProcess.run("/usr/bin/pdffonts", [pdf], mergeErrors: false)
            #expect(fonts.text.split(separator: "\n").dropFirst(2).allSatisfy { $0.contains(" yes ") }, "every font embedded:\n\(fonts.text)")
            let info = try await ChildProcess.run("/usr/bin/pdfinfo", [pdf], mergeErrors: false)
            let pdfInfo = Dictionary(info.text.split(separator: "\n").compactMap { line -> (String, String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }) { first, _ in first }
            #expect(pdfInfo["Pages"] == "1")
            #expect(pdfInfo["Page size"] == "595.276 x 841.89 pts (A4)", "\(info.text)")

            // And the page's QR code, rasterised by poppler, decodes to the verification identifier
            let png = issued.path("page")
            let raster = try await ChildProcess.run("/usr/bin/pdftoppm", ["-png", "-r", "150", "-singlefile", pdf, png])
            #expect(raster.status == 0, "\(raster.text)")
            let scan = try await ChildProcess.run("/usr/bin/zbarimg", ["--raw", "-q", png + ".png"], mergeErrors: false)
            #expect(scan.status == 0)
            #expect(scan.text.trimmingCharacters(in: .whitespacesAndNewlines) == issued.identifier)
        }
    }

    @Test("A tampered file is refused by show, verify and render, and no PDF is written")
    func tamperedRefused() async throws {
        try await withIssuedCertificate { issued in
            // Given the holder's name changed inside the signed document
            let forged = try issued.tampered(holder: "王五")
            // Then verify and show say so, without showing the forged facts, and exit 3
            for command in ["verify", "show"] {
                let zh = try await issued.jzs(["cert", command, forged, "--public-key", issued.publicKey], language: "zh")
                #expect(zh.status == 3)
                #expect(zh.text == "无效：签名无效：文件已被改动，或并非由此公钥签名\n", "\(zh.text)")
                #expect(!zh.text.contains("王五"))
            }
            let en = try await issued.jzs(["cert", "verify", forged, "--public-key", issued.publicKey], language: "en")
            #expect(en.text.hasPrefix("NOT VALID: the signature does not match"))
            // And render refuses, whether the key is given or fetched from the server
            for keyArguments in [["--public-key", issued.publicKey], []] {
                let pdf = issued.path("forged.pdf")
                let render = try await issued.jzs(["cert", "render", forged, "--out", pdf] + keyArguments, language: "zh", mergeErrors: true)
                #expect(render.status == 3)
                #expect(render.text == "jzs: 未生成证书：签名无效：文件已被改动，或并非由此公钥签名\n", "\(render.text)")
                #expect(!FileManager.default.fileExists(atPath: pdf))
            }
            // A file that is no certificate at all is refused the same way.
            let junk = issued.path("junk.json")
            try Data("{\"hello\": 1}".utf8).write(to: URL(fileURLWithPath: junk))
            let render = try await issued.jzs(["cert", "render", junk, "--out", issued.path("junk.pdf"), "--public-key", issued.publicKey], mergeErrors: true)
            #expect(render.status == 3)
            #expect(render.text.contains("not a jzs electronic certificate file"))
            #expect(!FileManager.default.fileExists(atPath: issued.path("junk.pdf")))
        }
    }

    @Test("A file past its use limit shows its facts with the verdict, offline, and is not drawn")
    func expiredUseLimit() async throws {
        // Given a file signed by a key of our own whose use limit has passed
        let key = try PrivateKey.generateSM2()
        let document: [String: Any] = [
            "certificate_id": Certificates.identifier(registrationNumber: "鲁137212000001", version: 2), "version": 2,
            "title": "中华人民共和国一级建造师注册证书", "holder": "张三", "id_type": "居民身份证", "id_number": "110105199003070017",
            "registration_number": "鲁137212000001", "employer": "济南示范建设有限公司", "employer_credit_code": "91370100MA3C5YQ21B",
            "specialties": [["name": "建筑工程", "valid_from": "2017-01-01", "valid_until": "2020-12-31"]],
            "issuer": "中华人民共和国住房和城乡建设部", "issuer_code": "11100000000013338W",
            "issued_on": "2017-01-01", "downloaded_on": "2019-08-01", "use_until": "2020-01-01",
        ]
        let payload = Array(try JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes]))
        let file = SignedCertificate(payload: payload, signature: try Signature.sign(payload, with: key), useUntil: "2020-01-01").fileContents
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cert-expired-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("cert.json").path
        let keyPath = directory.appendingPathComponent("key.pem").path
        try Data(file).write(to: URL(fileURLWithPath: path))
        try Data(try key.publicKeyPEM().utf8).write(to: URL(fileURLWithPath: keyPath))
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CONFIG_HOME"] = directory.path
        environment["JZS_SERVER"] = "127.0.0.1:1"   // never asked: the key is given
        let jzs = Binaries.directory.appendingPathComponent("jzs").path

        // Then show prints the facts (the signature holds) and says the copy may not be used
        let show = try await ChildProcess.run(jzs, ["cert", "show", path, "--public-key", keyPath],
                                              environment: environment.merging(["JZS_LANG": "zh"]) { $1 })
        #expect(show.status == 3)
        #expect(show.text.contains("持证人        张三\n"), "\(show.text)")
        #expect(show.text.contains("注册专业      建筑工程（2017年1月1日 至 2020年12月31日）\n"))
        #expect(show.text.hasSuffix("\n无效：使用时限已于 2020年1月1日 届满，请重新下载证书\n"))
        // And render draws nothing
        let out = directory.appendingPathComponent("cert.pdf").path
        let render = try await ChildProcess.run(jzs, ["--json", "cert", "render", path, "--out", out, "--public-key", keyPath],
                                                environment: environment.merging(["JZS_LANG": "en"]) { $1 })
        #expect(render.status == 3)
        let error = try #require(try JSONSerialization.jsonObject(with: render.output) as? [String: [String: Any]])
        #expect(error["error"]?["code"] as? String == "NOT_VALID")
        #expect(error["error"]?["message"] as? String == "the certificate was not drawn: the use limit ended on 2020-01-01; download the certificate again")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test("The renderer draws the QR code of libqrencode as rectangles: a PNG of the page scans to the identifier")
    func pngScans() async throws {
        let identifier = Certificates.identifier(registrationNumber: "鲁1372026000001", version: 3)
        let qr = try QRCode(identifier)
        #expect(qr.size == 17 + 4 * qr.version && qr.modules.count == qr.size * qr.size)
        let sheet = CertificateSheet(
            title: .init("中华人民共和国一级建造师注册证书", "Registration Certificate"), facts: [.init(.init("持证人", "Holder"), "张三")],
            specialtiesHeading: .init("注册专业", "Specialties"), specialtyColumns: [.init("专业", "Specialty")], specialties: [["建筑工程"]],
            verificationIdentifier: identifier, verificationLabel: .init("查验标识", "Verification identifier"),
            signatureLabel: .init("持证人签名", "Holder's signature"), notes: ["注"], documentTitle: "test")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cert-png-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let png = directory.appendingPathComponent("page.png")
        try Data(try CertificateRenderer.png(sheet, dotsPerInch: 100)).write(to: png)
        let scan = try await ChildProcess.run("/usr/bin/zbarimg", ["--raw", "-q", png.path], mergeErrors: false)
        #expect(scan.text.trimmingCharacters(in: .whitespacesAndNewlines) == identifier)
        #expect(CertificateRenderer.fontFamily() != nil)
    }
}
