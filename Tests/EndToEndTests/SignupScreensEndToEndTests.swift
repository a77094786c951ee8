import Foundation
import Model
import Proto
import RPCClient
import Testing

/// Issue #9 deliverables 5-6 over TLS: UpdateSignupInfo, Provincial/GetSignupAttachment,
/// documents on change requests (AttachToEnterpriseChange, Provincial/GetEnterpriseChangeAttachment).
@Suite("Sign-up screens over TLS")
struct SignupScreensEndToEndTests {
    @Test("A draft is corrected by field name; bad values are named in the caller's language; a submitted one is refused")
    func correctDraft() async throws {
        try await withTestServer { server in
            try await withClient(server.clientConfiguration(language: .zh)) { client in
                let token = try await SignupEndToEndTests().draft(server, client)
                let r = try await client.enterprise.correctSignup(draftToken: token, [("name", "山东示范建设集团有限公司"), ("economic_nature", "私营"),
                                                                                      ("qualification_certificate_no", "D237000001")])
                #expect(Set(r.changed) == ["name", "economic_nature", "qualification_certificate_no"])
                #expect(r.state?.info?.economicNature == "私营")
                #expect(r.state?.info?.qualificationCertificateNo == "D237000001")
                #expect(r.state?.name == "山东示范建设集团有限公司")
                #expect(r.state?.businessLicenceSha256.count == 64)
                let bad = await rpcError { _ = try await client.enterprise.correctSignup(draftToken: token, [("enterprise_type", String(repeating: "型", count: 51)), ("colour", "红")]) }
                #expect(bad?.code == .invalidArgument)
                #expect(bad?.violations.map(\.field) == ["changes[1].field"])
                let long = await rpcError { _ = try await client.enterprise.correctSignup(draftToken: token, [("enterprise_type", String(repeating: "型", count: 51))]) }
                #expect(long?.violations.first?.field == "info.enterprise_type")
                #expect(long?.violations.first?.reason == "最多 50 个字符")
                _ = try await client.enterprise.requestOnSite(draftToken: token, associated: false)
                let refused = await rpcError { _ = try await client.enterprise.correctSignup(draftToken: token, [("name", "x公司")]) }
                #expect(refused?.code == .failedPrecondition)
                #expect(refused?.message == "此注册已提交省级主管部门审核，不能再修改")
            }
        }
    }

    @Test("The province downloads a sign-up's licence (own province only, audited) and sees 企业类型 in the list")
    func provinceDownloads() async throws {
        try await withTestServer { server in
            let (id, token) = try await withClient(server.clientConfiguration()) { client in
                let token = try await SignupEndToEndTests().draft(server, client)
                _ = try await client.enterprise.correctSignup(draftToken: token, [("enterprise_type", "股份有限公司")])
                return (try await client.enterprise.requestOnSite(draftToken: token, associated: false).enterpriseID, token)
            }
            _ = token
            try await withClient(server.clientConfiguration(as: "province-11", operator: "张")) { client in
                let e = await rpcError { _ = try await client.provincial.signupAttachment(enterpriseID: id, kind: .businessLicence) }
                #expect(e?.code == .notFound)
            }
            try await withClient(server.clientConfiguration(as: "province-37", operator: "李审核", language: .zh)) { client in
                let got = try await client.provincial.signupAttachment(enterpriseID: id, kind: .businessLicence)
                #expect(got.content == SignupEndToEndTests.png)
                #expect(got.contentType == "image/png")
                let none = await rpcError { _ = try await client.provincial.signupAttachment(enterpriseID: id, kind: .qualificationCertificate) }
                #expect(none?.code == .notFound)
                #expect(none?.message == "企业注册 \(id) 没有上传资质证明")
                let kind = await rpcError { _ = try await client.provincial.signupAttachment(enterpriseID: id, kind: .unspecified) }
                #expect(kind?.violations.first?.field == "kind")
                #expect(try await client.provincial.pendingSignups().first?.info?.enterpriseType == "股份有限公司")
            }
            let audit = try await server.strings("SELECT caller FROM audit_log WHERE result LIKE 'sign-up attachment viewed%'").first
            #expect(audit == "jzs:province:37 operator=李审核")
        }
    }

    @Test("Documents go with a change request and after it; the province downloads them; another enterprise or province cannot")
    func changeDocuments() async throws {
        try await withTestServer { server in
            let sessions = try await IsolationTests().sessions(server)
            let pdf = Array("%PDF-1.7\nlicence".utf8)
            let change = try await withClient(server.clientConfiguration(session: sessions.administrator)) { client in
                let r = try await client.enterprise.updateInfo([("name", "山东示范建设集团有限公司")], attachments: [.init(kind: .businessLicence, content: pdf)])
                let c = try #require(r.changeRequest)
                #expect(c.attachments.map(\.kind) == [.businessLicence])
                let both = try await client.enterprise.attachToChange(c.changeID, kind: .qualificationCertificate, content: SignupEndToEndTests.png)
                #expect(both.attachments.count == 2)
                let bad = await rpcError { _ = try await client.enterprise.attachToChange(c.changeID, kind: .businessLicence, content: Array("text".utf8)) }
                #expect(bad?.violations.first?.field == "attachment.content")
                return c.changeID
            }
            try await withClient(server.clientConfiguration(as: "province-11", operator: "张")) { client in
                #expect(await rpcError { _ = try await client.provincial.changeAttachment(changeID: change, kind: .businessLicence) }?.code == .notFound)
            }
            try await withClient(server.clientConfiguration(as: "province-37", operator: "李审核")) { client in
                let listed = try #require(try await client.provincial.enterpriseChanges().first)
                #expect(listed.attachments.map(\.kind) == [.businessLicence, .qualificationCertificate])
                #expect(try await client.provincial.changeAttachment(changeID: change, kind: .businessLicence).content == pdf)
                try await client.provincial.decideChange(change, approve: true)
            }
            try await withClient(server.clientConfiguration(session: sessions.administrator)) { client in
                let licence = try await client.enterprise.attachment(.businessLicence)
                let qualification = try await client.enterprise.attachment(.qualificationCertificate)
                #expect(licence.content == pdf)
                #expect(qualification.content == SignupEndToEndTests.png)
            }
        }
    }
}
