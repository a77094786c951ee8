import Foundation
import Model
import Proto
import RPCClient
import RPCServer
import Testing

/// Every method of the contract, called by every kind of caller, answers as its row of the
/// access table says: refused callers get the table's UNAUTHENTICATED or PERMISSION_DENIED (and
/// so no data), allowed ones get past the check. The methods come from the contract and the
/// rules from ``AccessTable``, so a new method is covered (and a method without a row fails).
@Suite("Isolation of every method, from the access table")
struct IsolationTests {
    /// Every method of the contract; last the logouts a caller of `kind` may call (they end
    /// the session the other calls use).
    static func allMethods(endingSessionOf kind: Access.Callers = []) -> [String] {
        let paths = ServiceCatalog.services.flatMap { $0.methods.map(\.path) }
        let endsSession = { (path: String) in path.hasSuffix("/Logout") && AccessTable.rules[path]!.callers.contains(kind) }
        return paths.filter { !endsSession($0) } + paths.filter(endsSession)
    }

    /// The methods of `service` that need a session or certificate.
    static func methods(of service: String) -> [String] {
        ServiceCatalog.services.first { $0.name == service }!.methods.map(\.path)
            .filter { !AccessTable.rules[$0]!.callers.contains(.anonymous) }
    }

    /// Calls `path` with an empty request (every request decodes from zero bytes).
    static func call(_ client: Client, _ path: String) async -> RPCError? {
        let method = UnaryMethod<Wire.Public.WhoAmIRequest, Wire.Public.WhoAmIRequest>(path: path)
        do {
            _ = try await client.unary(method, .init())
            return nil
        } catch let e as RPCError {
            return e
        } catch {
            return RPCError(code: .unknown, message: "\(error)")
        }
    }

    struct Sessions {
        let individual: String
        let administrator: String
        let subUser: String
        let enterpriseID: String
    }

    func sessions(_ server: TestServer) async throws -> Sessions {
        try await withClient(server.clientConfiguration()) { client in
            _ = try await client.individual.sendRegistrationCode(phone: "13800138000")
            _ = try await client.individual.createAccount(.init(idNumber: "11010519491231002X", name: "张三", phone: "13800138000",
                                                                password: "Good-Pass1", passwordAgain: "Good-Pass1",
                                                                smsCode: try await server.lastSMSCode("13800138000")))
            let individual = try await client.individual.login(idNumber: "11010519491231002X", password: "Good-Pass1").sessionToken
            let draft = try await SignupEndToEndTests().draft(server, client)
            let pending = try await client.enterprise.requestOnSite(draftToken: draft, associated: false)
            _ = try await withClient(server.clientConfiguration(as: "province-37", operator: "x")) { try await $0.provincial.authenticate(enterpriseID: pending.enterpriseID) }
            let administrator = try await client.enterprise.login(account: "admin37", password: "Admin-Pass1").sessionToken
            // A sub-user's password set by the administrator must be changed before anything else.
            _ = try await withClient(server.clientConfiguration(session: administrator)) {
                try await $0.enterprise.addUser(name: "钱九", account: "clerk37", password: "Clerk-Pass1")
            }
            let temporary = try await client.enterprise.login(account: "clerk37", password: "Clerk-Pass1").sessionToken
            try await withClient(server.clientConfiguration(session: temporary)) {
                try await $0.enterprise.changePassword(old: "Clerk-Pass1", new: "Clerk-Pass2")
            }
            let subUser = try await client.enterprise.login(account: "clerk37", password: "Clerk-Pass2").sessionToken
            return Sessions(individual: individual, administrator: administrator, subUser: subUser, enterpriseID: pending.enterpriseID)
        }
    }

    /// One client per kind of caller, each naming an operator.
    static func callers(_ server: TestServer, _ s: Sessions) -> [(Access.Callers, String, ClientConfiguration)] {
        [
            (.anonymous, "no session", server.clientConfiguration(operator: "x")),
            (.individual, "individual session", server.clientConfiguration(session: s.individual, operator: "x")),
            (.enterpriseUser, "enterprise sub-user session", server.clientConfiguration(session: s.subUser, operator: "x")),
            (.enterpriseAdministrator, "enterprise administrator session", server.clientConfiguration(session: s.administrator, operator: "x")),
            (.province, "province 37", server.clientConfiguration(as: "province-37", operator: "x")),
            (.ministry, "ministry", server.clientConfiguration(as: "ministry", operator: "x")),
        ]
    }

