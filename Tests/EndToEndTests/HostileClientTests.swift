import Foundation
import NIOCore
import Proto
import RPCClient
import RPCServer
import Testing

/// The attacks of issue #7, each against a real `jzsd` process over loopback TLS (the debug
/// build in `make test`'s first run, the release build in its second): the server must stay up,
/// stay within its memory bounds, close the abusive connection and keep serving everyone else.
@Suite("Hostile clients against a real jzsd", .serialized)
struct HostileClientTests {
    static let mib = 1024 * 1024
    static let echoStream = "/jzs.public.v1.Public/EchoStream"
    static let echo = "/jzs.public.v1.Public/Echo"
    static let health = "/jzs.public.v1.Public/Health"
    /// Memory bounds hold for plain builds; sanitizer runtimes (shadow memory, quarantine) add
    /// hundreds of MiB of their own, so there the bound only guards against runaway growth.
    static let memoryBound = ProcessInfo.processInfo.environment["JZS_SANITIZER"] == nil ? 256 * mib : 2048 * mib

    /// Prints a measured figure for docs/RELIABILITY.md (`swift test … | grep FIGURE`).
    static func figure(_ name: String, _ value: String) {
        print("FIGURE \(name): \(value)")
    }

    /// A server that still answers Health on a fresh connection.
    func expectAlive(_ server: SpawnedServer) async throws {
        #expect(server.isRunning)
        let probe = try await RawConnection(port: server.port, caFile: server.caFile)
        defer { Task { await probe.close() } }
        try await probe.sendHeaders(callID: 1, method: Self.health)
        try await probe.sendMessage(callID: 1, Wire.Public.HealthRequest())
        let trailers = try #require(await probe.next(.trailers))
        #expect(try Wire.RPC.CallTrailers(buffer: trailers.payload).code == 0)
    }

    /// Reads frames until a GOAWAY (nil if the connection closes first).
    func goAway(_ connection: RawConnection) async throws -> Wire.RPC.GoAway? {
        guard let frame = await connection.next(.goAway) else { return nil }
        return try Wire.RPC.GoAway(buffer: frame.payload)
    }

    @Test("A certificate caller that never reads a 10,000 × 1 MiB stream is closed after the write-stall timeout; the server stays small and up")
    func nonReadingStream() async throws {
        try await withSpawnedServer(limits: ["write-stall-timeout=2s"]) { server in
            // Given a province connection that stops reading
            let attacker = try await RawConnection(port: server.port, caFile: server.caFile, certificate: server.identity("province-37"))
            try await attacker.stopReading()
            // When it asks for 10,000 messages of 1 MiB
            try await attacker.sendHeaders(callID: 1, method: Self.echoStream)
            try await attacker.sendMessage(callID: 1, Wire.Public.EchoStreamRequest(payload: Array(repeating: 7, count: Self.mib), count: 10_000))
            // Then the server closes it after the write-stall timeout, never holding much of the stream
            #expect(await server.waitForLog("write-stall timeout", timeout: .seconds(20)), "the non-reading connection was not closed")
            try await attacker.resumeReading()   // a client that does not read cannot see the close
            #expect(await attacker.waitClosed(timeout: .seconds(10)))
            #expect(server.rss.peak < Self.memoryBound, "peak RSS \(server.rss.peak / Self.mib) MiB")
            Self.figure("non-reading stream", "peak RSS \(server.rss.peak / Self.mib) MiB")
            try await expectAlive(server)
        }
    }

