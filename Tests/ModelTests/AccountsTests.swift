import Foundation
import GRDB
import Model
import Synchronization
import Testing

/// A clock tests move by hand.
final class TestClock: Sendable {
    // Starts at the real time: certificates issued during a test are valid from it.
    private let value = Mutex(Date())
    var now: Date { value.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { value.withLock { $0 += seconds } }
}

/// A fresh database file, accounts on a hand-moved clock, and helpers.
struct AccountsFixture {
    let database: RegistryDatabase
    let accounts: Accounts
    let clock = TestClock()
    let path: String
    let audit = AuditContext(caller: .anonymous, method: "/test", requestID: "t-1")

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("jzs-acc-\(UUID().uuidString).sqlite").path
        database = try RegistryDatabase(path: path)
        let clock = self.clock
        accounts = Accounts(database: database, policy: .testing, now: { clock.now })
    }

    func lastCode(_ phone: String) throws -> String {
        let text = try database.pool.read { db in
            try String.fetchOne(db, sql: "SELECT text FROM sms_outbox WHERE phone = ? ORDER BY id DESC LIMIT 1", arguments: [phone])
        }
        // The first run of six digits in the message.
        let runs = (text ?? "").split(whereSeparator: { !($0.isASCII && $0.isNumber) })
        return String(try #require(runs.first { $0.count == 6 }))
    }

    func register(_ idNumber: String = "11010519491231002X", phone: String = "13800138000", password: String = "Good-Pass1") async throws -> String {
        try await accounts.sendSMSCode(phone: phone, purpose: .individualRegistration, audit: audit)
        let code = try lastCode(phone)
        return try await accounts.registerIndividual(.init(idNumber: idNumber, name: "张三", phone: phone, password: password,
                                                           passwordAgain: password, smsCode: code), audit: audit)
    }

    func remove() { for s in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + s) } }
}

func registryError(_ body: () async throws -> Void) async -> RegistryError? {
    do { try await body(); return nil } catch let e as RegistryError { return e } catch { return .storage("\(error)") }
}

@Suite("Accounts and sessions")
struct AccountsTests {
    @Test("Registration needs the SMS code; wrong codes count; three wrong tries spend it")
    func smsCodeRequired() async throws {
        let f = try AccountsFixture()
        defer { f.remove() }
        try await f.accounts.sendSMSCode(phone: "13800138000", purpose: .individualRegistration, audit: f.audit)
        let right = try f.lastCode("13800138000")
        let wrong = right == "000000" ? "111111" : "000000"
        func attempt(_ code: String) async -> RegistryError? {
            await registryError {
                _ = try await f.accounts.registerIndividual(.init(idNumber: "11010519491231002X", name: "张三", phone: "13800138000",
                                                                  password: "Good-Pass1", passwordAgain: "Good-Pass1", smsCode: code), audit: f.audit)
            }
        }
        #expect(await attempt(wrong) == .invalid("sms_code", .smsWrong))
        #expect(await attempt(wrong) == .invalid("sms_code", .smsWrong))
        #expect(await attempt(wrong) == .invalid("sms_code", .smsWrong))
        #expect(await attempt(right) == .invalid("sms_code", .smsTooManyTries))
    }

    @Test("A code works once, for its purpose, within five minutes")
    func smsCodeLifetime() async throws {
        let f = try AccountsFixture()
        defer { f.remove() }
        try await f.accounts.sendSMSCode(phone: "13800138000", purpose: .passwordReset, audit: f.audit)
        let code = try f.lastCode("13800138000")
        let wrongPurpose = await registryError {
            _ = try await f.accounts.registerIndividual(.init(idNumber: "11010519491231002X", name: "张三", phone: "13800138000",
                                                              password: "Good-Pass1", passwordAgain: "Good-Pass1", smsCode: code), audit: f.audit)
        }
        #expect(wrongPurpose == .invalid("sms_code", .smsNotSent))
        f.clock.advance(61)
        try await f.accounts.sendSMSCode(phone: "13800138000", purpose: .individualRegistration, audit: f.audit)
        let fresh = try f.lastCode("13800138000")
        f.clock.advance(301)
        let expired = await registryError {
            _ = try await f.accounts.registerIndividual(.init(idNumber: "11010519491231002X", name: "张三", phone: "13800138000",
                                                              password: "Good-Pass1", passwordAgain: "Good-Pass1", smsCode: fresh), audit: f.audit)
        }
        #expect(expired == .invalid("sms_code", .smsExpired))
    }

