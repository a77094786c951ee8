import Foundation
import PostgresStore
import Testing

/// The health probe against a host that accepts connections and never answers (a hung primary,
/// a proxy in front of nothing): it answers false by its timeout, a second probe meanwhile does not
/// queue behind the first, and a cancelled caller (a server shutting down) is not kept waiting.
/// No PostgreSQL needed: the "server" is a bare listening socket.
@Suite("PGPool.probe against a host that never answers", .timeLimit(.minutes(1)))
struct PGProbeTests {
    @Test("A hanging host reads as unreachable by the timeout; a second probe meanwhile answers false at once")
    func hangingHost() async throws {
        try await Self.withHangingHost { pool in
            let started = ContinuousClock.now
            async let first = pool.probe(timeout: .milliseconds(300))
            while !pool.isProbing {   // the first probe's attempt is under way (and hangs)
                try #require(ContinuousClock.now - started < .seconds(20), "the first probe never started")
                try await Task.sleep(for: .milliseconds(5))
            }
            let asked = ContinuousClock.now
            let second = await pool.probe(timeout: .seconds(30))
            #expect(second == false)
            #expect(await first == false)
            // The 30 s of the second probe were never waited for; the first ended by its own timeout.
            #expect(ContinuousClock.now - asked < .seconds(20))
        }
    }

    @Test("A cancelled probe answers false without waiting for its timeout")
    func cancelled() async throws {
        try await Self.withHangingHost { pool in
            let probe = Task { await pool.probe(timeout: .seconds(60)) }
            try await Task.sleep(for: .milliseconds(100))
            let cancelled = ContinuousClock.now
            probe.cancel()
            #expect(await probe.value == false)
            // Well under the 60 s timeout, with room for a loaded machine.
            #expect(ContinuousClock.now - cancelled < .seconds(20))
        }
    }

    /// A pool of one connection whose only host accepts and never answers.
    static func withHangingHost(_ body: (PGPool) async throws -> Void) async throws {
        let listener = try SilentListener()
        defer { listener.close() }
        let pool = PGPool(url: "postgresql://jzs@127.0.0.1:\(listener.port)/jzs", size: 1)
        defer { pool.close() }
        try await body(pool)
    }
}

/// A TCP listener on 127.0.0.1 whose kernel completes handshakes (backlog) but which never reads or
/// writes: libpq's startup waits on it until the socket closes.
private final class SilentListener {
    let descriptor: Int32
    let port: Int

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else { Glibc.close(fd); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        descriptor = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    /// Closing the listener resets the connections still in its backlog, so the probe's thread ends.
    func close() { Glibc.close(descriptor) }
}
