import Foundation
import Model
import Proto
import RPCClient
import RPCServer
import Testing

/// Every method of the individual, enterprise and provincial services, called by each kind of
/// caller that has no business there, fails with UNAUTHENTICATED or PERMISSION_DENIED (and so
/// returns no data). The list of methods comes from the contract, so a new method is covered.
@Suite("Isolation of every tier method")
struct IsolationTests {
    /// Methods anyone may call (sign-up with its draft token, logins, password recovery).
    static let open: Set<String> = [
        "/jzs.individual.v1.Individual/CreateAccount", "/jzs.individual.v1.Individual/Login",
        "/jzs.enterprise.v1.Enterprise/StartSignup", "/jzs.enterprise.v1.Enterprise/ReadIdentityLock",
        "/jzs.enterprise.v1.Enterprise/GetSignup", "/jzs.enterprise.v1.Enterprise/UploadSignupAttachment",
        "/jzs.enterprise.v1.Enterprise/UpdateSignupInfo",
        "/jzs.enterprise.v1.Enterprise/SetSignupAdministrator", "/jzs.enterprise.v1.Enterprise/BindSignupContact",
        "/jzs.enterprise.v1.Enterprise/GetLockChallenge", "/jzs.enterprise.v1.Enterprise/AuthenticateWithLock",
        "/jzs.enterprise.v1.Enterprise/RequestOnSiteAuthentication", "/jzs.enterprise.v1.Enterprise/Login",
        "/jzs.enterprise.v1.Enterprise/RequestPasswordReset", "/jzs.enterprise.v1.Enterprise/ResetPassword",
        "/jzs.individual.v1.Individual/RequestPasswordReset", "/jzs.individual.v1.Individual/ResetPassword",
    ]

    static func methods(of service: String) -> [String] {
        ServiceCatalog.services.first { $0.name == service }!.methods.map(\.path).filter { !open.contains($0) }
    }

    /// Calls `path` with an empty request (every request decodes from zero bytes).
    static func call(_ client: Client, _ path: String) async -> StatusCode {
        let method = UnaryMethod<Wire.Public.WhoAmIRequest, Wire.Public.WhoAmIRequest>(path: path)
        do {
            _ = try await client.unary(method, .init())
            return .ok
        } catch let e as RPCError {
            return e.code
        } catch {
            return .unknown
        }
    }

    func sessions(_ server: TestServer) async throws -> (individual: String, enterprise: String) {
        try await withClient(server.clientConfiguration()) { client in
            _ = try await client.individual.sendRegistrationCode(phone: "13800138000")
            _ = try await client.individual.createAccount(.init(idNumber: "11010519491231002X", name: "张三", phone: "13800138000",
                                                                password: "Good-Pass1", passwordAgain: "Good-Pass1",
                                                                smsCode: try await server.lastSMSCode("13800138000")))
            let individual = try await client.individual.login(idNumber: "11010519491231002X", password: "Good-Pass1").sessionToken
            let draft = try await SignupEndToEndTests().draft(server, client)
            let pending = try await client.enterprise.requestOnSite(draftToken: draft, associated: false)
            _ = try await withClient(server.clientConfiguration(as: "province-37", operator: "x")) { try await $0.provincial.authenticate(enterpriseID: pending.enterpriseID) }
            let enterprise = try await client.enterprise.login(account: "admin37", password: "Admin-Pass1").sessionToken
            return (individual, enterprise)
        }
    }

    @Test("Individual methods: no session, an enterprise session, a province, the ministry")
    func individualMethods() async throws {
        try await withTestServer { server in
            let s = try await sessions(server)
            let callers: [(String, ClientConfiguration, Set<StatusCode>)] = [
                ("no session", server.clientConfiguration(), [.unauthenticated]),
                ("enterprise session", server.clientConfiguration(session: s.enterprise), [.permissionDenied]),
                ("province", server.clientConfiguration(as: "province-37", operator: "x"), [.permissionDenied]),
                ("ministry", server.clientConfiguration(as: "ministry", operator: "x"), [.permissionDenied]),
            ]
            for (who, configuration, allowed) in callers {
                try await withClient(configuration) { client in
                    for path in Self.methods(of: "jzs.individual.v1.Individual") {
                        let code = await Self.call(client, path)
                        #expect(allowed.contains(code), "\(who) calling \(path) got \(code)")
                    }
                }
            }
        }
    }

