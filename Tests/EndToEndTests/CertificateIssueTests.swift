import Crypto
import Foundation
import Model
import Proto
import RPCClient
import Testing

/// Certificates that follow the registration by themselves (issue #9, deliverable 3): issued when
/// the 公告 is published, re-issued when an approved change alters a certified fact (the employer's
/// name included), void after 注销; and the public lookup by 注册编号 with the holder's name.
@Suite("Certificates issued and re-issued automatically; public lookup by 注册编号")
struct CertificateIssueTests {
    let route = RouteTests()

    /// Takes an application of the world's person through enterprise, province and ministry.
    func through(_ w: RouteTests.World, _ type: Wire.Common.RegistrationType, _ specialties: [String], employer: String,
                 by enterprise: Client, province: Client) async throws -> Wire.Ministry.DecisionResult {
        let app = try await w.person.individual.submit(route.draft(type, specialties, employer: employer))
        _ = try await enterprise.enterprise.report(app.applicationID, acceptCommitment: true)
        _ = try await province.provincial.accept(app.applicationID)
        return try await route.approve(w, app.applicationID)
    }

    /// The holder's current certificate file and its signed document.
    func download(_ client: Client) async throws -> (file: [UInt8], document: [String: Any]) {
        let file = try await client.individual.downloadCertificate().file
        let object = try #require(try JSONSerialization.jsonObject(with: Data(file)) as? [String: String])
        let payload = try #require(Data(base64Encoded: object["payload"] ?? ""))
        return (file, try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any]))
    }

    /// Runs the `jzs` binary against `server` in `language`, with a private config directory.
    func jzs(_ server: TestServer, _ arguments: [String], language: String = "en") async throws -> ChildProcess.Result {
        try #require(FileManager.default.isExecutableFile(atPath: Binaries.directory.appendingPathComponent("jzs").path),
                     "build the executables first (swift build --build-tests)")
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CONFIG_HOME"] = server.pki.directory.appendingPathComponent("cli-config").path
        environment["JZS_SERVER"] = "127.0.0.1:\(server.port)"
        environment["JZS_CA"] = server.pki.caFile
        environment["JZS_LANG"] = language
        for name in ["LC_ALL", "LC_MESSAGES", "LANG"] { environment[name] = nil }
        return try await ChildProcess.run(Binaries.directory.appendingPathComponent("jzs").path, arguments, environment: environment)
    }

    @Test("The 公告 issues the certificate: the holder downloads right after it is published, without a manual issue; nothing is left unissued")
    func issuedAtAnnouncement() async throws {
        try await withTestServer { server in
            let w = try await route.world(server)
            defer { Task { await w.close() } }
            // Given an approved 初始 application waiting for its 公告
            let number = try await through(w, .initial, ["建筑工程", "机电工程"], employer: w.codeA, by: w.enterpriseA, province: w.province37).registrationNumber
            #expect(await rpcError { _ = try await w.person.individual.downloadCertificate() }?.code == .notFound)

            // When the ministry publishes the 公告 (and nothing else)
            _ = try await w.ministry.ministry.announce(title: "住房和城乡建设部2026年第1批一级建造师注册公告")

            // Then the holder downloads version 1 stating the announced facts
            let (_, document) = try await download(w.person)
            #expect(document["version"] as? Int == 1)
            #expect(document["registration_number"] as? String == number)
            #expect(document["holder"] as? String == "李四")
            #expect((document["specialties"] as? [[String: String]])?.map { $0["name"] ?? "" } == ["建筑工程", "机电工程"])
            let status = try await w.person.public.verifyCertificate(try #require(document["certificate_id"] as? String))
            #expect(status.status == .valid && status.version == 1)
            #expect(status.specialties.map(\.name) == ["建筑工程", "机电工程"])
            // The audit names the issue and the 公告 that made it.
            let audited = try await server.strings("SELECT result FROM audit_log WHERE target LIKE 'certificate:%'")
            #expect(audited.count == 1 && audited[0].hasPrefix("issued version 1 after "))

            // Nothing is left unissued: every active registration with nothing waiting holds one.
            let certificates = Certificates(store: server.store, signingKey: try PrivateKey.generateSM2())
            #expect(try await certificates.outstandingCount() == 0)

            // A database from before automatic issue (a registration announced, no certificate)
            // catches up once, as `jzsd serve` does at start; a second run issues nothing.
            try await server.execute("DELETE FROM certificates")
            #expect(try await certificates.outstandingCount() == 1)
            let audit = AuditContext(caller: .ministry, method: "jzsd serve", requestID: "startup")
            #expect(try await certificates.issueOutstanding(audit: audit) == 1)
            #expect(try await certificates.issueOutstanding(audit: audit) == 0)
            #expect(try await download(w.person).document["version"] as? Int == 1)
        }
    }

    @Test("An approved employer rename re-issues its people's certificates with the new name; the old version is void online (cert verify --online)")
    func reissuedOnEmployerRename() async throws {
        try await withTestServer { server in
            let w = try await route.world(server)
            defer { Task { await w.close() } }
            // Given 李四 registered at enterprise A, announced, with a downloaded certificate
            _ = try await through(w, .initial, ["建筑工程"], employer: w.codeA, by: w.enterpriseA, province: w.province37)
            _ = try await w.ministry.ministry.announce(title: "公告")
            let (oldFile, old) = try await download(w.person)
            let oldName = try #require(old["employer"] as? String)
            let oldID = try #require(old["certificate_id"] as? String)
            let file = server.pki.directory.appendingPathComponent("old-cert.json")
            try Data(oldFile).write(to: file)

            // A rejected rename and an approved change of another field re-issue nothing
            let first = try #require(try await w.enterpriseA.enterprise.updateInfo([("name", "济南改名建设有限公司")]).changeRequest)
            try await w.province37.provincial.decideChange(first.changeID, approve: false, reason: "营业执照未变更")
            let other = try #require(try await w.enterpriseA.enterprise.updateInfo([("legal_representative", "孙七")]).changeRequest)
            try await w.province37.provincial.decideChange(other.changeID, approve: true)
            #expect(try await download(w.person).document["version"] as? Int == 1)

            // When the province approves the enterprise's new name
            let rename = try #require(try await w.enterpriseA.enterprise.updateInfo([("name", "济南新名建设有限公司")]).changeRequest)
            try await w.province37.provincial.decideChange(rename.changeID, approve: true)

            // Then the holder's download is version 2 with the new name; version 1 is void
            let (_, renamed) = try await download(w.person)
            #expect(renamed["version"] as? Int == 2)
            #expect(renamed["employer"] as? String == "济南新名建设有限公司" && oldName != "济南新名建设有限公司")
            #expect(renamed["employer_credit_code"] as? String == w.codeA)
            let newID = try #require(renamed["certificate_id"] as? String)
            let voided = try await w.person.public.verifyCertificate(oldID)
            #expect(voided.status == .void && voided.reason == "superseded by \(newID)")

            // And the old file, checked online, is NOT VALID (exit 3) in both languages
            let en = try await jzs(server, ["cert", "verify", file.path, "--online"])
            #expect(en.status == 3, "\(en.text)")
            #expect(en.text.contains("NOT VALID: the certificate is void"), "\(en.text)")
            #expect(en.text.contains(oldName))
            let zh = try await jzs(server, ["cert", "verify", file.path, "--online"], language: "zh")
            #expect(zh.status == 3 && zh.text.contains("已作废"), "\(zh.text)")
        }
    }

    @Test("注销 voids the certificate: its public status is void and the holder can no longer download it")
    func cancellationVoids() async throws {
        try await withTestServer { server in
            let w = try await route.world(server)
            defer { Task { await w.close() } }
            let number = try await through(w, .initial, ["建筑工程"], employer: w.codeA, by: w.enterpriseA, province: w.province37).registrationNumber
            _ = try await w.ministry.ministry.announce(title: "公告")
            let id = try #require(try await download(w.person).document["certificate_id"] as? String)

            // When the 注销 is approved (its route has no 公告)
            #expect(try await through(w, .cancellation, [], employer: w.codeA, by: w.enterpriseA, province: w.province37).status == .completed)

            // Then the certificate is void, by identifier and by number, and is not downloadable
            let record = try await w.person.public.verifyCertificate(id)
            #expect(record.status == .void && record.reason == "registration cancelled")
            #expect(try await w.person.public.verifyCertificate(registrationNumber: number, holderName: "李四").status == .void)
            #expect(await rpcError { _ = try await w.person.individual.downloadCertificate() }?.code == .notFound)
            #expect(await rpcError { _ = try await w.ministry.ministry.issueCertificate(registrationNumber: number) }?.code == .failedPrecondition)
            let zh = try await jzs(server, ["public", "verify", number, "李四"], language: "zh")
            #expect(zh.status == 0 && zh.text.contains("已作废") && zh.text.contains("注册已注销"), "\(zh.text)")
        }
    }

    @Test("public verify by 注册编号 and name answers the current version; a wrong name answers NOT_FOUND exactly like an unknown number")
    func lookupByNumberAndName() async throws {
        try await withTestServer(rules: .renewalAnyTime) { server in
            let w = try await route.world(server)
            defer { Task { await w.close() } }
            let number = try await through(w, .initial, ["建筑工程"], employer: w.codeA, by: w.enterpriseA, province: w.province37).registrationNumber
            _ = try await w.ministry.ministry.announce(title: "公告")
            // A 变更 to Beijing re-issues at its decision: version 2 under 京…, the same digits.
            let moved = try await through(w, .change, [], employer: w.codeB, by: w.enterpriseB, province: w.province11).registrationNumber
            #expect(moved != number && moved.dropFirst() == number.dropFirst())

            // The current number and the one version 1 was issued with both find version 2
            for asked in [moved, number] {
                let found = try await w.person.public.verifyCertificate(registrationNumber: asked, holderName: " 李四 ")
                #expect(found.version == 2 && found.status == .valid && found.registrationNumber == moved)
                #expect(found.holderName == "李*")
                #expect(found.specialties.count == 1 && found.specialties[0].name == "建筑工程" && !found.specialties[0].validUntil.isEmpty)
            }

            // A wrong name and an unknown number: the same code and the same sentence
            let unknown = "京" + String(moved.dropFirst().dropLast(5)) + "99999"
            let wrongName = try #require(await rpcError { _ = try await w.person.public.verifyCertificate(registrationNumber: moved, holderName: "李五") })
            let noNumber = try #require(await rpcError { _ = try await w.person.public.verifyCertificate(registrationNumber: unknown, holderName: "李四") })
            let neither = try #require(await rpcError { _ = try await w.person.public.verifyCertificate(registrationNumber: unknown, holderName: "李五") })
            #expect(wrongName.code == .notFound && noNumber.code == .notFound && neither.code == .notFound)
            #expect(wrongName.message.replacingOccurrences(of: moved, with: "N") == noNumber.message.replacingOccurrences(of: unknown, with: "N"))
            #expect(noNumber.message == neither.message)
            #expect(wrongName.message == "no certificate found for registration number \(moved) with that name (check the number and the holder's name)")
            // A part of the name is not the name.
            #expect(await rpcError { _ = try await w.person.public.verifyCertificate(registrationNumber: moved, holderName: "李") }?.code == .notFound)
            // One form per call.
            let both = await rpcError { _ = try await w.person.unary(Methods.Public.verifyCertificate, .init(certificateID: "1.2.156.3005.2.x", registrationNumber: moved, holderName: "李四")) }
            #expect(both?.code == .invalidArgument)
            #expect(await rpcError { _ = try await w.person.public.verifyCertificate(registrationNumber: moved, holderName: "") }?.code == .invalidArgument)

            // The CLI: options or positional, both languages; NOT_FOUND exits 15
            let en = try await jzs(server, ["public", "verify", "--registration-number", moved, "--name", "李四"])
            #expect(en.status == 0 && en.text.contains("valid") && en.text.contains("李*"), "\(en.text)")
            let zh = try await jzs(server, ["public", "verify", moved, "李四"], language: "zh")
            #expect(zh.status == 0 && zh.text.contains("第 2 版") && zh.text.contains("有效") && zh.text.contains("建筑工程"), "\(zh.text)")
            let json = try await jzs(server, ["--json", "public", "verify", moved, "--name", "李四"])
            let object = try #require(try JSONSerialization.jsonObject(with: json.output) as? [String: Any])
            #expect(object["version"] as? Int == 2 && object["status"] as? String == "valid")
            #expect((object["specialties"] as? [[String: String]])?.first?["name"] == "建筑工程")
            let wrong = try await jzs(server, ["public", "verify", moved, "李五"], language: "zh")
            #expect(wrong.status == 15 && wrong.text.contains("没有找到"), "\(wrong.text)")
            let usage = try await jzs(server, ["public", "verify", moved])
            #expect(usage.status == 64, "\(usage.text)")
        }
    }

    @Test("Public certificate look-ups from one address past their budget are refused before the lookup runs")
    func lookupBudget() async throws {
        var limits = Limits()
        limits.lookupBurstPerAddress = 3
        limits.lookupsPerMinutePerAddress = 1
        try await withTestServer(limits: limits) { server in
            try await withClient(server.clientConfiguration()) { client in
                var codes: [StatusCode] = []
                for _ in 0..<5 {
                    codes.append(await rpcError { _ = try await client.public.verifyCertificate(registrationNumber: "鲁137212600001", holderName: "王五") }?.code ?? .ok)
                }
                #expect(codes == [.notFound, .notFound, .notFound, .resourceExhausted, .resourceExhausted])
                let refused = await rpcError { _ = try await client.public.verifyCertificate("1.2.156.3005.2.x") }
                #expect(refused?.message == "too many certificate look-ups from your address; try again in a minute")
            }
        }
    }
}