    @Test("Every method of the contract has exactly one row in the access table, and every row is a method")
    func everyMethodHasARow() {
        // The contract, and the standard gRPC services served beside it (health, reflection).
        let contract = Set((ServiceCatalog.services + ServiceCatalog.standard).flatMap { $0.methods.map(\.path) })
            .union(ReflectionService.paths)
        let rows = AccessTable.rows.map(\.key)
        #expect(rows.count == Set(rows).count, "a method has two rows")
        for path in contract.sorted() {
            #expect(AccessTable.rules[path] != nil, "no access row for \(path)")
        }
        for path in rows where !contract.contains(path) {
            Issue.record("access row for \(path), which the contract does not have")
        }
        // Every rule lets someone in, and what needs an operator is for certificate callers.
        for (path, access) in AccessTable.rows {
            #expect(!access.callers.isEmpty, "\(path) is open to nobody")
            if access.operatorRequired { #expect(access.callers.isSubset(of: [.province, .ministry]), "\(path)") }
        }
    }

    @Test("docs/PROTOCOL.md §15.2.5 lists every row of the access table as it is")
    func documented() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let doc = try String(contentsOf: root.appendingPathComponent("docs/PROTOCOL.md"), encoding: .utf8)
        let lines = Set(doc.split(separator: "\n").map(String.init))
        var documented = 0
        for (path, access) in AccessTable.rows {
            let row = "| `\(path)` | \(access.callersText) | \(access.operatorRequired ? "yes" : "—") | \(access.whileChangingPassword ? "yes" : "—") |"
            #expect(lines.contains(row), "PROTOCOL.md lacks: \(row)")
            documented += 1
        }
        let listed = lines.filter { line in
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            return (line.hasPrefix("| `/jzs.") || line.hasPrefix("| `/grpc.")) && cells.count == 4 && cells[2...].allSatisfy { $0 == "yes" || $0 == "—" }
        }
        #expect(listed.count == documented, "PROTOCOL.md lists \(listed.count) access rows, the table has \(documented)")
    }

    @Test("Every method, called by every kind of caller, is refused or let through as its row says")
    func everyMethodEveryCaller() async throws {
        try await withTestServer { server in
            let s = try await sessions(server)
            for (kind, who, configuration) in Self.callers(server, s) {
                try await withClient(configuration) { client in
                    for path in Self.allMethods(endingSessionOf: kind) {
                        let access = try #require(AccessTable.rules[path])
                        let error = await Self.call(client, path)
                        if let denial = access.denial(of: kind, operatorName: "x") {
                            let expected = RPCError(denial, language: .en)
                            #expect(error?.code == expected.code && error?.messageCode == expected.messageCode,
                                    "\(who) calling \(path) got \(error.map { "\($0.code) \($0.messageCode)" } ?? "OK"), expected \(expected.code) \(expected.messageCode)")
                        } else {
                            #expect(error.map { ![.unauthenticated, .permissionDenied].contains($0.code) } ?? true,
                                    "\(who) calling \(path) (allowed) got \(error.map { "\($0.code) \($0.messageCode)" } ?? "OK")")
                        }
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

    @Test("A method that needs an operator is refused to its callers without one, before the request is read")
    func operatorRequired() async throws {
        try await withTestServer { server in
            for (kind, name) in [(Access.Callers.province, "province-37"), (.ministry, "ministry")] {
                try await withClient(server.clientConfiguration(as: name)) { client in
                    for path in Self.allMethods() {
                        let access = try #require(AccessTable.rules[path])
                        guard access.callers.contains(kind) else { continue }
                        let error = await Self.call(client, path)
                        let operatorRefused = error?.code == .invalidArgument && error?.violations.map(\.field) == ["metadata.operator"]
                        #expect(operatorRefused == access.operatorRequired, "\(name) without operator calling \(path) got \(error.map { "\($0.code) \($0.messageCode)" } ?? "OK")")
                    }
                }
            }
        }
    }

    @Test("A session with a temporary password calls only what the table allows while it must be changed")
    func temporaryPassword() async throws {
        try await withTestServer { server in
            let s = try await sessions(server)
            let temporary = try await withClient(server.clientConfiguration(as: "province-37", operator: "x")) {
                try await $0.provincial.resetAdministratorPassword(enterpriseID: s.enterpriseID)
            }
            let token = try await withClient(server.clientConfiguration()) {
                try await $0.enterprise.login(account: "admin37", password: temporary).sessionToken
            }
            try await withClient(server.clientConfiguration(session: token, operator: "x")) { client in
                for path in Self.allMethods(endingSessionOf: .enterpriseAdministrator) {
                    let access = try #require(AccessTable.rules[path])
                    let error = await Self.call(client, path)
                    let restricted = error?.code == .failedPrecondition && error?.messageCode == TextCode.mustChangePassword.rawValue
                    #expect(restricted == !access.whileChangingPassword, "temporary session calling \(path) got \(error.map { "\($0.code) \($0.messageCode)" } ?? "OK")")
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
            for (token, service) in [(s.individual, "jzs.individual.v1.Individual"), (s.administrator, "jzs.enterprise.v1.Enterprise"),
                                     (s.subUser, "jzs.enterprise.v1.Enterprise")] {
                try await withClient(server.clientConfiguration(session: token)) { client in
                    for path in Self.methods(of: service) {
                        let code = await Self.call(client, path)?.code
                        #expect(code == .unauthenticated, "expired session calling \(path) got \(code.map { "\($0)" } ?? "OK")")
                    }
                }
            }
        }
    }
}
