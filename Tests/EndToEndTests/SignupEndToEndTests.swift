import Crypto
import Foundation
import Model
import Proto
import RPCClient
import RPCServer
import Testing

@Suite("Enterprise sign-up over TLS")
struct SignupEndToEndTests {
    static let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 3, count: 64)
    static let code = "913701000000000000".fixedCode

    /// Steps 1-4 through the client; returns the draft token.
    func draft(_ server: TestServer, _ client: Client, code: String = code, account: String = "admin37") async throws -> String {
        let started = try await client.enterprise.startSignup(.init(creditCode: code, name: "山东示范建设有限公司", legalRepresentative: "王五",
                                                                    registeredAddress: "济南市"))
        _ = try await client.enterprise.upload(draftToken: started.draftToken, kind: .businessLicence, content: Self.png)
        _ = try await client.enterprise.setAdministrator(draftToken: started.draftToken, name: "赵六", account: account,
                                                         password: "Admin-Pass1", passwordAgain: "Admin-Pass1")
        _ = try await client.enterprise.sendSignupCode(phone: "13700137000")
        _ = try await client.enterprise.bindContact(draftToken: started.draftToken, email: "a@b.cn", phone: "13700137000",
                                                    smsCode: try await server.lastSMSCode("13700137000"))
        return started.draftToken
    }

    @Test("Identity lock sign-up, then the administrator logs in")
    func lockSignup() async throws {
        try await withTestServer { server in
            try await withClient(server.clientConfiguration()) { client in
                let token = try await draft(server, client)
                let key = try PrivateKey.generateEC()
                let cert = try server.pki.legacy.issue(.init(commonName: "x", organization: "山东示范建设有限公司", usage: .identityLock,
                                                             validityDays: 10, subjectSerialNumber: Self.code), for: key)
                let read = try await client.enterprise.readIdentityLock(certificatePEM: try cert.pem())
                #expect(read.creditCode == Self.code)
                let signature = try Signature.sign(try await client.enterprise.lockChallenge(draftToken: token), with: key)
                let state = try await client.enterprise.authenticateWithLock(draftToken: token, certificatePEM: try cert.pem(), signature: signature)
                #expect(state.status == .authenticated)
                let login = try await client.enterprise.login(account: "admin37", password: "Admin-Pass1")
                #expect(login.administrator)
                let me = try await withClient(server.clientConfiguration(session: login.sessionToken)) { try await $0.public.whoAmI() }
                #expect(me.kind == .enterpriseUser)
            }
        }
    }

    @Test("On-site sign-up: only the enterprise's province sees and completes it, with an operator named")
    func onSite() async throws {
        try await withTestServer { server in
            let token = try await withClient(server.clientConfiguration()) { client in try await draft(server, client) }
            let pending = try await withClient(server.clientConfiguration()) { try await $0.enterprise.requestOnSite(draftToken: token, associated: false) }
            #expect(pending.status == .pendingAuthentication)
            // Province 11 sees nothing and cannot act.
            try await withClient(server.clientConfiguration(as: "province-11", operator: "张")) { client in
                let empty = try await client.provincial.pendingSignups()
                #expect(empty.isEmpty)
                #expect(await rpcError { _ = try await client.provincial.authenticate(enterpriseID: pending.enterpriseID) }?.code == .notFound)
                #expect(await rpcError { try await client.provincial.returnSignup(enterpriseID: pending.enterpriseID, reason: "x") }?.code == .notFound)
            }
            // No operator: refused before anything happens.
            try await withClient(server.clientConfiguration(as: "province-37")) { client in
                let e = await rpcError { _ = try await client.provincial.authenticate(enterpriseID: pending.enterpriseID) }
                #expect(e?.violations.first?.field == "metadata.operator")
            }
            try await withClient(server.clientConfiguration(as: "province-37", operator: "李审核")) { client in
                let got1 = try await client.provincial.pendingSignups().map(\.enterpriseID)
                #expect(got1 == [pending.enterpriseID])
                let got2 = try await client.provincial.authenticate(enterpriseID: pending.enterpriseID).status
                #expect(got2 == .authenticated)
            }
            let audit = try await server.strings("SELECT caller FROM audit_log WHERE result LIKE 'authenticated on site%'").first
            #expect(audit == "jzs:province:37 operator=李审核")
        }
    }

    @Test("Provincial methods refuse every caller that is not a province", arguments: ["anonymous", "ministry", "individual"])
    func provincialIsolation(_ who: String) async throws {
        try await withTestServer { server in
            var configuration = server.clientConfiguration(operator: "x")
            switch who {
            case "ministry": configuration = server.clientConfiguration(as: "ministry", operator: "x")
            case "individual":
                let token = try await withClient(server.clientConfiguration()) { client -> String in
                    _ = try await client.individual.sendRegistrationCode(phone: "13800138000")
                    _ = try await client.individual.createAccount(.init(idNumber: "11010519491231002X", name: "张三", phone: "13800138000",
                                                                        password: "Good-Pass1", passwordAgain: "Good-Pass1",
                                                                        smsCode: try await server.lastSMSCode("13800138000")))
                    return try await client.individual.login(idNumber: "11010519491231002X", password: "Good-Pass1").sessionToken
                }
                configuration = server.clientConfiguration(session: token, operator: "x")
            default: break
            }
            try await withClient(configuration) { client in
                #expect(await rpcError { _ = try await client.provincial.pendingSignups() }?.code == .permissionDenied)
                #expect(await rpcError { _ = try await client.provincial.lookupAdministrator(creditCode: Self.code) }?.code == .permissionDenied)
                #expect(await rpcError { _ = try await client.provincial.resetAdministratorPassword(enterpriseID: "x") }?.code == .permissionDenied)
            }
        }
    }
}

extension String {
    var fixedCode: String {
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        let weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
        let sum = zip(prefix(17), weights).reduce(0) { $0 + alphabet.firstIndex(of: $1.0)! * $1.1 }
        return String(prefix(17)) + String(alphabet[(31 - sum % 31) % 31])
    }
}
