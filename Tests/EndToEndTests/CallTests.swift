import Foundation
import Model
import Proto
import RPCClient
import RPCServer
import Synchronization
import Testing

@Suite("Calls over loopback TLS")
struct CallTests {
    @Test("Health answers SERVING and every public method is listed")
    func healthAndCatalogue() async throws {
        try await withTestServer { server in
            try await withClient(server.clientConfiguration()) { client in
                let got = try await client.public.health()
                #expect(got == .serving)
                let got2 = try await client.public.health(service: "jzs.nowhere.v1.X")
                #expect(got2 == .serviceUnknown)
                let services = try await client.public.listServices()
                #expect(services.map(\.name) == ["jzs.public.v1.Public"])
                #expect(services[0].methods.map(\.path).contains("/jzs.public.v1.Public/WhoAmI"))
                let info = try await client.public.serverInfo()
                #expect(info.protocol == "jzs/1")
                #expect(info.maxFrameBytes == 4 * 1024 * 1024)
            }
        }
    }

    @Test("Many concurrent calls on one connection each get their own answer")
    func concurrentCalls() async throws {
        try await withTestServer { server in
            try await withClient(server.clientConfiguration()) { client in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for i in 0..<200 {
                        group.addTask {
                            let text = "call \(i) 建造师"
                            let response = try await client.public.echo([UInt8(i % 256)], text: text)
                            #expect(response.text == text)
                            #expect(response.payload == [UInt8(i % 256)])
                        }
                    }
                    try await group.waitForAll()
                }
            }
        }
    }

    @Test("A slow call does not hold up fast calls on the same connection")
    func slowCallDoesNotBlock() async throws {
        try await withTestServer { server in
            try await withClient(server.clientConfiguration()) { client in
                // The property, not a wall-clock bound: every fast call finishes while the slow one is still open.
                // The slow call asks for 60 s (room for a loaded CI machine) and is cancelled once the fast ones are done.
                let slowDone = Mutex(false)
                let slow = Task {
                    let r = try await client.public.echo(text: "slow", delayMillis: 60_000)
                    slowDone.withLock { $0 = true }
                    return r
                }
                for _ in 0..<20 { _ = try await client.public.echo(text: "fast") }
                #expect(slowDone.withLock { $0 } == false)
                slow.cancel()
                await #expect(throws: (any Error).self) { try await slow.value }
                // The connection is still fine after the cancellation.
                #expect(try await client.public.echo(text: "after").text == "after")
            }
        }
    }

    @Test("A call past its deadline fails with DEADLINE_EXCEEDED")
    func deadlineExceeded() async throws {
        try await withTestServer { server in
            try await withClient(server.clientConfiguration()) { client in
                let error = await rpcError { _ = try await client.public.echo(text: "late", delayMillis: 3000, timeout: .milliseconds(200)) }
                #expect(error?.code == .deadlineExceeded)
                // The connection is still good.
                let got = try await client.public.echo(text: "after").text
                #expect(got == "after")
            }
        }
    }

    @Test("Cancelling the calling task cancels the server's handler")
    func cancellationReachesHandler() async throws {
        let probe = CancellationProbe()
        try await withTestServer(probe: probe) { server in
            try await withClient(server.clientConfiguration()) { client in
                let task = Task { try await client.unary(TestMethods.block, .init(text: "wait")) }
                while await probe.startedCount == 0 { try await Task.sleep(for: .milliseconds(10)) }
                task.cancel()
                let error = await rpcError { _ = try await task.value }
                #expect(error?.code == .cancelled)
                for _ in 0..<200 where await probe.cancelled == 0 { try await Task.sleep(for: .milliseconds(10)) }
                #expect(await probe.cancelled == 1)
            }
        }
    }

    @Test("More calls than the per-connection limit are refused with RESOURCE_EXHAUSTED")
    func tooManyCalls() async throws {
        var limits = Limits()
        limits.maxConcurrentCallsPerConnection = 2
        let probe = CancellationProbe()
        try await withTestServer(limits: limits, probe: probe) { server in
            try await withClient(server.clientConfiguration()) { client in
                let blocked = (0..<2).map { _ in Task { try await client.unary(TestMethods.block, .init()) } }
                while await probe.startedCount < 2 { try await Task.sleep(for: .milliseconds(10)) }
                let error = await rpcError { _ = try await client.public.echo(text: "third") }
                #expect(error?.code == .resourceExhausted)
                for t in blocked { t.cancel() }
            }
        }
    }

    @Test("A request over the message limit is refused with RESOURCE_EXHAUSTED")
    func oversizedMessage() async throws {
        try await withTestServer { server in
            try await withClient(server.clientConfiguration()) { client in
                let big = [UInt8](repeating: 1, count: 4 * 1024 * 1024 + 1)
                let error = await rpcError { _ = try await client.public.echo(big) }
                #expect(error?.code == .resourceExhausted)
                let got = try await client.public.echo(text: "still fine").text
                #expect(got == "still fine")
            }
        }
    }

    @Test("A frame over the server's maximum ends the connection, not the server")
    func oversizedFrameAtServer() async throws {
        var limits = Limits()
        limits.maxFrameBytes = 64 * 1024
        try await withTestServer(limits: limits) { server in
            var configuration = server.clientConfiguration()
            configuration.maxMessageBytes = 1024 * 1024
            try await withClient(configuration) { client in
                let error = await rpcError { _ = try await client.public.echo([UInt8](repeating: 7, count: 100_000)) }
                #expect(error != nil)
                // The client reconnects and the server still serves.
                let got = try await client.public.echo(text: "again").text
                #expect(got == "again")
            }
        }
    }

    @Test("Invalid UTF-8 in a string field is INVALID_ARGUMENT naming the field")
    func invalidUTF8() async throws {
        try await withTestServer { server in
            try await withClient(server.clientConfiguration()) { client in
                let bad = await rpcError { _ = try await client.unary(TestMethods.rawHealth, .init(payload: [0x61, 0xFF, 0xFE])) }
                #expect(bad?.code == .invalidArgument)
                #expect(bad?.violations.map(\.field) == ["service"])
                #expect(bad?.violations.first?.code == TextCode.notUTF8.rawValue)
                let nul = await rpcError { _ = try await client.unary(TestMethods.rawHealth, .init(payload: [0x61, 0x00, 0x62])) }
                #expect(nul?.violations.first?.field == "service")
                #expect(nul?.violations.first?.code == TextCode.notUTF8.rawValue)
            }
        }
    }

    @Test("An unknown method is UNIMPLEMENTED")
    func unknownMethod() async throws {
        try await withTestServer { server in
            try await withClient(server.clientConfiguration()) { client in
                let nowhere = UnaryMethod<Wire.Public.EchoRequest, Wire.Public.EchoResponse>(path: "/jzs.nowhere.v1.X/Y")
                #expect(await rpcError { _ = try await client.unary(nowhere, .init()) }?.code == .unimplemented)
            }
        }
    }

    @Test("A server-streaming call delivers every message in order")
    func serverStreaming() async throws {
        try await withTestServer { server in
            try await withClient(server.clientConfiguration()) { client in
                var texts: [String] = []
                for try await response in try await client.public.echoStream([1, 2, 3], count: 50) {
                    #expect(response.payload == [1, 2, 3])
                    texts.append(response.text)
                }
                #expect(texts == (0..<50).map(String.init))
            }
        }
    }

    @Test("Graceful shutdown lets calls in flight finish and then refuses new connections")
    func gracefulShutdown() async throws {
        let probe = CancellationProbe()
        let pkiHolder = try await withTestServer(probe: probe) { server in
            let client = try await Client.connect(server.clientConfiguration())
            async let inFlight = client.unary(TestMethods.slow, .init(text: "in flight", delayMillis: 700))
            while await probe.startedCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
            // The call in flight succeeding is the proof that shutdown waited for it.
            await server.server.shutdown()
            let got = try await inFlight.text
            #expect(got == "in flight")
            let after = await rpcError { _ = try await client.public.echo(text: "too late") }
            #expect(after?.code == .unavailable)
            await client.close()
            return server.pki
        }
        _ = pkiHolder
    }
}
