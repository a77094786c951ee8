import Foundation
import NIOCore
import Proto
import RPCClient
import RPCServer
import Testing

@Suite("Wire protocol, frame by frame")
struct ProtocolTests {
    @Test("OK trailers are empty unless the client sent a request-id, which is echoed")
    func trailers() async throws {
        try await withTestServer { server in
            let raw = try await RawConnection(port: server.port, caFile: server.pki.caFile)
            try await raw.sendHeaders(callID: 1, method: Methods.Public.health.path)
            try await raw.sendMessage(callID: 1, Wire.Public.HealthRequest())
            let message = await raw.next(.message)
            #expect(try Wire.Public.HealthResponse(buffer: #require(message).payload).status == .serving)
            let plain = await raw.next(.trailers)
            #expect(plain?.payload.readableBytes == 0)
            try await raw.sendHeaders(callID: 3, method: Methods.Public.health.path, requestID: "abc-123")
            try await raw.sendMessage(callID: 3, Wire.Public.HealthRequest())
            let tagged = try Wire.RPC.CallTrailers(buffer: #require(await raw.next(.trailers)).payload)
            #expect(tagged.code == 0)
            #expect(tagged.metadata == [.init(key: "request-id", value: "abc-123")])
            await raw.close()
        }
    }

    @Test("A call whose MESSAGE never comes ends at its deadline")
    func headersWithoutMessage() async throws {
        try await withTestServer { server in
            let raw = try await RawConnection(port: server.port, caFile: server.pki.caFile)
            try await raw.sendHeaders(callID: 1, method: Methods.Public.echo.path, timeoutMicros: 150_000)
            let trailers = try Wire.RPC.CallTrailers(buffer: #require(await raw.next(.trailers)).payload)
            #expect(trailers.code == StatusCode.deadlineExceeded.rawValue)
            #expect(!trailers.metadata.isEmpty)   // failed calls always carry a request-id
            await raw.close()
        }
    }

    @Test("A MESSAGE without END_STREAM ends the call and frees its slot")
    func clientStreamingRefused() async throws {
        var limits = Limits()
        limits.maxConcurrentCallsPerConnection = 1
        try await withTestServer(limits: limits) { server in
            let raw = try await RawConnection(port: server.port, caFile: server.pki.caFile)
            try await raw.sendHeaders(callID: 1, method: Methods.Public.echo.path)
            try await raw.sendMessage(callID: 1, Wire.Public.EchoRequest(text: "a"), end: false)
            let refused = try Wire.RPC.CallTrailers(buffer: #require(await raw.next(.trailers)).payload)
            #expect(refused.code == StatusCode.unimplemented.rawValue)
            // No request-id from the client, so none in the trailers (§5.4, §6.3).
            #expect(refused.metadata.isEmpty)
            try await raw.sendHeaders(callID: 2, method: Methods.Public.echo.path)
            try await raw.sendMessage(callID: 2, Wire.Public.EchoRequest(text: "b"))
            let answer = try Wire.Public.EchoResponse(buffer: #require(await raw.next(.message)).payload)
            #expect(answer.text == "b")
            _ = await raw.next(.trailers)
            // The client's own request-id is echoed, unchanged.
            try await raw.sendHeaders(callID: 3, method: Methods.Public.echo.path, requestID: "mine-3")
            try await raw.sendMessage(callID: 3, Wire.Public.EchoRequest(text: "c"), end: false)
            let echoed = try Wire.RPC.CallTrailers(buffer: #require(await raw.next(.trailers)).payload)
            #expect(echoed.code == StatusCode.unimplemented.rawValue)
            #expect(echoed.metadata.map { [$0.key, $0.value] } == [["request-id", "mine-3"]])
            await raw.close()
        }
    }

    @Test("PING is answered by PONG with the same eight bytes")
    func ping() async throws {
        try await withTestServer { server in
            let raw = try await RawConnection(port: server.port, caFile: server.pki.caFile)
            var payload = ByteBuffer()
            payload.writeInteger(UInt64(0x0102_0304_0506_0708))
            try await raw.send(.ping, callID: 0, payload: payload)
            let pong = await raw.next(.pong)
            #expect(pong?.payload == payload)
            await raw.close()
        }
    }

    @Test("Call ids that do not increase, or exceed 31 bits, end the connection with GOAWAY",
          arguments: [[UInt32(5), 3], [UInt32(0x8000_0000)]])
    func badCallIDs(ids: [UInt32]) async throws {
        try await withTestServer { server in
            let raw = try await RawConnection(port: server.port, caFile: server.pki.caFile)
            for id in ids { try await raw.sendHeaders(callID: id, method: Methods.Public.health.path) }
            let goAway = try Wire.RPC.GoAway(buffer: #require(await raw.next(.goAway)).payload)
            #expect(goAway.reason == 1)
            #expect(await raw.next() == nil)   // and the connection is closed
            // The server is unharmed.
            try await withClient(server.clientConfiguration()) { client in
                let status = try await client.public.health()
                #expect(status == .serving)
            }
        }
    }

    @Test("Graceful shutdown sends two GOAWAY frames and finishes the call in flight")
    func twoPhaseGoAway() async throws {
        try await withTestServer { server in
            let raw = try await RawConnection(port: server.port, caFile: server.pki.caFile)
            try await raw.sendHeaders(callID: 7, method: Methods.Public.echo.path)
            try await raw.sendMessage(callID: 7, Wire.Public.EchoRequest(text: "slow", delayMillis: 400))
            try await Task.sleep(for: .milliseconds(50))
            async let drained: Void = server.server.shutdown()
            var goAways: [Wire.RPC.GoAway] = []
            var gotAnswer = false
            while let frame = await raw.next() {
                switch frame.kind {
                case .goAway: goAways.append(try Wire.RPC.GoAway(buffer: frame.payload))
                // The server may close right after its last frame; a PONG that meets the closed channel is fine.
                case .ping: try? await raw.send(.pong, callID: 0, payload: frame.payload)
                case .message: gotAnswer = try Wire.Public.EchoResponse(buffer: frame.payload).text == "slow"
                default: break
                }
            }
            await drained
            #expect(goAways.map(\.lastCallID) == [0x7FFF_FFFF, 7])
            #expect(gotAnswer)
        }
    }
}
