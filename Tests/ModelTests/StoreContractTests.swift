import Foundation
@testable import Model
import PostgresRegistry
import PostgresStore
import PostgresTestSupport
import Testing

/// One engine under test: a fresh, migrated, empty store and how to throw it away. A second
/// engine (PostgreSQL) adds itself to ``StoreContractTests/engines`` and every contract runs on it.
struct EngineUnderTest: Sendable, CustomStringConvertible {
    let description: String
    let make: @Sendable () async throws -> (store: any RegistryStore, remove: @Sendable () -> Void)

    static let sqlite = EngineUnderTest(description: "SQLite") {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("jzs-contract-\(UUID().uuidString).sqlite").path
        let database = try RegistryDatabase(path: path)
        return (database.store, { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } })
    }

    /// A fresh database on the test process's throw-away PostgreSQL 15 cluster (PostgresTestSupport).
    static let postgresql = EngineUnderTest(description: "PostgreSQL") {
        let url = try await PostgresCluster.shared().makeDatabase()
        let store = try await PostgresRegistryStore.open(url: url, connections: 4)
        return (store, { store.close() })
    }
}

/// What every engine's stores must do, written only against the store protocols (docs/STORE.md).
@Suite("Store contracts")
struct StoreContractTests {
    static let engines: [EngineUnderTest] = [.sqlite, .postgresql]