    @Test("One SMS per 60 seconds and ten a day per phone")
    func smsRateLimits() async throws {
        let f = try AccountsFixture()
        defer { f.remove() }
        try await f.accounts.sendSMSCode(phone: "13800138000", purpose: .individualRegistration, audit: f.audit)
        let tooSoon = await registryError { try await f.accounts.sendSMSCode(phone: "13800138000", purpose: .individualRegistration, audit: f.audit) }
        guard case .rateLimited = tooSoon else { Issue.record("expected rate limit, got \(String(describing: tooSoon))"); return }
        for _ in 0..<9 {
            f.clock.advance(61)
            try await f.accounts.sendSMSCode(phone: "13800138000", purpose: .individualRegistration, audit: f.audit)
        }
        f.clock.advance(61)
        let eleventh = await registryError { try await f.accounts.sendSMSCode(phone: "13800138000", purpose: .individualRegistration, audit: f.audit) }
        #expect(eleventh == .rateLimited(Text(.smsDailyLimit, "10")))
        // Another phone is unaffected.
        try await f.accounts.sendSMSCode(phone: "13900139000", purpose: .individualRegistration, audit: f.audit)
    }

    @Test("One account per ID number")
    func duplicate() async throws {
        let f = try AccountsFixture()
        defer { f.remove() }
        _ = try await f.register()
        f.clock.advance(61)
        let again = await registryError { _ = try await f.register(phone: "13800138000") }
        #expect(again == .alreadyExists(Text(.individualExists)))
    }

    @Test("Five wrong passwords lock the account for 30 minutes, then it opens again")
    func lockout() async throws {
        let f = try AccountsFixture()
        defer { f.remove() }
        _ = try await f.register()
        for _ in 0..<5 {
            let e = await registryError { _ = try await f.accounts.loginIndividual(idNumber: "11010519491231002X", password: "Wrong-Pass1", audit: f.audit) }
            #expect(e == .unauthenticated(Text(.loginWrongIndividual)))
        }
        let locked = await registryError { _ = try await f.accounts.loginIndividual(idNumber: "11010519491231002X", password: "Good-Pass1", audit: f.audit) }
        guard case .rateLimited = locked else { Issue.record("expected lock, got \(String(describing: locked))"); return }
        f.clock.advance(29 * 60)
        #expect(await registryError { _ = try await f.accounts.loginIndividual(idNumber: "11010519491231002X", password: "Good-Pass1", audit: f.audit) } != nil)
        f.clock.advance(61)
        let token = try await f.accounts.loginIndividual(idNumber: "11010519491231002x", password: "Good-Pass1", audit: f.audit).token
        #expect(token.count == 64)
    }

    @Test("An unknown ID number fails like a wrong password")
    func unknownAccount() async throws {
        let f = try AccountsFixture()
        defer { f.remove() }
        let e = await registryError { _ = try await f.accounts.loginIndividual(idNumber: "11010519491231002X", password: "Good-Pass1", audit: f.audit) }
        #expect(e == .unauthenticated(Text(.loginWrongIndividual)))
    }

    @Test("Sessions end after 30 idle minutes and after 12 hours however active")
    func sessionExpiry() async throws {
        let f = try AccountsFixture()
        defer { f.remove() }
        let id = try await f.register()
        let token = try await f.accounts.loginIndividual(idNumber: "11010519491231002X", password: "Good-Pass1", audit: f.audit).token
        #expect(try await f.accounts.caller(forToken: token) == .individual(individualID: id))
        f.clock.advance(31 * 60)
        #expect(await registryError { _ = try await f.accounts.caller(forToken: token) } == .unauthenticated(Text(.sessionIdle)))

        let busy = try await f.accounts.loginIndividual(idNumber: "11010519491231002X", password: "Good-Pass1", audit: f.audit).token
        for _ in 0..<35 {           // active every 20 minutes for 11h40
            f.clock.advance(20 * 60)
            _ = try await f.accounts.caller(forToken: busy)
        }
        f.clock.advance(21 * 60)
        #expect(await registryError { _ = try await f.accounts.caller(forToken: busy) } == .unauthenticated(Text(.sessionExpired)))
        #expect(await registryError { _ = try await f.accounts.caller(forToken: "zz") } == .unauthenticated(Text(.sessionMalformed)))
    }

