import Foundation
import Model
import Proto
import RPCClient
import RPCServer
import Testing

/// Reviewers see what they review (issue #9, 2 and 7), over TLS: full numbers for the province
/// and the ministry with an audit row per call, masked for everyone else; people named by the
/// identifiers they know.
@Suite("Reviewer disclosure and user identifiers end to end")
struct ReviewerDisclosureTests {
    static let idNumber = "11010519900307001".appending("0").validID

    /// The rows recording a disclosure, as `caller|method|target|result`.
    func disclosures(_ server: TestServer) async throws -> [String] {
        try await server.strings("SELECT caller || '|' || method || '|' || target || '|' || result FROM audit_log WHERE result LIKE ? ORDER BY id",
                                 [DisclosureAudit.marker + "%"])
    }

    @Test("A province sees full ID numbers of its own province's applications, the enterprise masked, another province NOT_FOUND; only the province's list is audited")
    func provinceAndEnterprise() async throws {
        try await withTestServer { server in
            let route = RouteTests()
            let w = try await route.world(server)
            defer { Task { await w.close() } }
            // Given an application reported to province 37
            let app = try await w.person.individual.submit(route.draft(.initial, ["建筑工程"], employer: w.codeA))
            _ = try await w.enterpriseA.enterprise.report(app.applicationID, acceptCommitment: true)

            // When the enterprise lists and opens it: masked, nothing recorded
            let byEnterprise = try await w.enterpriseA.enterprise.applications(.init(statuses: [.awaitingProvince]))
            #expect(byEnterprise.applications.map(\.idNumberMasked) == ["1101**********" + Self.idNumber.suffix(4)])
            #expect(byEnterprise.applications.allSatisfy { $0.idNumber.isEmpty && $0.phone.isEmpty && $0.phoneMasked == "138****8000" })
            #expect(try await w.person.individual.application(app.applicationID).idNumber.isEmpty)
            #expect(try await disclosures(server).isEmpty)

            // When the province lists it: full numbers, one row naming operator, method and record
            let byProvince = try await w.province37.provincial.applications()
            #expect(byProvince.applications.map(\.idNumber) == [Self.idNumber])
            #expect(byProvince.applications.map(\.phone) == ["13800138000"])
            #expect(byProvince.applications.map(\.idNumberMasked) == ["1101**********" + Self.idNumber.suffix(4)])
            let rows = try await disclosures(server)
            #expect(rows.count == 1)
            #expect(rows.first?.hasPrefix("jzs:province:37 operator=省审核员|/jzs.provincial.v1.Provincial/ListApplications|application:\(app.applicationID)|") == true)
            #expect(rows.allSatisfy { !$0.contains(Self.idNumber) && !$0.contains("13800138000") })

            // Another province: NOT_FOUND, nothing more recorded
            #expect(await rpcError { _ = try await w.province11.provincial.application(app.applicationID) }?.code == .notFound)
            #expect(try await w.province11.provincial.applications().applications.isEmpty)
            #expect(try await disclosures(server).count == 1)

            // Accepting answers the application in full too, and history names the operator
            let accepted = try await w.province37.provincial.accept(app.applicationID)
            #expect(accepted.idNumber == Self.idNumber)
            #expect(accepted.history.map(\.actorName) == ["李四", "企业admin-a · 赵六（admin-a）", "山东省住房和城乡建设厅 · 省审核员"])
            #expect(accepted.history.last?.actor == "jzs:province:37")
            #expect(try await disclosures(server).count == 2)
        }
    }

