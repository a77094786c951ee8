import Foundation
import Model
import NIOCore
import Proto
import RPCClient
import RPCServer
import Synchronization
import Testing

/// gRPC over HTTP/2 on the jzs/1 port (ALPN `h2`), driven by our own client with
/// `protocol: .h2`: the same router, callers, access table, limits and errors as jzs/1.
@Suite("gRPC over HTTP/2")
struct GRPCTransportTests {
    static let reflection = ServerStreamingMethod<Wire.GRPCReflectionV1.ServerReflectionRequest, Wire.GRPCReflectionV1.ServerReflectionResponse>(
        path: "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo")
    static let reflectionAlpha = ServerStreamingMethod<Wire.GRPCReflectionV1alpha.ServerReflectionRequest, Wire.GRPCReflectionV1alpha.ServerReflectionResponse>(
        path: "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo")

    @Test("Unary and server-streaming calls over h2; a province certificate is the caller")
    func unaryAndStreaming() async throws {
        try await withTestServer { server in
            try await withClient(server.clientConfiguration(protocol: .h2)) { client in
                let echo = try await client.public.echo([9, 8], text: "你好 h2")
                #expect(echo.text == "你好 h2" && echo.payload == [9, 8])
                let value1 = try await client.public.whoAmI().kind
                #expect(value1 == .anonymous)
                var texts: [String] = []
                for try await response in try await client.public.echoStream([1, 2, 3], count: 50) {
                    #expect(response.payload == [1, 2, 3])
                    texts.append(response.text)
                }
                #expect(texts == (0..<50).map(String.init))
            }
            try await withClient(server.clientConfiguration(as: "province-37", protocol: .h2)) { client in
                let me = try await client.public.whoAmI()
                #expect(me.kind == .province && me.provinceCode == 37 && me.principal == "jzs:province:37")
            }
        }
    }

    @Test("Field violations come back from grpc-status-details-bin (BadRequest) with the message code")
    func fieldViolations() async throws {
        try await withTestServer { server in
            try await withClient(server.clientConfiguration(as: "province-37", protocol: .h2)) { client in
                let error = await rpcError { _ = try await client.provincial.authenticate(enterpriseID: "e1") }
                #expect(error?.code == .invalidArgument)
                #expect(error?.violations.map(\.field) == ["metadata.operator"])
                #expect(error?.violations.first?.code == TextCode.operatorRequired.rawValue)
                #expect(error?.messageCode == TextCode.operatorRequired.rawValue)
                #expect(error?.message.isEmpty == false)
            }
            // Chinese messages survive grpc-message's percent-encoding.
            try await withClient(server.clientConfiguration(as: "province-37", language: .zh, protocol: .h2)) { client in
                let zh = await rpcError { _ = try await client.provincial.authenticate(enterpriseID: "e1") }
                let en = await rpcError { _ = try await withClient(server.clientConfiguration(as: "province-37")) { try await $0.provincial.authenticate(enterpriseID: "e1") } }
                #expect(zh?.message != en?.message && zh?.message.unicodeScalars.contains { $0.value > 0x4E00 } == true)
            }
        }
    }

    @Test("A response over the message limit ends the call RESOURCE_EXHAUSTED in the call's language; the connection carries on",
          arguments: WireProtocol.allCases)
    func responseTooLarge(wire: WireProtocol) async throws {
        var limits = Limits.default
        limits.maxFrameBytes = 64 * 1024
        try await withTestServer(limits: limits) { server in
            for language in [Language.zh, .en] {
                try await withClient(server.clientConfiguration(language: language, protocol: wire)) { client in
                    let error = await rpcError { _ = try await client.unary(TestMethods.sized, .init(delayMillis: 100_000)) }
                    #expect(error?.code == .resourceExhausted, "\(String(describing: error))")
                    #expect(error?.messageCode == TextCode.responseTooLarge.rawValue)
                    #expect(error?.message.contains(language == .zh ? "超过单帧上限" : "exceeds") == true, "\(String(describing: error))")
                    let small = try await client.unary(TestMethods.sized, .init(delayMillis: 1_000))
                    #expect(small.payload.count == 1_000)
                }
            }
        }
    }