    @Test("Logout ends the session; a password change ends them all")
    func revocation() async throws {
        let f = try AccountsFixture()
        defer { f.remove() }
        let id = try await f.register()
        let a = try await f.accounts.loginIndividual(idNumber: "11010519491231002X", password: "Good-Pass1", audit: f.audit).token
        let b = try await f.accounts.loginIndividual(idNumber: "11010519491231002X", password: "Good-Pass1", audit: f.audit).token
        try await f.accounts.logout(token: a, audit: f.audit)
        #expect(await registryError { _ = try await f.accounts.caller(forToken: a) } != nil)
        #expect(try await f.accounts.caller(forToken: b) == .individual(individualID: id))
        let me = Caller.individual(individualID: id)
        #expect(await registryError { try await f.accounts.changePassword(of: me, old: "nope", new: "Newer-Pass2", audit: f.audit) }
                == .invalid("old_password", .oldPasswordWrong))
        try await f.accounts.changePassword(of: me, old: "Good-Pass1", new: "Newer-Pass2", audit: f.audit)
        #expect(await registryError { _ = try await f.accounts.caller(forToken: b) } != nil)
        _ = try await f.accounts.loginIndividual(idNumber: "11010519491231002X", password: "Newer-Pass2", audit: f.audit)
    }

    @Test("A profile is the caller's own; others cannot read it")
    func profileScope() async throws {
        let f = try AccountsFixture()
        defer { f.remove() }
        let a = try await f.register()
        f.clock.advance(61)
        let b = try await f.register("11010519491231003X".validIDVariant, phone: "13900139000")
        #expect(try await f.accounts.profile(of: .individual(individualID: a)).id == a)
        #expect(try await f.accounts.profile(of: .individual(individualID: b)).id == b)
        #expect(await registryError { _ = try await f.accounts.profile(of: .province(ProvinceCode(11)!)) } == .forbidden(Text(.onlyIndividuals)))
        #expect(await registryError { _ = try await f.accounts.profile(of: .individual(individualID: "nobody")) } == .notFound(Text(.individualNotFound)))
    }

    @Test("The audit chain verifies, and a tampered or missing row is found")
    func auditChain() async throws {
        let f = try AccountsFixture()
        defer { f.remove() }
        _ = try await f.register()
        _ = try await f.accounts.loginIndividual(idNumber: "11010519491231002X", password: "Good-Pass1", audit: f.audit)
        let intact = try await f.database.pool.read { try AuditLog.verify(in: $0) }
        #expect(intact == .intact(rows: 3))
        // Tamper around the triggers, as someone with the file could.
        try await f.database.pool.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_no_update")
            try db.execute(sql: "UPDATE audit_log SET result = 'nothing happened' WHERE id = 2")
        }
        #expect(try await f.database.pool.read { try AuditLog.verify(in: $0) } == .broken(rowID: 2, reason: "content does not match its hash"))
        try await f.database.pool.write { db in
            try db.execute(sql: "DROP TRIGGER audit_log_no_delete")
            try db.execute(sql: "DELETE FROM audit_log WHERE id = 1")
        }
        #expect(try await f.database.pool.read { try AuditLog.verify(in: $0) } == .broken(rowID: 2, reason: "row 1 is missing"))
    }
}

extension String {
    /// Fixes the check character of an 18-character ID number (test data helper).
    var validIDVariant: String {
        let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
        let digits = prefix(17).map { Int(String($0))! }
        let sum = zip(digits, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return String(prefix(17)) + String(Array("10X98765432")[sum % 11])
    }
}
