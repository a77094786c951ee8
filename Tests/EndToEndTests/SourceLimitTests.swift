import Foundation
import NIOCore
import Model
import Proto
import RPCClient
import RPCServer
import Testing

/// Per-source budgets and the audit of denials (issue #8).
@Suite("Per-source budgets and denial audit")
struct SourceLimitTests {
    static func limits() -> Limits {
        var l = Limits()
        l.loginBurstPerAddress = 3
        l.loginsPerMinutePerAddress = 1
        l.smsBurstPerAddress = 2
        l.smsPerMinutePerAddress = 1
        l.smsBurstGlobal = 3
        l.smsPerMinuteGlobal = 1
        l.accountBurstPerAddress = 2
        l.accountsPerHourPerAddress = 1
        return l
    }

    @Test("Every method that hashes a password outside a login spends the password budget (found by an outside attacker: SetSignupAdministrator in a loop kept the hashing pool full, so every login answered busy)")
    func passwordBudget() {
        var limits = Limits()
        limits.passwordBurstPerAddress = 3
        limits.passwordsPerMinutePerAddress = 1
        let limiter = SourceLimiter(limits: limits)
        let now = NIODeadline.now()
        for method in ["/jzs.enterprise.v1.Enterprise/SetSignupAdministrator", "/jzs.enterprise.v1.Enterprise/AddUser",
                       "/jzs.enterprise.v1.Enterprise/UpdateUser", "/jzs.enterprise.v1.Enterprise/ChangePassword",
                       "/jzs.individual.v1.Individual/ChangePassword"] {
            #expect(SourceLimiter.table[method] == [.password], "\(method)")
        }
        let spent = (0..<4).map { _ in limiter.spend(method: "/jzs.enterprise.v1.Enterprise/SetSignupAdministrator", address: "10.0.0.1", now: now) }
        #expect(spent == [nil, nil, nil, .password])
        // Per address: another one still has its budget.
        #expect(limiter.spend(method: "/jzs.individual.v1.Individual/ChangePassword", address: "10.0.0.2", now: now) == nil)
        #expect(SourceLimiter.message(.password).rendered(.en) == "too many passwords set or changed from your address; try again in a minute")
    }

    @Test("Logins from one address past its budget are refused before any password is checked; certificates are exempt")
    func logins() async throws {
        try await withTestServer(limits: Self.limits()) { server in
            try await withClient(server.clientConfiguration()) { client in
                var codes: [StatusCode] = []
                for _ in 0..<5 {
                    let e = await rpcError { _ = try await client.unary(Methods.Individual.login, .init(idNumber: "11010519491231002X", password: "Wrong-Pass1")) }
                    codes.append(e?.code ?? .ok)
                }
                #expect(codes == [.unauthenticated, .unauthenticated, .unauthenticated, .resourceExhausted, .resourceExhausted])
                let refused = await rpcError { _ = try await client.unary(Methods.Enterprise.login, .init(account: "x", password: "y")) }
                #expect(refused?.message == "too many login attempts from your address; try again in a minute")
            }
            #expect(server.accounts.passwordChecks == 3)
        }
    }

    @Test("SMS sends are limited per address and for the whole server")
    func sms() async throws {
        try await withTestServer(limits: Self.limits()) { server in
            try await withClient(server.clientConfiguration()) { client in
                var codes: [StatusCode] = []
                for i in 0..<3 {
                    let e = await rpcError { _ = try await client.unary(Methods.Public.sendSmsCode, .init(phone: "1380013800\(i)", purpose: .individualRegistration)) }
                    codes.append(e?.code ?? .ok)
                }
                #expect(codes == [.ok, .ok, .resourceExhausted])
            }
        }
    }

    @Test("Every denied call leaves an audit row (caller, method, address; the chain stays intact)")
    func denials() async throws {
        try await withTestServer { server in
            try await withClient(server.clientConfiguration()) { anonymous in
                for _ in 0..<20 { _ = await rpcError { _ = try await anonymous.unary(Methods.Enterprise.getHome, .init()) } }
            }
            try await withClient(server.clientConfiguration(as: "province-37")) { province in
                _ = await rpcError { _ = try await province.unary(Methods.Ministry.getStatistics, .init()) }
            }
            await server.denials.flush()
            let rows = try await server.rows("SELECT caller, method, target, result FROM audit_log WHERE result LIKE 'denied:%'")
            #expect(rows.filter { $0["method"] == Methods.Enterprise.getHome.path && $0["caller"] == "anonymous" }.count == 20)
            #expect(rows.contains { $0["caller"] == "jzs:province:37" && ($0["result"] ?? "").hasPrefix("denied: PERMISSION_DENIED") })
            #expect(rows.allSatisfy { $0["target"] == "from 127.0.0.1" })
            #expect(try await server.verifyAudit() == .intact(rows: try await server.count("SELECT count(*) FROM audit_log")))
        }
    }
}