    @Test("Sessions: stored by token hash, touched, revoked one by one or all of one account", arguments: engines)
    func sessions(engine: EngineUnderTest) async throws {
        let (store, remove) = try await engine.make()
        defer { remove() }
        let a = Data(repeating: 1, count: 32), b = Data(repeating: 2, count: 32), c = Data(repeating: 3, count: 32)
        try await store.write { tx in
            try tx.sessions.insert(StoredSession(tokenHash: a, kind: .individual, principalID: "p1", enterpriseID: nil, isAdministrator: false,
                                                 createdAt: 100, lastSeen: 100, passwordChangeRequired: true))
            try tx.sessions.insert(StoredSession(tokenHash: b, kind: .individual, principalID: "p1", enterpriseID: nil, isAdministrator: false,
                                                 createdAt: 100, lastSeen: 100, passwordChangeRequired: false))
            try tx.sessions.insert(StoredSession(tokenHash: c, kind: .enterpriseUser, principalID: "p1", enterpriseID: "e1", isAdministrator: true,
                                                 createdAt: 100, lastSeen: 100, passwordChangeRequired: false))
        }
        let first = try await store.read { tx in try tx.sessions.session(tokenHash: a) }
        #expect(first == StoredSession(tokenHash: a, kind: .individual, principalID: "p1", enterpriseID: nil, isAdministrator: false,
                                       createdAt: 100, lastSeen: 100, passwordChangeRequired: true))
        try await store.write { tx in try tx.sessions.touch(tokenHash: a, at: 150) }
        #expect(try await store.read { tx in try tx.sessions.session(tokenHash: a)?.lastSeen } == 150)
        #expect(try await store.write { tx in try tx.sessions.revoke(tokenHash: a) })
        #expect(try await store.write { tx in try tx.sessions.revoke(tokenHash: Data(repeating: 9, count: 32)) } == false)
        // Revoking all of one individual leaves the enterprise user with the same id alone.
        try await store.write { tx in try tx.sessions.revokeAll(of: .individual, principalID: "p1") }
        let revoked = try await store.read { tx in try [a, b, c].map { try tx.sessions.session(tokenHash: $0)?.revoked } }
        #expect(revoked == [true, true, false])
        #expect(try await store.read { tx in try tx.sessions.session(tokenHash: c) }?.enterpriseID == "e1")
    }

    @Test("Login guard: attempts counted, lock resets the count, clear forgets; kinds are separate", arguments: engines)
    func loginGuard(engine: EngineUnderTest) async throws {
        let (store, remove) = try await engine.make()
        defer { remove() }
        let hash = Data(repeating: 7, count: 32)
        let person = LoginGuardKey(kind: .individual, hash: hash), user = LoginGuardKey(kind: .enterpriseUser, hash: hash)
        #expect(try await store.read { tx in try tx.loginGuard.state(of: person) } == nil)
        try await store.write { tx in try tx.loginGuard.countAttempt(person); try tx.loginGuard.countAttempt(person) }
        var state = try await store.read { tx in try tx.loginGuard.state(of: person) }
        #expect(state?.failures == 2 && state?.lockedUntil == nil)
        #expect(try await store.read { tx in try tx.loginGuard.state(of: user) } == nil)
        try await store.write { tx in try tx.loginGuard.lock(person, until: 500) }
        state = try await store.read { tx in try tx.loginGuard.state(of: person) }
        #expect(state?.failures == 0 && state?.lockedUntil == 500)
        try await store.write { tx in try tx.loginGuard.countAttempt(person) }
        state = try await store.read { tx in try tx.loginGuard.state(of: person) }
        #expect(state?.failures == 1 && state?.lockedUntil == nil)
        // An attempt never evaluated is taken back, never below 0.
        try await store.write { tx in try tx.loginGuard.uncountAttempt(person); try tx.loginGuard.uncountAttempt(person) }
        state = try await store.read { tx in try tx.loginGuard.state(of: person) }
        #expect(state?.failures == 0 && state?.lockedUntil == nil)
        try await store.write { tx in try tx.loginGuard.clear(person) }
        #expect(try await store.read { tx in try tx.loginGuard.state(of: person) } == nil)
    }

    @Test("SMS codes: the newest live code per purpose, tries counted, consumed codes gone; limits count every send", arguments: engines)
    func smsCodes(engine: EngineUnderTest) async throws {
        let (store, remove) = try await engine.make()
        defer { remove() }
        let phone = "13800138000"
        try await store.write { tx in
            try tx.sms.insertCode(phone: phone, purpose: .passwordReset, codeHash: Data([1]), createdAt: 10, expiresAt: 310)
            try tx.sms.insertCode(phone: phone, purpose: .passwordReset, codeHash: Data([2]), createdAt: 20, expiresAt: 320)
            try tx.sms.insertCode(phone: phone, purpose: .enterpriseSignup, codeHash: Data([3]), createdAt: 30, expiresAt: 330)
            try tx.sms.queue(phone: phone, text: "code", at: Date(timeIntervalSince1970: 30))
        }
        #expect(try await store.read { tx in try tx.sms.lastSent(to: phone) } == 30)
        #expect(try await store.read { tx in try tx.sms.lastSent(to: "13900000000") } == nil)
        #expect(try await store.read { tx in try tx.sms.sentCount(to: phone, since: 15) } == 2)
        let newest = try #require(try await store.read { tx in try tx.sms.newestLiveCode(phone: phone, purpose: .passwordReset) })
        #expect(newest.codeHash == Data([2]) && newest.attempts == 0 && newest.expiresAt == 320)
        try await store.write { tx in try tx.sms.countAttempt(codeID: newest.id) }
        #expect(try await store.read { tx in try tx.sms.newestLiveCode(phone: phone, purpose: .passwordReset)?.attempts } == 1)
        try await store.write { tx in try tx.sms.consume(codeID: newest.id) }
        #expect(try await store.read { tx in try tx.sms.newestLiveCode(phone: phone, purpose: .passwordReset)?.codeHash } == Data([1]))
        #expect(try await store.read { tx in try tx.sms.newestLiveCode(phone: phone, purpose: .individualRegistration) } == nil)
    }

    @Test("Idempotency: an answer stored once per principal and key; a second save of the key is refused", arguments: engines)
    func idempotency(engine: EngineUnderTest) async throws {
        let (store, remove) = try await engine.make()
        defer { remove() }
        #expect(try await store.read { tx in try tx.idempotency.stored(principal: "p", key: "k") } == nil)
        try await store.write { tx in
            try tx.idempotency.save(principal: "p", key: "k", method: "/m", requestHash: Data([1]), response: Data([2]), at: Date())
        }
        let stored = try await store.read { tx in try tx.idempotency.stored(principal: "p", key: "k") }
        #expect(stored?.requestHash == Data([1]) && stored?.response == Data([2]))
        #expect(try await store.read { tx in try tx.idempotency.stored(principal: "other", key: "k") } == nil)
        let again = await registryError {
            try await store.write { tx in
                try tx.idempotency.save(principal: "p", key: "k", method: "/m", requestHash: Data([3]), response: Data([4]), at: Date())
            }
        }
        guard case .storage = again else { Issue.record("a key was stored twice: \(String(describing: again))"); return }
    }

    @Test("Individuals: found by id and ID number, one account per ID number, credentials for login", arguments: engines)
    func individuals(engine: EngineUnderTest) async throws {
        let (store, remove) = try await engine.make()
        defer { remove() }
        let person = StoredIndividual(id: "i1", idNumber: "11010519491231002X", name: "张三", phone: "13800138000", passwordHash: "h",
                                      mustChangePassword: false)
        try await store.write { tx in try tx.accounts.insertIndividual(person, createdAt: Date()) }
        #expect(try await store.read { tx in try tx.accounts.individual(id: "i1") } == person)
        #expect(try await store.read { tx in try tx.accounts.individual(idNumber: person.idNumber) } == person)
        let login = try await store.read { tx in try tx.accounts.credentials(.individual, key: person.idNumber) }
        #expect(login == LoginCredentials(id: "i1", passwordHash: "h", enabled: true, enterpriseID: nil, isAdministrator: false, mustChangePassword: false))
        #expect(try await store.read { tx in try tx.accounts.credentials(.enterpriseUser, key: person.idNumber) } == nil)
        try await store.write { tx in try tx.accounts.reassignIndividual(id: "i1", name: "李四", phone: "13900139000", passwordHash: "t", mustChangePassword: true) }
        let owner = try await store.read { tx in try tx.accounts.individual(id: "i1") }
        #expect(owner?.name == "李四" && owner?.phone == "13900139000" && owner?.passwordHash == "t" && owner?.mustChangePassword == true)
        try await store.write { tx in try tx.accounts.setIndividualPassword(id: "i1", passwordHash: "n", mustChangePassword: false) }
        #expect(try await store.read { tx in try tx.accounts.individual(id: "i1")?.mustChangePassword } == false)
        let twice = await registryError {
            try await store.write { tx in
                try tx.accounts.insertIndividual(StoredIndividual(id: "i2", idNumber: person.idNumber, name: "王五", phone: "13700137000",
                                                                  passwordHash: "h", mustChangePassword: false), createdAt: Date())
            }
        }
        guard case .storage = twice else { Issue.record("two accounts for one ID number: \(String(describing: twice))"); return }
    }
}