    @Test("grpc-timeout is the call's deadline; RST_STREAM cancels the handler's task")
    func deadlineAndCancellation() async throws {
        let probe = CancellationProbe()
        try await withTestServer(probe: probe) { server in
            try await withClient(server.clientConfiguration(protocol: .h2)) { client in
                let error = await rpcError { _ = try await client.unary(TestMethods.block, .init(), timeout: .milliseconds(300)) }
                #expect(error?.code == .deadlineExceeded)
                for _ in 0..<200 where await probe.cancelled == 0 { try await Task.sleep(for: .milliseconds(10)) }
                #expect(await probe.cancelled == 1)

                let task = Task { try await client.unary(TestMethods.block, .init(text: "wait")) }
                while await probe.startedCount < 2 { try await Task.sleep(for: .milliseconds(10)) }
                task.cancel()
                #expect(await rpcError { _ = try await task.value }?.code == .cancelled)
                for _ in 0..<200 where await probe.cancelled < 2 { try await Task.sleep(for: .milliseconds(10)) }
                #expect(await probe.cancelled == 2)
                let value2 = try await client.public.echo(text: "after").text
                #expect(value2 == "after")
            }
        }
    }

    @Test("A bearer token is the session; another province's data stays out of reach")
    func sessionsAndIsolation() async throws {
        try await withTestServer { server in
            let s = try await IsolationTests().sessions(server)
            try await withClient(server.clientConfiguration(session: s.individual, protocol: .h2)) { client in
                let value3 = try await client.public.whoAmI().kind
                #expect(value3 == .individual)
            }
            try await withClient(server.clientConfiguration(session: s.administrator, protocol: .h2)) { client in
                let value4 = try await client.public.whoAmI().kind
                #expect(value4 == .enterpriseUser)
            }
            try await withClient(server.clientConfiguration(session: "not-a-token", protocol: .h2)) { client in
                #expect(await rpcError { _ = try await client.public.whoAmI() }?.code == .unauthenticated)
            }
            try await withClient(server.clientConfiguration(as: "province-11", operator: "x", protocol: .h2)) { client in
                let value5 = try await client.provincial.pendingSignups().isEmpty
                #expect(value5)
                let denied = await rpcError { _ = try await client.provincial.authenticate(enterpriseID: s.enterpriseID) }
                #expect(denied?.code == .permissionDenied || denied?.code == .notFound)
            }
            try await withClient(server.clientConfiguration(operator: "x", protocol: .h2)) { client in
                #expect(await rpcError { _ = try await client.provincial.pendingSignups() }?.code == .permissionDenied)
            }
        }
    }

    @Test("grpc.health.v1.Health: Check per service; Watch follows the database going and coming back, and ends NOT_SERVING when the server drains")
    func health() async throws {
        try await withTestServer { server in
            try await withClient(server.clientConfiguration(protocol: .h2)) { client in
                for service in ["", "jzs.public.v1.Public", "grpc.health.v1.Health"] {
                    let value6 = try await client.unary(Methods.GRPCHealthV1.check, .init(service: service)).status
                    #expect(value6 == .serving)
                }
                #expect(await rpcError { _ = try await client.unary(Methods.GRPCHealthV1.check, .init(service: "no.such.Service")) }?.code == .notFound)
                var statuses = try await client.serverStreaming(Methods.GRPCHealthV1.watch, .init(service: "")).makeAsyncIterator()
                let value7 = try await statuses.next()?.status
                #expect(value7 == .serving)
                // jzsd's probe finds no writable database, then finds it again: Check, Public/Health and Watch follow.
                server.server.health.setStoreReachable(false)
                #expect(try await statuses.next()?.status == .notServing)
                #expect(try await client.unary(Methods.GRPCHealthV1.check, .init(service: "jzs.public.v1.Public")).status == .notServing)
                #expect(try await client.public.health() == .notServing)
                #expect(server.server.health.setStoreReachable(false) == false, "no change, no news")
                server.server.health.setStoreReachable(true)
                #expect(try await statuses.next()?.status == .serving)
                #expect(try await client.public.health() == .serving)
                let shutdown = Task { await server.server.shutdown() }
                let value8 = try await statuses.next()?.status
                #expect(value8 == .notServing)
                let value9 = try await statuses.next()
                #expect(value9 == nil)
                await shutdown.value
            }
        }
    }

