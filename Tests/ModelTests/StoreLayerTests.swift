import Foundation
import GRDB
@testable import Model
import Testing

/// The store layer (docs/STORE.md): SQL stays in the stores once an aggregate has moved, units
/// of work keep per-item savepoints, and enterprise users are visible by one scope rule.
@Suite("Store layer")
struct StoreLayerTests {
    /// Use-case files whose aggregates have not moved yet (docs/STORE.md, "Moving"): none. Every
    /// file of Sources/Model/UseCases, present or future, must hold no SQL.
    static let notYetMoved: Set<String> = []
    /// Tables whose store owns every statement: no use case names them in SQL.
    static let ownedTables = [
        "sessions", "login_guard", "sms_codes", "sms_outbox", "idempotency_keys", "applications", "application_events",
        "application_attachments", "registrations", "registration_specialties", "registration_serials", "certificates",
        "announcements", "announcement_items", "audit_log", "enterprises", "enterprise_users", "attachments", "identity_locks",
        "enterprise_changes", "enterprise_change_attachments", "individuals",
    ]

    static var useCases: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/Model/UseCases")
    }

    static func useCaseFiles() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: useCases, includingPropertiesForKeys: nil).filter { $0.pathExtension == "swift" }
    }

    @Test("Moved use cases hold no SQL: no statements, no GRDB, no `Database`, no rows")
    func movedUseCasesHoldNoSQL() throws {
        let forbidden = ["sql:", "db.execute", "fetchOne(", "fetchAll(", "fetchCursor(", "import GRDB", "Database)", ": Database",
                         "AuditLog.append", "cachedStatement", "inSavepoint", "Row.", "StatementArguments", "SELECT ", "INSERT ",
                         "UPDATE ", "DELETE ", "changesCount"]
        let moved = try Self.useCaseFiles().filter { !Self.notYetMoved.contains($0.lastPathComponent) }
        #expect(moved.count >= 16)
        for file in moved {
            let text = try String(contentsOf: file, encoding: .utf8)
            for needle in forbidden {
                #expect(!text.contains(needle), "\(file.lastPathComponent) contains \(needle): its SQL belongs in a store (docs/STORE.md)")
            }
        }
    }

    @Test("Moved use cases spell no stored status: they use the enums")
    func movedUseCasesSpellNoStatus() throws {
        let raw = ApplicationStatus.allCases.map(\.rawValue) + ["active", "cancelled", "valid", "void", "revoked", "expired",
                                                                "draft", "pending", "authenticated", "approved"]
        let moved = try Self.useCaseFiles().filter { !Self.notYetMoved.contains($0.lastPathComponent) }
        for file in moved {
            // An event's action may read like a status (`action: "withdrawn"`): it is history text, not a stored status.
            let text = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "action: \"", with: "action: «")
            for status in raw {
                #expect(!text.contains("'\(status)'") && !text.contains("\"\(status)\""),
                        "\(file.lastPathComponent) spells the status \(status): use its enum")
            }
        }
    }

    @Test("Scope produces no SQL: each store's visible(to:) is the only place a scope becomes a condition")
    func scopeHasNoSQL() throws {
        let scope = Self.useCases.deletingLastPathComponent().appendingPathComponent("Values/Scope.swift")
        let text = try String(contentsOf: scope, encoding: .utf8)
        for moved in ["applicationsFilter", "registrationsFilter", "enterprisesFilter", "enterpriseChangesFilter", "import GRDB", "sql"] {
            #expect(!text.contains(moved), "Scope holds \(moved) again")
        }
    }

    @Test("No use case names a table whose store owns it")
    func ownedTablesStayInTheirStores() throws {
        let files = try Self.useCaseFiles()
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