    @Test("The ministry's export has full numbers and is audited")
    func ministryExport() async throws {
        try await withTestServer { server in
            let route = RouteTests()
            let w = try await route.world(server)
            defer { Task { await w.close() } }
            let app = try await w.person.individual.submit(route.draft(.initial, ["建筑工程"], employer: w.codeA))
            _ = try await w.enterpriseA.enterprise.report(app.applicationID, acceptCommitment: true)
            _ = try await w.province37.provincial.accept(app.applicationID)
            var exported: [Wire.Common.Application] = []
            for try await a in try await w.ministry.ministry.export() { exported.append(a) }
            #expect(exported.map(\.idNumber) == [Self.idNumber])
            #expect(exported.map(\.phone) == ["13800138000"])
            #expect(try await disclosures(server).last?.hasPrefix("jzs:ministry operator=部审核员|/jzs.ministry.v1.Ministry/ExportApplications|application:\(app.applicationID)|") == true)
        }
    }

    @Test("Staff by 注册编号 within the enterprise; another enterprise gets NOT_FOUND")
    func staffByRegistrationNumber() async throws {
        try await withTestServer { server in
            let route = RouteTests()
            let w = try await route.world(server)
            defer { Task { await w.close() } }
            let app = try await w.person.individual.submit(route.draft(.initial, ["建筑工程"], employer: w.codeA))
            _ = try await w.enterpriseA.enterprise.report(app.applicationID, acceptCommitment: true)
            _ = try await w.province37.provincial.accept(app.applicationID)
            let number = try #require(try await route.approve(w, app.applicationID).registrationNumber.nilIfEmpty)
            _ = try await w.ministry.ministry.announce(title: "公告")
            let member = try await w.enterpriseA.enterprise.staffMember(registrationNumber: number)
            #expect(member.registrationNumber == number && member.name == "李四")
            #expect(member.idNumberMasked == "1101**********" + Self.idNumber.suffix(4))
            #expect(await rpcError { _ = try await w.enterpriseB.enterprise.staffMember(registrationNumber: number) }?.code == .notFound)
        }
    }

    @Test("Sub-users are edited and removed by account; another enterprise's account is NOT_FOUND")
    func usersByAccount() async throws {
        try await withTestServer { server in
            let w = try await RouteTests().world(server)
            defer { Task { await w.close() } }
            _ = try await w.enterpriseA.enterprise.addUser(name: "钱九", account: "clerk-a", password: "Clerk-Pass1")
            _ = try await w.enterpriseB.enterprise.addUser(name: "孙十", account: "clerk-b", password: "Clerk-Pass1")
            try await w.enterpriseA.enterprise.updateUser(account: "clerk-a", name: "钱九九")
            #expect(try await w.enterpriseA.enterprise.users().first { $0.account == "clerk-a" }?.name == "钱九九")
            #expect(await rpcError { try await w.enterpriseA.enterprise.removeUser(account: "clerk-b") }?.code == .notFound)
            #expect(await rpcError { try await w.enterpriseA.enterprise.updateUser(account: "clerk-b", name: "x") }?.code == .notFound)
            try await w.enterpriseA.enterprise.removeUser(account: "clerk-a")
            #expect(try await w.enterpriseA.enterprise.users().map(\.account) == ["admin-a"])
            #expect(try await w.enterpriseB.enterprise.users().map(\.account) == ["admin-b", "clerk-b"])
        }
    }

    @Test("WhoAmI names the enterprise, the account and the person; an enterprise user's province is the enterprise's")
    func whoAmI() async throws {
        try await withTestServer { server in
            let w = try await RouteTests().world(server)
            defer { Task { await w.close() } }
            let enterprise = try await w.enterpriseB.public.whoAmI()
            #expect(enterprise.kind == .enterpriseUser)
            #expect(enterprise.provinceCode == 11 && enterprise.provinceName == "北京市")
            #expect(enterprise.organizationName == "企业admin-b" && enterprise.account == "admin-b" && enterprise.name == "赵六")
            let person = try await w.person.public.whoAmI()
            #expect(person.kind == .individual && person.name == "李四" && person.provinceCode == 0)
            let province = try await w.province37.public.whoAmI()
            #expect(province.provinceCode == 37 && province.organizationName == "山东省住房和城乡建设厅" && province.name == "省审核员")
        }
    }
}

extension String {
    fileprivate var nilIfEmpty: String? { isEmpty ? nil : self }
}