    @Test("Anonymous diagnostics have small caps: the issue's 1 MiB × 10,000 stream is refused at once, naming the field")
    func anonymousEchoCaps() async throws {
        try await withSpawnedServer { server in
            let anonymous = try await RawConnection(port: server.port, caFile: server.caFile)
            defer { Task { await anonymous.close() } }
            let cases: [(Wire.Public.EchoStreamRequest, String)] = [
                (.init(payload: Array(repeating: 1, count: Self.mib), count: 10_000), "payload"),
                (.init(payload: [1, 2, 3], count: 101), "count"),
            ]
            for (i, (request, field)) in cases.enumerated() {
                let id = UInt32(2 * i + 1)
                try await anonymous.sendHeaders(callID: id, method: Self.echoStream)
                try await anonymous.sendMessage(callID: id, request)
                let trailers = try Wire.RPC.CallTrailers(buffer: try #require(await anonymous.next(.trailers)).payload)
                #expect(trailers.code == StatusCode.invalidArgument.rawValue)
                #expect(trailers.violations.map(\.field) == [field])
            }
            #expect(server.rss.peak < Self.memoryBound / 2, "peak RSS \(server.rss.peak / Self.mib) MiB")
        }
    }

    @Test("A reading client gets a 300 MiB stream whole while the server's memory stays bounded")
    func readingStream() async throws {
        try await withSpawnedServer { server in
            let client = try await RawConnection(port: server.port, caFile: server.caFile, certificate: server.identity("province-37"))
            defer { Task { await client.close() } }
            let payload = (0..<Self.mib).map { UInt8(truncatingIfNeeded: $0 &* 31) }
            try await client.sendHeaders(callID: 1, method: Self.echoStream)
            try await client.sendMessage(callID: 1, Wire.Public.EchoStreamRequest(payload: payload, count: 300))
            var received = 0
            while let frame = await client.next() {
                if frame.kind == .message {
                    let message = try Wire.Public.EchoResponse(buffer: frame.payload)
                    #expect(message.text == String(received))
                    if received % 50 == 0 { #expect(message.payload == payload) }
                    received += 1
                } else if frame.kind == .trailers {
                    #expect(try Wire.RPC.CallTrailers(buffer: frame.payload).code == 0)
                    break
                }
            }
            #expect(received == 300)
            #expect(server.rss.peak < Self.memoryBound, "peak RSS \(server.rss.peak / Self.mib) MiB")
            Self.figure("reading stream 300 MiB", "peak RSS \(server.rss.peak / Self.mib) MiB")
        }
    }

    @Test("Unread unary answers stop the connection's reading and end at the write-stall timeout; a PING flood gets GOAWAY reason 3")
    func unreadAnswersAndPingFlood() async throws {
        try await withSpawnedServer(limits: ["write-stall-timeout=2s"]) { server in
            // Unread answers: 1000 Echo calls of 16 KiB (16 MB of answers), never read.
            let reader = try await RawConnection(port: server.port, caFile: server.caFile)
            try await reader.stopReading()
            var flood = ByteBuffer()
            let payload = Array(repeating: UInt8(1), count: 16 * 1024)
            for id in 1...1000 {
                var headers = ByteBuffer()
                Wire.RPC.CallHeaders(method: Self.echo).encode(into: &headers)
                FrameEncoder.write(Frame(kind: .headers, callID: UInt32(id), payload: headers), into: &flood)
                var message = ByteBuffer()
                Wire.Public.EchoRequest(payload: payload).encode(into: &message)
                FrameEncoder.write(Frame(kind: .message, flags: .endStream, callID: UInt32(id), payload: message), into: &flood)
            }
            let write = Task { try? await reader.sendRaw(flood) }  // completes only if the server reads it all
            #expect(await reader.waitClosed(timeout: .seconds(20)), "the non-reading connection was not closed")
            write.cancel()
            #expect(server.rss.peak < Self.memoryBound, "peak RSS \(server.rss.peak / Self.mib) MiB")
            Self.figure("unread unary answers", "peak RSS \(server.rss.peak / Self.mib) MiB")

            // PING flood from a peer that reads: closed with GOAWAY reason 3.
            let pinger = try await RawConnection(port: server.port, caFile: server.caFile)
            var pings = ByteBuffer()
            for i in 0..<10_000 {
                var p = ByteBuffer()
                p.writeInteger(UInt64(i))
                FrameEncoder.write(Frame(kind: .ping, callID: 0, payload: p), into: &pings)
            }
            try await pinger.sendRaw(pings)
            let goAway = try #require(try await goAway(pinger))
            #expect(goAway.reason == 3)
            #expect(goAway.message.contains("ping"))
            #expect(await pinger.waitClosed(timeout: .seconds(5)))
            try await expectAlive(server)
        }
    }

    @Test("A cancel storm closes its connection with GOAWAY reason 3; calls on a second connection carry on")
    func cancelStorm() async throws {
        try await withSpawnedServer { server in
            let attacker = try await RawConnection(port: server.port, caFile: server.caFile)
            let bystander = try await RawConnection(port: server.port, caFile: server.caFile)
            defer { Task { await bystander.close() } }
            // The storm: 100,000 call + CANCEL pairs, in chunks, without waiting for answers.
            let storm = Task {
                var id: UInt32 = 1
                var headers = ByteBuffer()
                Wire.RPC.CallHeaders(method: Self.health).encode(into: &headers)
                for _ in 0..<100 {
                    var chunk = ByteBuffer()
                    for _ in 0..<1000 {
                        FrameEncoder.write(Frame(kind: .headers, callID: id, payload: headers), into: &chunk)
                        FrameEncoder.write(Frame(kind: .cancel, callID: id, payload: ByteBuffer()), into: &chunk)
                        id += 1
                    }
                    guard (try? await attacker.sendRaw(chunk)) != nil else { return }
                }
            }
            // Meanwhile the bystander's calls all succeed.
            var latencies: [Duration] = []
            for id in 1...200 {
                let t = ContinuousClock.now
                try await bystander.sendHeaders(callID: UInt32(id), method: Self.health)
                try await bystander.sendMessage(callID: UInt32(id), Wire.Public.HealthRequest())
                let trailers = try #require(await bystander.next(.trailers))
                #expect(try Wire.RPC.CallTrailers(buffer: trailers.payload).code == 0)
                latencies.append(ContinuousClock.now - t)
            }
            latencies.sort()
            Self.figure("cancel storm bystander", "p50 \(latencies[100]), p99 \(latencies[197]), max \(latencies[199])")
            let goAway = try #require(try await goAway(attacker))
            #expect(goAway.reason == 3)
            #expect(await attacker.waitClosed(timeout: .seconds(5)))
            await storm.value
            try await expectAlive(server)
        }
    }

    @Test("A list query with 4 million statuses is refused at once, naming the field, with one short log line")
    func hugeRepeatedField() async throws {
        try await withSpawnedServer { server in
            let province = try await RawConnection(port: server.port, caFile: server.caFile, certificate: server.identity("province-37"))
            defer { Task { await province.close() } }
            // ApplicationQuery.statuses (field 1), packed: 4,000,000 one-byte enum values.
            var message = ByteBuffer()
            message.writeInteger(UInt8(0x0A))
            var length = 4_000_000
            while length >= 0x80 { message.writeInteger(UInt8(length & 0x7F | 0x80)); length >>= 7 }
            message.writeInteger(UInt8(length))
            message.writeRepeatingByte(1, count: 4_000_000)
            try await province.sendHeaders(callID: 1, method: "/jzs.provincial.v1.Provincial/ListApplications")
            let started = ContinuousClock.now
            try await province.send(.message, flags: .endStream, callID: 1, payload: message)
            let frame = try #require(await province.next(.trailers))
            let elapsed = ContinuousClock.now - started
            let trailers = try Wire.RPC.CallTrailers(buffer: frame.payload)
            #expect(trailers.code == StatusCode.invalidArgument.rawValue)
            #expect(trailers.violations.map(\.field) == ["statuses"])
            #expect(elapsed < .seconds(2), "refusal took \(elapsed)")
            Self.figure("4M statuses refused", "\(elapsed)")
            let longest = server.log.split(separator: "\n").map(\.utf8.count).max() ?? 0
            #expect(longest < 1000, "a log line of \(longest) bytes")
        }
    }

    @Test("Connections over the per-address cap are refused with GOAWAY reason 3 while a certificate caller still gets in")
    func connectionsPerAddress() async throws {
        try await withSpawnedServer(limits: ["max-connections-per-address=4"]) { server in
            var connections: [RawConnection] = []
            var refused = 0
            for i in 1...8 {
                let c = try await RawConnection(port: server.port, caFile: server.caFile)
                connections.append(c)
                try? await c.sendHeaders(callID: 1, method: Self.health)
                try? await c.sendMessage(callID: 1, Wire.Public.HealthRequest())
                guard let frame = await c.next() else { refused += 1; continue }
                if frame.kind == .goAway {
                    #expect(try Wire.RPC.GoAway(buffer: frame.payload).reason == 3)
                    refused += 1
                } else {
                    #expect(i <= 4, "connection \(i) was admitted over the cap")
                }
            }
            #expect(refused == 4)
            // A province from the same address: admitted from the reserve.
            let province = try await RawConnection(port: server.port, caFile: server.caFile, certificate: server.identity("province-37"))
            try await province.sendHeaders(callID: 1, method: "/jzs.public.v1.Public/WhoAmI")
            try await province.sendMessage(callID: 1, Wire.Public.WhoAmIRequest())
            let message = try #require(await province.next(.message))
            #expect(try Wire.Public.WhoAmIResponse(buffer: message.payload).provinceCode == 37)
            for c in connections + [province] { await c.close() }
        }
    }

    @Test("Over h2 too: a connection over the per-address cap gets GOAWAY ENHANCE_YOUR_CALM with the reason, which the refused call names")
    func connectionsPerAddressH2() async throws {
        try await withSpawnedServer(limits: ["max-connections-per-address=2"]) { server in
            let configuration = ClientConfiguration(port: server.port, trustRootsFile: server.caFile, defaultTimeout: .seconds(20), protocol: .h2)
            var admitted: [Client] = []
            for _ in 1...2 {
                let client = try await Client.connect(configuration)
                #expect(try await client.public.health() == .serving)
                admitted.append(client)
            }
            // The third connection (and the client's two attempts on new ones) are refused.
            let refused = try await Client.connect(configuration)
            let error = await rpcError { _ = try await refused.public.health() }
            #expect(error?.code == .unavailable, "\(String(describing: error))")
            #expect(error?.message.contains(ConnectionGuard.refusedTooMany) == true, "\(String(describing: error))")
            // The admitted ones still work.
            for client in admitted { #expect(try await client.public.health() == .serving) }
            for client in admitted + [refused] { await client.close() }
        }
    }

    @Test("A partial frame is closed after the frame-read timeout; a silent connection after the first-call timeout")
    func slowPeers() async throws {
        try await withSpawnedServer(limits: ["frame-read-timeout=1s", "first-call-timeout=2s"]) { server in
            let partial = try await RawConnection(port: server.port, caFile: server.caFile)
            var header = ByteBuffer()
            header.writeInteger(UInt32(100))   // a 100-byte MESSAGE announced, 5 of the header's 10 bytes sent
            header.writeInteger(UInt8(1))
            try await partial.sendRaw(header.getSlice(at: 0, length: 5)!)
            let reason = try #require(try await goAway(partial)).reason
            #expect(reason == 1)
            #expect(await partial.waitClosed(timeout: .seconds(5)))

            let silent = try await RawConnection(port: server.port, caFile: server.caFile)
            #expect(try #require(try await goAway(silent)).reason == 2)
            #expect(await silent.waitClosed(timeout: .seconds(5)))
        }
    }

    @Test("Peer text in logs is escaped and capped: a newline in a request-id or method forges no line")
    func logInjection() async throws {
        try await withSpawnedServer { server in
            let c = try await RawConnection(port: server.port, caFile: server.caFile)
            defer { Task { await c.close() } }
            let forged = "x\n2026-01-01T00:00:00+0000 notice jzsd : FORGED\n" + String(repeating: "y", count: 5000)
            try await c.sendHeaders(callID: 1, method: "/jzs.public.v1.Public/Health", requestID: forged)
            try await c.sendMessage(callID: 1, Wire.Public.HealthRequest())
            _ = await c.next(.trailers)
            try await c.sendHeaders(callID: 3, method: "/no\nFORGED/" + String(repeating: "z", count: 5000))
            _ = await c.next(.trailers)
            try await Task.sleep(for: .milliseconds(200))
            let lines = server.log.split(separator: "\n")
            #expect(!lines.contains { $0.hasPrefix("2026-01-01") || $0.hasPrefix("FORGED") })
            #expect(lines.contains { $0.contains("x\\n2026-01-01") })
            #expect((lines.map(\.utf8.count).max() ?? 0) < 1000)
        }
    }

    @Test("After a burst of maximum-size frames the server's memory returns near its baseline")
    func memoryReturns() async throws {
        try await withSpawnedServer { server in
            let warm = try await RawConnection(port: server.port, caFile: server.caFile)
            try await warm.sendHeaders(callID: 1, method: Self.health)
            try await warm.sendMessage(callID: 1, Wire.Public.HealthRequest())
            _ = await warm.next(.trailers)
            await warm.close()
            try await Task.sleep(for: .seconds(1))
            let baseline = server.rss.current
            // 4 connections × 4 frames of nearly 4 MiB (Echo refuses the payload; the frames were read).
            let payload = Array(repeating: UInt8(9), count: 4 * Self.mib - 64)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        let c = try await RawConnection(port: server.port, caFile: server.caFile, certificate: server.identity("ministry"))
                        for id in stride(from: 1, through: 7, by: 2) {
                            try await c.sendHeaders(callID: UInt32(id), method: Self.echo)
                            try await c.sendMessage(callID: UInt32(id), Wire.Public.EchoRequest(payload: payload))
                        }
                        for _ in 0..<4 { _ = await c.next(.trailers) }
                        await c.close()
                    }
                }
                try await group.waitForAll()
            }
            let peak = server.rss.current
            let burstStart = ContinuousClock.now
            var now = peak
            let end = ContinuousClock.now + .seconds(25)
            while now > baseline + (Self.memoryBound == 256 * Self.mib ? 8 : 512) * Self.mib, ContinuousClock.now < end {
                try await Task.sleep(for: .milliseconds(500))
                now = server.rss.current
            }
            Self.figure("memory return", "baseline \(baseline / 1024) KiB, after burst \(peak / 1024) KiB, then \(now / 1024) KiB after \(ContinuousClock.now - burstStart)")
            #expect(now <= baseline + (Self.memoryBound == 256 * Self.mib ? 8 : 512) * Self.mib, "RSS \(now / Self.mib) MiB vs baseline \(baseline / Self.mib) MiB (after the burst \(peak / Self.mib) MiB)")
        }
    }
}
