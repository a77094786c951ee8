import Foundation
import PostgresStore
import PostgresTestSupport
import Testing

/// A pool on a fresh database of the shared test cluster.
func withTestPool<R: Sendable>(size: Int = 4, _ body: (PGPool, String) async throws -> R) async throws -> R {
    let url = try await PostgresCluster.shared().makeDatabase()
    let pool = PGPool(url: url, size: size)
    defer { pool.close() }
    return try await body(pool, url)
}

struct Boom: Error {}

@Suite("PGConnection: statements, types and errors on PostgreSQL 15", .timeLimit(.minutes(2)))
struct PGConnectionTests {
    @Test("Connects over loopback without TLS to a PostgreSQL 15 server")
    func connects() async throws {
        try await withTestPool { pool, _ in
            let (version, tls) = try await pool.withConnection { ($0.serverVersion, $0.usesTLS) }
            #expect(version >= 150000 && version < 160000)
            #expect(!tls)
        }
    }

    @Test("Every value shape round-trips through parameters and rows: bytea, NULL, Chinese text, extremes")
    func roundTripsEveryType() async throws {
        try await withTestPool { pool, _ in
            let blob = (0...255).map(UInt8.init) + [0, 0, 92, 120]   // NUL bytes and a literal "\x"
            let text = "注册建造师 · 统一社会信用代码 91110000MA01ABCD2X 😀 'quoted' \\ back"
            let id = try await pool.write { tx in
                try tx.execute("""
                    CREATE TABLE everything (id bigserial PRIMARY KEY, flag boolean, big bigint, small integer,
                        ratio double precision, amount numeric, name text, code varchar(20), body bytea,
                        empty_body bytea, empty_name text, missing text, missing_int bigint, at timestamptz)
                    """)
                return try tx.queryOne("""
                    INSERT INTO everything (flag, big, small, ratio, amount, name, code, body, empty_body, empty_name,
                        missing, missing_int, at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id
                    """, true, Int64.max, Int32.min, 0.1 + 0.2, PGValue.numeric("12345678901234567890.125"), text, "CODE-1",
                    blob, [UInt8](), "", String?.none, Int?.none, "2026-01-02 03:04:05.678+08")!.decode(Int64.self, at: 0)
            }
            let row = try #require(try await pool.read { tx in try tx.queryOne("SELECT * FROM everything WHERE id = $1", id) })
            #expect(try row.decode(Bool.self, "flag") == true)
            #expect(try row.decode(Int64.self, "big") == Int64.max)
            #expect(try row.decode(Int32.self, "small") == Int32.min)
            #expect(try row.decode(Double.self, "ratio") == 0.1 + 0.2)
            #expect(try row.decode(String.self, "amount") == "12345678901234567890.125")
            #expect(try row.decode(String.self, "name") == text)
            #expect(try row.decode(String.self, "code") == "CODE-1")
            #expect(try row.decode([UInt8].self, "body") == blob)
            #expect(try row.decode(Data.self, "body") == Data(blob))
            #expect(try row.decode([UInt8].self, "empty_body") == [])
            #expect(try row.decode(String.self, "empty_name") == "")
            #expect(try row.decode(String?.self, "missing") == nil)
            #expect(try row.decode(Int?.self, "missing_int") == nil)
            #expect(try row.decode(PGValue.self, "missing") == .null)
            #expect(try row.decode(String.self, "at").hasPrefix("2026-01-0"))   // a timestamptz arrives as text
            #expect(try await pool.read { tx in
                try tx.queryOne("SELECT at = '2026-01-02 03:04:05.678+08'::timestamptz FROM everything")!.decode(Bool.self, at: 0)
            })
            #expect(throws: PGError.self) { try row.decode(String.self, "missing") }          // NULL is not a String
            #expect(throws: PGError.self) { try row.decode(Int.self, "name") }