    @Test("Enterprise methods: no session, an individual session, a province, the ministry")
    func enterpriseMethods() async throws {
        try await withTestServer { server in
            let s = try await sessions(server)
            let callers: [(String, ClientConfiguration, Set<StatusCode>)] = [
                ("no session", server.clientConfiguration(), [.unauthenticated]),
                ("individual session", server.clientConfiguration(session: s.individual), [.permissionDenied]),
                ("province", server.clientConfiguration(as: "province-37", operator: "x"), [.permissionDenied]),
                ("ministry", server.clientConfiguration(as: "ministry", operator: "x"), [.permissionDenied]),
            ]
            for (who, configuration, allowed) in callers {
                try await withClient(configuration) { client in
                    for path in Self.methods(of: "jzs.enterprise.v1.Enterprise") {
                        let code = await Self.call(client, path)
                        #expect(allowed.contains(code), "\(who) calling \(path) got \(code)")
                    }
                }
            }
        }
    }

    @Test("Provincial methods: anyone but a province is refused; another province sees nothing")
    func provincialMethods() async throws {
        try await withTestServer { server in
            let s = try await sessions(server)
            let callers: [(String, ClientConfiguration)] = [
                ("no session", server.clientConfiguration(operator: "x")),
                ("individual session", server.clientConfiguration(session: s.individual, operator: "x")),
                ("enterprise session", server.clientConfiguration(session: s.enterprise, operator: "x")),
                ("ministry", server.clientConfiguration(as: "ministry", operator: "x")),
            ]
            for (who, configuration) in callers {
                try await withClient(configuration) { client in
                    for path in Self.methods(of: "jzs.provincial.v1.Provincial") {
                        let code = await Self.call(client, path)
                        #expect(code == .permissionDenied, "\(who) calling \(path) got \(code)")
                    }
                }
            }
            // Province 11 lists nothing of province 37.
            try await withClient(server.clientConfiguration(as: "province-11", operator: "x")) { client in
                let signups = try await client.provincial.pendingSignups()
                #expect(signups.isEmpty)
                let changes = try await client.provincial.enterpriseChanges()
                #expect(changes.isEmpty)
            }
        }
    }

    @Test("Ministry methods: everyone but the ministry is refused")
    func ministryMethods() async throws {
        try await withTestServer { server in
            let s = try await sessions(server)
            let callers: [(String, ClientConfiguration)] = [
                ("no session", server.clientConfiguration(operator: "x")),
                ("individual session", server.clientConfiguration(session: s.individual, operator: "x")),
                ("enterprise session", server.clientConfiguration(session: s.enterprise, operator: "x")),
                ("province", server.clientConfiguration(as: "province-37", operator: "x")),
            ]
            for (who, configuration) in callers {
                try await withClient(configuration) { client in
                    for path in Self.methods(of: "jzs.ministry.v1.Ministry") {
                        let code = await Self.call(client, path)
                        #expect(code == .permissionDenied, "\(who) calling \(path) got \(code)")
                    }
                }
            }
        }
    }

    @Test("An expired session is refused by every session-bound method")
    func expiredSession() async throws {
        let clock = TestClockE2E()
        try await withTestServer(now: { clock.now }) { server in
            let s = try await sessions(server)
            clock.advance(13 * 3600)
            for (token, service) in [(s.individual, "jzs.individual.v1.Individual"), (s.enterprise, "jzs.enterprise.v1.Enterprise")] {
                try await withClient(server.clientConfiguration(session: token)) { client in
                    for path in Self.methods(of: service) {
                        let code = await Self.call(client, path)
                        #expect(code == .unauthenticated, "expired session calling \(path) got \(code)")
                    }
                }
            }
        }
    }
}
