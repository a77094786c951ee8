import Foundation
import GRDB
import Model
import Synchronization
import Testing

/// The login attacks of issue #8: bursts against the lockout, the hashing pool as a lever to
/// stop all logins, and answers that tell real accounts from unknown ones.
@Suite("Logins under attack")
struct LoginAttackTests {
    static let id = "11010519491231002X"

    func login(_ f: AccountsFixture, _ idNumber: String, _ password: String) async -> RegistryError? {
        await registryError { _ = try await f.accounts.loginIndividual(idNumber: idNumber, password: password, audit: f.audit) }
    }

    @Test("60 wrong passwords at once, then the right one: at most 5 are evaluated and the right one is refused while locked")
    func parallelBurst() async throws {
        let f = try AccountsFixture()
        defer { f.remove() }
        _ = try await f.register()
        let before = f.accounts.passwordChecks
        // When 60 wrong passwords arrive at once
        let answers = await withTaskGroup(of: RegistryError?.self) { group in
            for _ in 0..<60 { group.addTask { await login(f, Self.id, "Wrong-Pass1") } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        // Then no more than the policy's 5 were hashed, and the rest were refused as locked
        #expect(f.accounts.passwordChecks - before <= 5)
        #expect(answers.filter { $0 == .unauthenticated(Text(.loginWrongIndividual)) }.count <= 5)
        #expect(answers.allSatisfy { if case .rateLimited = $0 { true } else { $0 == .unauthenticated(Text(.loginWrongIndividual)) } })
        // And the right password is refused while the lock lasts, without being evaluated
        let checks = f.accounts.passwordChecks
        guard case .rateLimited = await login(f, Self.id, "Good-Pass1") else { Issue.record("the right password got in while locked"); return }
        #expect(f.accounts.passwordChecks == checks)
        f.clock.advance(31 * 60)
        #expect(await login(f, Self.id, "Good-Pass1") == nil)
    }

    @Test("A login whose password was never checked (the hashing pool busy, the caller gone) does not count against the key")
    func unevaluatedNotCounted() async throws {
        let f = try AccountsFixture()
        defer { f.remove() }
        _ = try await f.register()
        // Given the hashing pool held (both of its slots) by other work
        let release = DispatchSemaphore(value: 0)
        let holding = HeldSlots()
        let holders = (0..<2).map { _ in Task { try await f.accounts.hashing.run { holding.enter(); release.wait() } } }
        let start = ContinuousClock.now
        while holding.count < 2 {
            try #require(ContinuousClock.now - start < .seconds(20), "the holders never got the pool")
            try await Task.sleep(for: .milliseconds(1))
        }
        // When 7 logins with the wrong password each wait for the pool and their callers give up
        for _ in 0..<7 {
            let attempt = Task { await login(f, Self.id, "Wrong-Pass1") }
            let waiting = ContinuousClock.now
            while f.accounts.hashing.waiting == 0 {
                try #require(ContinuousClock.now - waiting < .seconds(20), "the login never reached the pool")
                try await Task.sleep(for: .milliseconds(1))
            }
            attempt.cancel()
            #expect(await attempt.value == .cancelled)
        }
        for _ in 0..<2 { release.signal() }
        for holder in holders { _ = try await holder.value }
        // Then none of them counted (5 failures lock the key): the right password logs in
        #expect(await login(f, Self.id, "Good-Pass1") == nil)
    }

    @Test("An unknown ID number locks and answers exactly like a real one")
    func unknownLikeReal() async throws {
        let f = try AccountsFixture()
        defer { f.remove() }
        _ = try await f.register()
        let unknown = "110105198506150030"
        var real: [RegistryError?] = []
        var ghost: [RegistryError?] = []
        for _ in 0..<7 {
            real.append(await login(f, Self.id, "Wrong-Pass1"))
            ghost.append(await login(f, unknown, "Wrong-Pass1"))
        }
        #expect(real == ghost)
        guard case .rateLimited = real.last! else { Issue.record("no lock: \(real)"); return }
    }

    @Test("One SMS code cannot test many ID numbers: it is used up by the first attempt, even one that finds the account exists")
    func smsCodeUsedUp() async throws {
        let f = try AccountsFixture()
        defer { f.remove() }
        _ = try await f.register(Self.id, phone: "13800138000")
        try await f.accounts.sendSMSCode(phone: "13900139000", purpose: .individualRegistration, audit: f.audit)
        let code = try f.lastCode("13900139000")
        func attempt(_ idNumber: String) async -> RegistryError? {
            await registryError {
                _ = try await f.accounts.registerIndividual(.init(idNumber: idNumber, name: "李四", phone: "13900139000", password: "Good-Pass1",
                                                                  passwordAgain: "Good-Pass1", smsCode: code), audit: f.audit)
            }
        }
        #expect(await attempt(Self.id) == .alreadyExists(Text(.individualExists)))
        guard case .invalidFields(let violations) = await attempt("110105198506150030") else { Issue.record("the code was reused"); return }
        #expect(violations.map(\.field) == ["sms_code"])
    }

    @Test("Every failure, lock and refusal leaves an audit row without the password or the full ID number")
    func auditedFailures() async throws {
        let f = try AccountsFixture()
        defer { f.remove() }
        for _ in 0..<6 { _ = await login(f, "110105198506150030", "Secret-Pass9") }
        let rows = try await f.database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT target, result FROM audit_log WHERE method = '/test' ORDER BY id")
        }
        let results = rows.map { $0["result"] as String }
        #expect(results.filter { $0.hasPrefix("login failed") }.count == 5)
        #expect(results.contains("login refused: locked") || results.contains("locked"))
        for row in rows {
            let target: String = row["target"]
            #expect(!target.contains("110105198506150030"))
            #expect(!target.contains("Secret-Pass9"))
        }
    }
}

@Suite("Bounded work pool")
struct WorkPoolTests {
    /// What ran, in order.
    final class Recorder: Sendable {
        private let values = Mutex<[Int]>([])
        func append(_ v: Int) { values.withLock { $0.append(v) } }
        var all: [Int] { values.withLock { $0 } }
    }

    /// A gate the first job waits on, so the pool's only slot stays taken.
    final class Gate: @unchecked Sendable {
        // @unchecked: a semaphore is thread-safe.
        let semaphore = DispatchSemaphore(value: 0)
    }

    @Test("A full queue refuses at once; a cancelled waiter's work never runs")
    func fullAndCancelled() async throws {
        let pool = WorkPool(label: "test", width: 1, queueLimit: 2)
        let gate = Gate()
        let ran = Recorder()
        // The slot: blocked until the gate opens.
        let holder = Task { try await pool.run { gate.semaphore.wait(); ran.append(0) } }
        try await Task.sleep(for: .milliseconds(100))
        // Two waiters fill the queue...
        let kept = Task { try await pool.run { ran.append(1) } }
        let dropped = Task { try await pool.run { ran.append(2) } }
        try await Task.sleep(for: .milliseconds(100))
        // ...a third is refused at once
        await #expect(throws: WorkPool.Full.self) { try await pool.run { ran.append(3) } }
        // The caller of the second gives up: its work never runs.
        dropped.cancel()
        await #expect(throws: CancellationError.self) { try await dropped.value }
        gate.semaphore.signal()
        try await holder.value
        try await kept.value
        #expect(ran.all == [0, 1])
        #expect(pool.completed == 2)
    }
}

/// Counts the pool slots a test's work holds (entered from the pool's threads).
private final class HeldSlots: Sendable {
    private let held = Mutex(0)
    func enter() { held.withLock { $0 += 1 } }
    var count: Int { held.withLock { $0 } }
}
