import Crypto
import Foundation
import Model
import Proto
import RPCClient
import RPCServer
import Testing

@Suite("Electronic certificates")
struct CertificateTests {
    /// Runs `openssl` with `arguments`; returns (exit status, output).
    func openssl(_ arguments: [String]) async throws -> (Int32, String) {
        let result = try await ChildProcess.run("/usr/bin/openssl", arguments)
        return (result.status, result.text)
    }

    @Test("Issued by the announcement; signed with SM2/SM3; verifies with our code and stock openssl; tampering, re-issue and revocation are caught")
    func lifecycle() async throws {
        try await withTestServer { server in
            let route = RouteTests()
            let w = try await route.world(server)
            defer { Task { await w.close() } }
            let app = try await w.person.individual.submit(route.draft(.initial, ["建筑工程", "机电工程"], employer: w.codeA))
            _ = try await w.enterpriseA.enterprise.report(app.applicationID, acceptCommitment: true)
            _ = try await w.province37.provincial.accept(app.applicationID)
            let number = try await route.approve(w, app.applicationID).registrationNumber
            // Not before the announcement.
            #expect(await rpcError { _ = try await w.ministry.ministry.issueCertificate(registrationNumber: number) }?.code == .failedPrecondition)
            #expect(await rpcError { _ = try await w.person.individual.downloadCertificate() }?.code == .notFound)
            _ = try await w.ministry.ministry.announce(title: "公告")
            // The 公告 issued version 1: no manual issue.
            let first = try await w.person.public.verifyCertificate(try #require(try await document(w.person)["certificate_id"] as? String))
            #expect(first.version == 1 && first.status == .valid)
            #expect(first.certificateID.hasPrefix("1.2.156.3005.2.11100000000013338W002.11100000000013338W."))
            #expect(first.certificateID.split(separator: ".").last?.count == 1)

            let file = try await w.person.individual.downloadCertificate()
            let key = try await w.person.public.signingKey()
            guard case .valid(let id, let version, _) = CertificateVerifier.verify(file: file.file, publicKeyPEM: key) else {
                Issue.record("our verifier refused a good certificate")
                return
            }
            #expect(id == first.certificateID && version == 1)

            // Stock openssl checks the same signature.
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cert-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            let object = try #require(try JSONSerialization.jsonObject(with: Data(file.file)) as? [String: String])
            let payload = try #require(Data(base64Encoded: object["payload"] ?? ""))
            try payload.write(to: dir.appendingPathComponent("payload.json"))
            try #require(Data(base64Encoded: object["signature"] ?? "")).write(to: dir.appendingPathComponent("signature.der"))
            try Data(key.utf8).write(to: dir.appendingPathComponent("ministry.pub.pem"))
            let verify = ["pkeyutl", "-verify", "-pubin", "-inkey", dir.appendingPathComponent("ministry.pub.pem").path, "-rawin", "-digest", "sm3", "-pkeyopt", "distid:\(Signature.sm2DistinguishingID)",
                          "-in", dir.appendingPathComponent("payload.json").path, "-sigfile", dir.appendingPathComponent("signature.der").path]
            let (ok, output) = try await openssl(verify)
            #expect(ok == 0, "openssl: \(output)")
            // One changed byte fails both.
            var changed = Array(payload)
            changed[changed.count / 2] ^= 0x01
            try Data(changed).write(to: dir.appendingPathComponent("payload.json"))
            #expect(try await openssl(verify).0 != 0)
            var forged = object
            forged["payload"] = Data(changed).base64EncodedString()
            #expect(CertificateVerifier.verify(file: Array(try JSONSerialization.data(withJSONObject: forged)), publicKeyPEM: key) == .tampered)

            // The signed document carries the holder, the number, both specialties, the employer.
            let document = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
            #expect(document["registration_number"] as? String == number)
            #expect((document["specialties"] as? [[String: String]])?.count == 2)
            #expect(document["employer_credit_code"] as? String == w.codeA)

            // Re-issue: version 2; version 1 is void.
            let second = try await w.ministry.ministry.issueCertificate(registrationNumber: number)
            #expect(second.version == 2)
            #expect(try await w.person.public.verifyCertificate(first.certificateID).status == .void)
            #expect(try await w.person.public.verifyCertificate(second.certificateID).status == .valid)
            _ = try await w.ministry.ministry.revokeCertificate(second.certificateID, reason: "测试吊销")
            #expect(try await w.person.public.verifyCertificate(second.certificateID).status == .revoked)
            #expect(await rpcError { _ = try await w.person.individual.downloadCertificate() }?.code == .notFound)
            #expect(await rpcError { _ = try await w.province37.ministry.issueCertificate(registrationNumber: number) }?.code == .permissionDenied)
        }
    }

    /// The signed document of the holder's current certificate.
    func document(_ client: Client) async throws -> [String: Any] {
        let file = try await client.individual.downloadCertificate()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(file.file)) as? [String: String])
        let payload = try #require(Data(base64Encoded: object["payload"] ?? ""))
        return try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
    }

    @Test("A version states what it was issued with; a 延续 at its 公告 and a 变更 at its decision re-issue; numbers count afresh after 重新注册")
    func versions() async throws {
        try await withTestServer(rules: .renewalAnyTime) { server in
            let route = RouteTests()
            let w = try await route.world(server)
            defer { Task { await w.close() } }
            func through(_ type: Wire.Common.RegistrationType, _ specialties: [String], employer: String, by enterprise: Client, province: Client) async throws -> Wire.Ministry.DecisionResult {
                let app = try await w.person.individual.submit(route.draft(type, specialties, employer: employer))
                _ = try await enterprise.enterprise.report(app.applicationID, acceptCommitment: true)
                _ = try await province.provincial.accept(app.applicationID)
                return try await route.approve(w, app.applicationID)
            }
            let number = try await through(.initial, ["建筑工程"], employer: w.codeA, by: w.enterpriseA, province: w.province37).registrationNumber
            // Announce with a key: a retry returns the same 公告; the key with another title is refused.
            let published = try await w.ministry.ministry.announce(title: "初始注册公告", idempotencyKey: "announce-1")
            #expect(try await w.ministry.ministry.announce(title: "初始注册公告", idempotencyKey: "announce-1").number == published.number)
            #expect(try await w.ministry.public.announcements().count == 1)
            #expect(await rpcError { _ = try await w.ministry.ministry.announce(title: "另一个", idempotencyKey: "announce-1") }?.code == .failedPrecondition)

            // The 公告 issued version 1; a manual issue makes version 2, and a retry with the key
            // gets the same version back: no third one, nothing voided.
            let announced = try #require(try await document(w.person)["certificate_id"] as? String)
            let first = try await w.ministry.ministry.issueCertificate(registrationNumber: number, idempotencyKey: "issue-1")
            #expect(first.version == 2)
            #expect(try await w.ministry.ministry.issueCertificate(registrationNumber: number, idempotencyKey: "issue-1") == first)
            #expect(try await w.person.public.verifyCertificate(first.certificateID).status == .valid)
            #expect(try await w.person.public.verifyCertificate(announced).status == .void)
            let until = try #require(try await document(w.person)["specialties"] as? [[String: String]])[0]["valid_until"]

            // 延续: approved but not announced, the valid version still states the old validity.
            _ = try await through(.renewal, ["建筑工程"], employer: w.codeA, by: w.enterpriseA, province: w.province37)
            #expect(try #require(try await document(w.person)["specialties"] as? [[String: String]])[0]["valid_until"] == until)
            _ = try await w.ministry.ministry.announce(title: "延续注册公告")
            let renewed = try await document(w.person)
            #expect(renewed["version"] as? Int == 3)
            #expect(try #require(renewed["specialties"] as? [[String: String]])[0]["valid_until"] != until)
            #expect(try await w.person.public.verifyCertificate(first.certificateID).status == .void)

            // 变更 (no 公告): the decision re-issues with the new employer; the digits, hence the series, stay.
            let moved = try await through(.change, [], employer: w.codeB, by: w.enterpriseB, province: w.province11).registrationNumber
            let changed = try await document(w.person)
            #expect(changed["version"] as? Int == 4 && changed["employer_credit_code"] as? String == w.codeB)
            #expect(changed["registration_number"] as? String == moved)

            // 注销 voids it; 重新注册 gets a new number whose first certificate is version 1.
            _ = try await through(.cancellation, [], employer: w.codeB, by: w.enterpriseB, province: w.province11)
            #expect(try await w.person.public.verifyCertificate(changed["certificate_id"] as? String ?? "").status == .void)
            let fresh = try await through(.reRegistration, ["建筑工程"], employer: w.codeB, by: w.enterpriseB, province: w.province11).registrationNumber
            _ = try await w.ministry.ministry.announce(title: "重新注册公告")
            let again = try await document(w.person)
            let againID = try #require(again["certificate_id"] as? String)
            #expect(again["version"] as? Int == 1 && again["registration_number"] as? String == fresh)
            #expect(againID.hasSuffix(".001." + (againID.split(separator: ".").last.map(String.init) ?? "")))

            // Errors name what is wrong.
            #expect(await rpcError { _ = try await w.ministry.ministry.revokeCertificate("1.2.156.3005.2.unknown", reason: "测试") }?.code == .notFound)
            #expect(await rpcError { _ = try await w.ministry.ministry.downloadCertificate("") }?.code == .invalidArgument)
        }
    }

    @Test("The use limit is 180 days, capped by specialty expiry and the 65th birthday")
    func useLimit() {
        let now = ISO8601DateFormatter().date(from: "2026-11-23T12:00:00Z")!
        let young = "11010519900307001".appending("0").validID
        #expect(Certificates.useLimit(now: now, specialtyExpiries: ["2029-11-23"], idNumber: young).description == "2027-05-22")
        #expect(Certificates.useLimit(now: now, specialtyExpiries: ["2027-01-31", "2029-11-23"], idNumber: young).description == "2027-01-31")
        let nearly65 = "11010519620301001".appending("0").validID
        #expect(Certificates.useLimit(now: now, specialtyExpiries: ["2029-11-23"], idNumber: nearly65).description == "2027-03-01")
    }

    @Test("An expired use limit is refused offline")
    func expiredOffline() throws {
        let key = try PrivateKey.generateSM2()
        let payload = Array(#"{"certificate_id":"x","use_until":"2020-01-01","version":1}"#.utf8)
        let file = SignedCertificate(payload: payload, signature: try Signature.sign(payload, with: key), useUntil: "2020-01-01").fileContents
        #expect(CertificateVerifier.verify(file: file, publicKeyPEM: try key.publicKeyPEM()) == .expiredUseLimit("2020-01-01"))
    }
}
