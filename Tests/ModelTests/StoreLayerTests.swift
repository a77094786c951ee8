import Foundation
import GRDB
@testable import Model
import Testing

/// The store layer (docs/STORE.md): SQL stays in the stores once an aggregate has moved, units
/// of work keep per-item savepoints, and enterprise users are visible by one scope rule.
@Suite("Store layer")
struct StoreLayerTests {
    /// Use-case files whose aggregates moved to the store layer: no SQL and no GRDB in them.
    static let movedUseCases = [
        "Accounts.swift", "IndividualPasswordReset.swift", "LoginResult.swift", "EnterpriseUsers.swift", "CallerIdentity.swift",
        "SMSCodes.swift",
    ]
    /// Tables whose store owns every statement: no use case names them in SQL.
    static let ownedTables = ["sessions", "login_guard", "sms_codes", "sms_outbox", "idempotency_keys"]

    static var useCases: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Model/UseCases")
    }

    @Test("Moved use cases hold no SQL: no statements, no GRDB, no `Database`")
    func movedUseCasesHoldNoSQL() throws {
        let forbidden = ["sql:", "db.execute", "fetchOne(db", "fetchAll(db", "fetchCursor(db", "import GRDB", "Database)", ": Database",
                         "AuditLog.append", "cachedStatement", "inSavepoint"]
        for file in Self.movedUseCases {
            let text = try String(contentsOf: Self.useCases.appendingPathComponent(file), encoding: .utf8)
            for needle in forbidden {
                #expect(!text.contains(needle), "\(file) contains \(needle): its SQL belongs in a store (docs/STORE.md)")
            }
        }
    }

    @Test("No use case names a table whose store owns it")
    func ownedTablesStayInTheirStores() throws {
        let files = try FileManager.default.contentsOfDirectory(at: Self.useCases, includingPropertiesForKeys: nil).filter { $0.pathExtension == "swift" }
        #expect(files.count > 10)
        let pattern = try Regex("(?i)\\b(FROM|INTO|UPDATE|JOIN|TABLE)\\s+(\(Self.ownedTables.joined(separator: "|")))\\b")
        for file in files {
            let text = try String(contentsOf: file, encoding: .utf8)
            #expect(text.firstMatch(of: pattern) == nil, "\(file.lastPathComponent) writes SQL on a table a store owns")
        }
    }

    @Test("A failing batch item rolls back to its savepoint; the others commit once")
    func savepointsPerItem() async throws {
        let f = try AccountsFixture()
        defer { f.remove() }
        let store = f.database.store
        let failures: [String] = try await store.write { tx in
            var failed: [String] = []
            for phone in ["13800000001", "13800000002", "13800000003"] {
                do {
                    try tx.savepoint {
                        try tx.sms.queue(phone: phone, text: "item", at: Date())
                        if phone.hasSuffix("2") { throw RegistryError.failedPrecondition(Text(.listedTwice)) }
                    }
                } catch let error as RegistryError {
                    failed.append("\(phone) \(error == .failedPrecondition(Text(.listedTwice)))")
                }
            }
            return failed
        }
        #expect(failures == ["13800000002 true"])
        let kept = try await f.database.pool.read { db in try String.fetchAll(db, sql: "SELECT phone FROM sms_outbox ORDER BY id") }
        #expect(kept == ["13800000001", "13800000003"])
    }

    @Test("A unit of work that throws leaves nothing; a read unit refuses writes")
    func unitsOfWork() async throws {
        let f = try AccountsFixture()
        defer { f.remove() }
        let store = f.database.store
        let thrown = await registryError {
            try await store.write { tx in
                try tx.sms.queue(phone: "13800000001", text: "gone", at: Date())
                throw RegistryError.notFound(Text(.individualNotFound))
            }
        }
        #expect(thrown == .notFound(Text(.individualNotFound)))
        let written = await registryError { try await store.read { tx in try tx.sms.queue(phone: "13800000001", text: "no", at: Date()) } }
        guard case .storage = written else { Issue.record("a read unit wrote: \(String(describing: written))"); return }
        let count = try await f.database.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sms_outbox") }
        #expect(count == 0)
    }

    @Test("Enterprise users are visible by one rule: own enterprise, own province's enterprises, the ministry; nobody else")
    func enterpriseUsersByScope() async throws {
        let f = try AccountsFixture()
        defer { f.remove() }
        try await f.database.pool.write { db in
            for (id, province) in [("e-bj", 11), ("e-sh", 31)] {
                try db.execute(sql: """
                    INSERT INTO enterprises (id, credit_code, name, province_code, legal_representative, registered_address, status, created_at)
                    VALUES (?, ?, ?, ?, '法人', '地址', 'authenticated', 0)
                    """, arguments: [id, "code-\(id)", "企业 \(id)", province])
            }
        }
        try await f.database.store.write { tx in
            for (id, enterprise) in [("u-bj", "e-bj"), ("u-sh", "e-sh")] {
                try tx.accounts.insertEnterpriseUser(StoredEnterpriseUser(id: id, enterpriseID: enterprise, account: "acct-\(id)", name: "用户",
                                                                          passwordHash: "x", isAdministrator: false, enabled: true,
                                                                          mustChangePassword: false), createdAt: Date())
            }
        }
        let beijing = try #require(ProvinceCode(11))
        let cases: [(Scope, [String])] = [
            (.enterprise("e-bj"), ["u-bj"]), (.province(beijing), ["u-bj"]), (.nationwide, ["u-bj", "u-sh"]),
            (.individual("someone"), []), (.nothing, []),
        ]
        for (scope, expected) in cases {
            let seen = try await f.database.store.read { tx in try tx.accounts.enterpriseUsers(visibleTo: scope).map(\.id).sorted() }
            #expect(seen == expected, "\(scope)")
            let one = try await f.database.store.read { tx in try tx.accounts.enterpriseUser(.id("u-sh"), visibleTo: scope)?.id }
            #expect(one == (expected.contains("u-sh") ? "u-sh" : nil), "\(scope)")
        }
    }
}