    @Test("Server reflection (v1 and v1alpha) lists every service and serves the descriptors")
    func reflection() async throws {
        try await withTestServer { server in
            try await withClient(server.clientConfiguration(protocol: .h2)) { client in
                var names: [String] = []
                for try await response in try await client.serverStreaming(Self.reflection, .init(messageRequest: .listServices(""))) {
                    if case .listServicesResponse(let list)? = response.messageResponse { names += list.service.map(\.name) }
                }
                #expect(Set(names) == Set(ServiceCatalog.services.map(\.name) + ["grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection",
                                                                                "grpc.reflection.v1alpha.ServerReflection"]))
                var files: [[UInt8]] = []
                for try await response in try await client.serverStreaming(Self.reflectionAlpha, .init(messageRequest: .fileContainingSymbol("jzs.public.v1.Public"))) {
                    if case .fileDescriptorResponse(let f)? = response.messageResponse { files += f.fileDescriptorProto }
                }
                #expect(!files.isEmpty && files.first == DescriptorCatalog.bySymbol["jzs.public.v1.Public"]?.bytes)
                // The file's name is field 1 of the FileDescriptorProto.
                #expect(files.first.map { String(decoding: $0.dropFirst(2).prefix(Int($0[1])), as: UTF8.self) }?.hasPrefix("jzs/public/") == true)
            }
        }
    }

    @Test("jzs/1 and h2 clients call the same port at once")
    func bothProtocolsAtOnce() async throws {
        try await withTestServer { server in
            let jzs = try await Client.connect(server.clientConfiguration())
            let h2 = try await Client.connect(server.clientConfiguration(protocol: .h2))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in 0..<200 {
                    let client = i.isMultiple(of: 2) ? jzs : h2
                    group.addTask {
                        let got = try await client.public.echo(text: "\(i)").text
                        #expect(got == "\(i)")
                    }
                }
                try await group.waitForAll()
            }
            await jzs.close()
            await h2.close()
        }
    }

    @Test("A request over the message limit is RESOURCE_EXHAUSTED; the connection goes on")
    func oversizedMessage() async throws {
        var limits = Limits()
        limits.maxFrameBytes = 64 * 1024
        try await withTestServer(limits: limits) { server in
            var configuration = server.clientConfiguration(protocol: .h2)
            configuration.maxMessageBytes = 1 << 20
            try await withClient(configuration) { client in
                let error = await rpcError { _ = try await client.public.echo([UInt8](repeating: 1, count: 200 * 1024)) }
                #expect(error?.code == .resourceExhausted)
                #expect(error?.messageCode == TextCode.requestMessageTooLarge.rawValue)
                let value10 = try await client.public.echo(text: "still fine").text
                #expect(value10 == "still fine")
            }
        }
    }

    @Test("A Rapid Reset flood (RST_STREAM over the bound) ends the connection with GOAWAY")
    func rapidReset() async throws {
        var limits = Limits()
        limits.h2MaxResets = 20
        let probe = CancellationProbe()
        try await withTestServer(limits: limits, probe: probe) { server in
            let client = try await Client.connect(server.clientConfiguration(protocol: .h2))
            #expect(server.server.connectionCount == 1)
            var closedAfter: Int?
            for i in 1...40 {
                let started = await probe.startedCount
                let task = Task { try await client.unary(TestMethods.block, .init()) }
                for _ in 0..<100 where await probe.startedCount == started { try await Task.sleep(for: .milliseconds(2)) }
                task.cancel()
                _ = await rpcError { _ = try await task.value }
                // The server closes the connection right after its GOAWAY (before the next call
                // makes the client open another). Below the bound a short look is enough; past it
                // the close is due, and a loaded machine (the whole suite at once) may take a while.
                let looks = i <= limits.h2MaxResets ? 20 : 600
                for _ in 0..<looks where server.server.connectionCount > 0 { try await Task.sleep(for: .milliseconds(5)) }
                if server.server.connectionCount == 0 {
                    closedAfter = i
                    break
                }
            }
            #expect(closedAfter != nil && closedAfter! >= 20, "the server closed the flooding connection after \(closedAfter.map(String.init) ?? "never") resets")
            #expect(await probe.startedCount <= 22)
            // The client opens a new connection for its next calls (one may still race the
            // closing connection and fail).
            var answered = false
            for _ in 0..<3 where !answered {
                answered = (try? await client.public.echo(text: "again").text) == "again"
            }
            #expect(answered)
            await client.close()
        }
    }
}