            // Doubles keep their exact value, infinities included.
            let doubles: [Double] = [.pi, -0.0, 1e-300, .greatestFiniteMagnitude, .infinity, -.infinity]
            let back = try await pool.read { tx in
                try doubles.map { d throws(PGError) in try tx.queryOne("SELECT $1::float8", d)!.decode(Double.self, at: 0) }
            }
            #expect(back == doubles)
            // Aggregates: count is bigint, sum of bigint is numeric.
            let (count, sum) = try await pool.read { tx in
                let row = try tx.queryOne("SELECT count(*), sum(big) FROM everything")!
                return (try row.decode(Int.self, at: 0), try row.decode(Int64.self, at: 1))
            }
            #expect(count == 1 && sum == Int64.max)
        }
    }

    @Test("A duplicate key is a uniqueViolation naming the constraint, and the pool goes on")
    func uniqueViolation() async throws {
        try await withTestPool { pool, _ in
            try await pool.write { tx in
                try tx.execute("CREATE TABLE people (id_number text CONSTRAINT people_one_per_id UNIQUE, name text NOT NULL)")
                try tx.execute("INSERT INTO people VALUES ($1, $2)", "110101199003074514", "张三")
            }
            await #expect {
                try await pool.write { tx in try tx.execute("INSERT INTO people VALUES ($1, $2)", "110101199003074514", "李四") }
            } throws: { error in
                guard case PGError.uniqueViolation(let constraint, _) = error else { return false }
                return constraint == "people_one_per_id" && (error as? PGError)?.sqlState == "23505"
            }
            await #expect {
                try await pool.write { tx in try tx.execute("INSERT INTO people VALUES ($1, NULL)", "x") }
            } throws: { error in
                guard case PGError.constraintViolation(let state, _, _) = error else { return false }
                return state == "23502"   // not_null_violation
            }
            let count = try await pool.read { tx in try tx.queryOne("SELECT count(*) FROM people")!.decode(Int.self, at: 0) }
            #expect(count == 1)
        }
    }

    @Test("A unit of work that throws is rolled back")
    func rollsBackOnThrow() async throws {
        try await withTestPool { pool, _ in
            try await pool.write { tx in try tx.execute("CREATE TABLE t (v int)") }
            await #expect(throws: Boom.self) {
                try await pool.write { tx in
                    try tx.execute("INSERT INTO t VALUES (1)")
                    throw Boom()
                }
            }
            let count = try await pool.read { tx in try tx.queryOne("SELECT count(*) FROM t")!.decode(Int.self, at: 0) }
            #expect(count == 0)
        }
    }

    @Test("A failed savepoint rolls back only its own work; the outer transaction commits")
    func savepointKeepsOuterWork() async throws {
        try await withTestPool { pool, _ in
            try await pool.write { tx in try tx.execute("CREATE TABLE items (v int PRIMARY KEY)") }
            // Given a batch whose second and third items fail (a thrown error, a duplicate key)
            let outcomes = try await pool.write { tx in
                try tx.execute("INSERT INTO items VALUES (1)")
                var outcomes: [Bool] = []
                for item in [2, 3, 4] {
                    do {
                        try tx.savepoint { tx in
                            try tx.execute("INSERT INTO items VALUES ($1)", item == 3 ? 1 : item)
                            if item == 2 { throw Boom() }
                        }
                        outcomes.append(true)
                    } catch {
                        outcomes.append(false)
                    }
                }
                try tx.execute("INSERT INTO items VALUES (5)")
                return outcomes
            }
            // Then the failed items left nothing and the rest committed
            #expect(outcomes == [false, false, true])
            let values = try await pool.read { tx in
                try tx.query("SELECT v FROM items ORDER BY v").map { row throws(PGError) in try row.decode(Int.self, at: 0) }
            }
            #expect(values == [1, 4, 5])
        }
    }

    @Test("An error swallowed without a savepoint fails the commit (transactionAborted), nothing is kept")
    func swallowedErrorAbortsCommit() async throws {
        try await withTestPool { pool, _ in
            try await pool.write { tx in try tx.execute("CREATE TABLE t (v int PRIMARY KEY)") }
            await #expect(throws: PGError.transactionAborted) {
                try await pool.write { tx in
                    try tx.execute("INSERT INTO t VALUES (1)")
                    _ = try? tx.execute("INSERT INTO t VALUES (1)")
                }
            }
            let count = try await pool.read { tx in try tx.queryOne("SELECT count(*) FROM t")!.decode(Int.self, at: 0) }
            #expect(count == 0)
        }
    }

    @Test("A write inside a read unit of work is refused as readOnly")
    func readIsReadOnly() async throws {
        try await withTestPool { pool, _ in
            try await pool.write { tx in try tx.execute("CREATE TABLE t (v int)") }
            await #expect(throws: PGError.self) {
                try await pool.read { tx in try tx.execute("INSERT INTO t VALUES (1)") }
            }
            #expect(try await pool.write { tx in try tx.execute("INSERT INTO t VALUES (1)") } == 1)
        }
    }

    @Test("The multi-host URL skips a host that refuses and connects to the writable one")
    func multiHostSkipsDeadHost() async throws {
        let cluster = try await PostgresCluster.shared()
        let url = try await cluster.makeDatabase()
        let database = String(url.split(separator: "/").last!)
        let closed = try closedPort()
        let multi = "postgresql://\(PostgresCluster.superuser)@127.0.0.1:\(closed),127.0.0.1:\(cluster.port)/\(database)?target_session_attrs=read-write"
        let connection = try PGConnection(url: multi)
        #expect(connection.serverPort == cluster.port)
        #expect(try connection.query("SELECT pg_is_in_recovery()").first?.decode(Bool.self, at: 0) == false)
        // With the dead host alone, connecting fails with libpq's reason.
        #expect {
            _ = try PGConnection(url: "postgresql://\(PostgresCluster.superuser)@127.0.0.1:\(closed)/\(database)")
        } throws: { error in
            guard case PGError.connectionFailed(let message) = error else { return false }
            return message.contains("refused")
        }
    }

    @Test("sslmode is honoured: require fails against a server without TLS, disable connects")
    func sslModeHonoured() async throws {
        let url = try await PostgresCluster.shared().makeDatabase()
        #expect {
            _ = try PGConnection(url: url + "?sslmode=require")
        } throws: { error in
            guard case PGError.connectionFailed(let message) = error else { return false }
            return message.contains("SSL")
        }
        #expect(try PGConnection(url: url + "?sslmode=disable").usesTLS == false)
    }

    @Test("A connection terminated by the server is lost for this unit of work; the next one reconnects")
    func terminatedBackendReconnects() async throws {
        try await withTestPool(size: 1) { pool, _ in
            try await pool.write { tx in try tx.execute("CREATE TABLE t (v int)") }
            await #expect {
                try await pool.write { tx in
                    try tx.execute("INSERT INTO t VALUES (1)")
                    try tx.execute("SELECT pg_terminate_backend(pg_backend_pid())")
                }
            } throws: { error in
                (error as? PGError).map { if case .connectionLost = $0 { true } else { false } } ?? false
            }
            #expect(try await pool.write { tx in try tx.execute("INSERT INTO t VALUES (2)") } == 1)
            let values = try await pool.read { tx in try tx.query("SELECT v FROM t").map { row throws(PGError) in try row.decode(Int.self, at: 0) } }
            #expect(values == [2])
            #expect(pool.reconnects == 1)
        }
    }

    @Test("SQLSTATEs sort into the cases a store acts on", arguments: [
        ("23505", "unique"), ("23503", "constraint"), ("23514", "constraint"), ("40001", "serialization"),
        ("40P01", "deadlock"), ("25006", "readOnly"), ("57P01", "lost"), ("57P02", "lost"), ("08006", "lost"),
        ("42P01", "server"),
    ])
    func classifiesSQLStates(state: String, kind: String) {
        let error = PGError.classify(sqlState: state, message: "m", constraint: "c")
        let found = switch error {
        case .uniqueViolation: "unique"
        case .constraintViolation: "constraint"
        case .serializationFailure: "serialization"
        case .deadlock: "deadlock"
        case .readOnly: "readOnly"
        case .connectionLost: "lost"
        case .server: "server"
        default: "other"
        }
        #expect(found == kind)
        #expect(error.needsReconnect == ["lost", "readOnly"].contains(kind))
    }
}

/// A loopback port with nothing listening (bound, never listened on, then closed).
func closedPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}
