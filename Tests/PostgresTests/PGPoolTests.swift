import Foundation
import PostgresStore
import PostgresTestSupport
import Testing

@Suite("PGPool: concurrency, restarts and failover", .timeLimit(.minutes(2)))
struct PGPoolTests {
    @Test("Concurrent writers through a pool of 4 lose no update; figures for a trivial insert")
    func concurrentWriters() async throws {
        try await withTestPool(size: 4) { pool, _ in
            try await pool.write { tx in
                try tx.execute("CREATE TABLE counter (id int PRIMARY KEY, n bigint NOT NULL)")
                try tx.execute("INSERT INTO counter VALUES (1, 0)")
                try tx.execute("CREATE TABLE log (id bigserial PRIMARY KEY, writer int NOT NULL, seq int NOT NULL)")
            }
            // Given 8 writers, each doing 250 units of work (an insert and a contended increment)
            let writers = 8, perWriter = 250
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        for seq in 0..<perWriter {
                            try await pool.write { tx in
                                try tx.execute("INSERT INTO log (writer, seq) VALUES ($1, $2)", writer, seq)
                                try tx.execute("UPDATE counter SET n = n + 1 WHERE id = 1")
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let contended = ContinuousClock.now - start
            // Then every increment counted and every insert is there
            let (n, rows) = try await pool.read { tx in
                (try tx.queryOne("SELECT n FROM counter")!.decode(Int.self, at: 0),
                 try tx.queryOne("SELECT count(DISTINCT (writer, seq)) FROM log")!.decode(Int.self, at: 0))
            }
            #expect(n == writers * perWriter && rows == writers * perWriter)

            // Figures: one-insert units of work, 8 callers, 4 connections (fsync=off test cluster).
            let units = 4000
            let begin = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for writer in 0..<writers {
                    group.addTask {
                        for seq in 0..<(units / writers) {
                            try await pool.write { tx in try tx.execute("INSERT INTO log (writer, seq) VALUES ($1, $2)", writer + 100, seq) }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let elapsed = ContinuousClock.now - begin
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print("PGPool figures: \(units) one-insert units of work (BEGIN, INSERT, COMMIT) through 4 connections, 8 callers: "
                  + "\(Int(Double(units) / seconds)) units/s; contended insert+update: \(writers * perWriter) units in \(contended)")
        }
    }

    @Test("Two units of work that deadlock both commit: the one PostgreSQL rolls back runs again whole")
    func deadlockRetried() async throws {
        try await withTestPool(size: 4) { pool, _ in
            try await pool.write { tx in
                try tx.execute("CREATE TABLE pair (id int PRIMARY KEY, n int NOT NULL)")
                try tx.execute("INSERT INTO pair VALUES (1, 0), (2, 0)")
                try tx.execute("CREATE TABLE runs (writer int NOT NULL)")
            }
            // Given two writers that lock the two rows in opposite orders, meeting in the middle
            // (each holds its first row when it asks for the second): a certain deadlock.
            let order: [(first: Int, second: Int)] = [(1, 2), (2, 1)]
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (writer, rows) in order.enumerated() {
                    group.addTask {
                        try await pool.write { tx in
                            try tx.execute("INSERT INTO runs VALUES ($1)", writer)
                            try tx.execute("UPDATE pair SET n = n + 1 WHERE id = $1", rows.first)
                            try tx.execute("SELECT pg_sleep(0.3)")
                            try tx.execute("UPDATE pair SET n = n + 1 WHERE id = $1", rows.second)
                        }
                    }
                }
                try await group.waitForAll()
            }
            // Then both committed once (each row counted twice), and one writer's unit ran again
            // (its first run rolled back: one more `runs` row was inserted and undone).
            let (one, two, runs) = try await pool.read { tx in
                (try tx.queryOne("SELECT n FROM pair WHERE id = 1")!.decode(Int.self, at: 0),
                 try tx.queryOne("SELECT n FROM pair WHERE id = 2")!.decode(Int.self, at: 0),
                 try tx.queryOne("SELECT count(*) FROM runs")!.decode(Int.self, at: 0))
            }
            #expect(one == 2 && two == 2 && runs == 2)
            #expect(pool.conflictRetries == 1)
        }
    }

    @Test("Callers past the pool's queue limit are refused with poolBusy; a closed pool refuses everyone")
    func boundedQueue() async throws {
        let url = try await PostgresCluster.shared().makeDatabase()
        let pool = PGPool(url: url, size: 1, queueLimit: 1)
        let gate = DispatchSemaphore(value: 0)
        let started = DispatchSemaphore(value: 0)
        async let holder: Void = pool.withConnection { _ in started.signal(); gate.wait() }   // holds the only connection
        await withCheckedContinuation { c in Thread.detachNewThread { started.wait(); c.resume() } }
        async let waiter: Int = pool.read { tx in try tx.queryOne("SELECT 1")!.decode(Int.self, at: 0) }
        try await waitUntil(timeout: 10) { pool.waitingCallers == 1 }
        await #expect(throws: PGError.poolBusy) { try await pool.read { _ in 0 } }
        gate.signal()
        try await holder
        #expect(try await waiter == 1)
        pool.close()
        await #expect(throws: PGError.poolClosed) { try await pool.read { _ in 0 } }
    }

    @Test("After pg_ctl restart the pool reconnects by itself")
    func reconnectsAfterRestart() async throws {
        let cluster = try await PostgresCluster.start()
        let url = try await cluster.makeDatabase()
        let pool = PGPool(url: url, size: 2)
        // Given both connections open
        try await pool.write { tx in try tx.execute("CREATE TABLE t (v int)") }
        async let a: Int = pool.write { tx in try tx.execute("INSERT INTO t SELECT 1 FROM pg_sleep(0.2)") }
        async let b: Int = pool.write { tx in try tx.execute("INSERT INTO t SELECT 1 FROM pg_sleep(0.2)") }
        _ = try await (a, b)
        // When the server restarts (fast shutdown terminates both sessions)
        try await cluster.restart()
        // Then the next units of work run on new connections
        async let c: Int = pool.write { tx in try tx.execute("INSERT INTO t SELECT 2 FROM pg_sleep(0.2)") }
        async let d: Int = pool.write { tx in try tx.execute("INSERT INTO t SELECT 2 FROM pg_sleep(0.2)") }
        #expect(try await (c, d) == (1, 1))
        let count = try await pool.read { tx in try tx.queryOne("SELECT count(*) FROM t")!.decode(Int.self, at: 0) }
        #expect(count == 4)
        #expect(pool.reconnects == 2)
        // While it is down, calls fail with a reconnectable error rather than hang.
        try await cluster.stop()
        await #expect {
            try await pool.write { tx in try tx.execute("INSERT INTO t VALUES (3)") }
        } throws: { error in (error as? PGError)?.needsReconnect == true }
        pool.close()
        await cluster.destroy()
    }

    @Test("Failover: the primary stops, the synchronous standby is promoted, the multi-host pool writes to it")
    func failoverToPromotedStandby() async throws {
        // Given a primary with a synchronous streaming standby, and a pool on both hosts
        let primary = try await PostgresCluster.start()
        let url = try await primary.makeDatabase()
        let database = String(url.split(separator: "/").last!)
        let standby = try await primary.startStandby(name: "standby1", synchronous: true)
        let hosts = "127.0.0.1:\(primary.port),127.0.0.1:\(standby.port)"
        let pool = PGPool(url: "postgresql://\(PostgresCluster.superuser)@\(hosts)/\(database)?target_session_attrs=read-write", size: 2)

        // The standby is read-only, so the multi-host URL lands on the primary even when the standby comes first.
        let reversed = "postgresql://\(PostgresCluster.superuser)@127.0.0.1:\(standby.port),127.0.0.1:\(primary.port)/\(database)?target_session_attrs=read-write"
        #expect(try PGConnection(url: reversed).serverPort == primary.port)
        #expect {
            _ = try PGConnection(url: "postgresql://\(PostgresCluster.superuser)@127.0.0.1:\(standby.port)/\(database)?target_session_attrs=read-write")
        } throws: { error in
            guard case PGError.connectionFailed = error else { return false }
            return true
        }

        try await pool.write { tx in try tx.execute("CREATE TABLE t (v int PRIMARY KEY)") }
        for v in 1...50 { try await pool.write { tx in try tx.execute("INSERT INTO t VALUES ($1)", v) } }
        let syncState = try await primary.admin { c in
            try c.query("SELECT sync_state FROM pg_stat_replication").first?.decode(String.self, at: 0)
        }
        #expect(syncState == "sync")

        // When the primary dies and the standby is promoted
        try await primary.stop(mode: "immediate")
        await #expect {   // between the two, no writable server: a reconnectable failure, not a hang
            try await pool.write { tx in try tx.execute("INSERT INTO t VALUES (51)") }
        } throws: { error in (error as? PGError)?.needsReconnect == true }
        try await standby.promote()

        // Then the same pool writes to the new primary, and every acknowledged write is there
        #expect(try await pool.write { tx in try tx.execute("INSERT INTO t VALUES (51)") } == 1)
        let (count, port) = try await pool.read { tx in
            (try tx.queryOne("SELECT count(*) FROM t")!.decode(Int.self, at: 0), tx.connection.serverPort)
        }
        #expect(count == 51)
        #expect(port == standby.port)
        pool.close()
        await standby.destroy()
        await primary.destroy()
    }
}
