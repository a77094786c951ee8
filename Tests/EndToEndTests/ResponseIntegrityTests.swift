import Foundation
import Proto
import RPCClient
import Testing

/// Many concurrent calls of every public method against a real `jzsd` process, every field of
/// every answer compared with what it must be. `make test` runs it against the release build
/// too (JZS_BIN_DIR=.build/release): optimised code once answered WhoAmI with heap bytes in
/// `province_code` that the debug build never showed.
@Suite("Response integrity under concurrency")
struct ResponseIntegrityTests {
    static let calls = 3000
    static let inFlight = 100

    @Test("3,000 calls per caller kind, 100 in flight, over every public method: every field as expected")
    func integrity() async throws {
        try await withSpawnedServer { server in
            let callers: [(name: String?, kind: Wire.Common.CallerKind, province: UInt32, principal: String)] = [
                (nil, .anonymous, 0, "anonymous"),
                ("province-37", .province, 37, "jzs:province:37"),
                ("ministry", .ministry, 0, "jzs:ministry"),
            ]
            for caller in callers {
                let identity = caller.name.map { server.identity($0) }
                let client = try Client(ClientConfiguration(
                    host: "127.0.0.1", port: server.port, trustRootsFile: server.caFile,
                    certificateFile: identity?.cert, privateKeyFile: identity?.key, defaultTimeout: .seconds(30)))
                defer { Task { await client.close() } }
                let expectedServices = try await client.unary(Methods.Public.listServices, .init())
                #expect(expectedServices.services.map(\.name) == ServiceCatalog.services.map(\.name))
                let key = try await client.unary(Methods.Public.getSigningKey, .init())
                let failures = try await withThrowingTaskGroup(of: [String].self) { group in
                    var next = 0
                    var failures: [String] = []
                    func add() {
                        let i = next
                        next += 1
                        group.addTask { try await Self.check(call: i, client: client, caller: caller, services: expectedServices, key: key) }
                    }
                    for _ in 0..<Self.inFlight { add() }
                    while let result = try await group.next() {
                        failures += result
                        if next < Self.calls { add() }
                    }
                    return failures
                }
                #expect(failures.isEmpty, "\(caller.principal): \(failures.count) wrong answers, e.g. \(failures.prefix(5))")
            }
        }
    }

    /// One call of a method chosen by `i`; returns what was wrong with its answer.
    static func check(
        call i: Int, client: Client,
        caller: (name: String?, kind: Wire.Common.CallerKind, province: UInt32, principal: String),
        services: Wire.Public.ListServicesResponse, key: Wire.Public.GetSigningKeyResponse
    ) async throws -> [String] {
        var wrong: [String] = []
        func expect(_ ok: Bool, _ what: @autoclosure () -> String) { if !ok { wrong.append("call \(i): \(what())") } }
        switch i % 8 {
        case 0:
            let r = try await client.unary(Methods.Public.whoAmI, .init())
            expect(r.kind == caller.kind, "WhoAmI.kind \(r.kind)")
            expect(r.provinceCode == caller.province, "WhoAmI.province_code \(r.provinceCode)")
            expect(r.provinceName == (caller.province == 37 ? "山东省" : "") || (caller.province == 37 && r.provinceName.hasPrefix("山东")),
                   "WhoAmI.province_name \(r.provinceName)")
            expect(r.principal == caller.principal, "WhoAmI.principal \(r.principal)")
        case 1:
            let r = try await client.unary(Methods.Public.health, .init())
            expect(r.status == .serving, "Health.status \(r.status)")
        case 2:
            let r = try await client.unary(Methods.Public.listServices, .init())
            expect(r == services, "ListServices differs")
        case 3:
            let payload = (0..<(i % 997)).map { UInt8(truncatingIfNeeded: $0 &+ i) }
            let text = "回声-\(i)-\(String(repeating: "字", count: i % 13))"
            let r = try await client.unary(Methods.Public.echo, .init(payload: payload, text: text))
            expect(r.payload == payload, "Echo.payload differs")
            expect(r.text == text, "Echo.text \(r.text)")
        case 4:
            let payload = (0..<(i % 251)).map { UInt8(truncatingIfNeeded: $0 ^ i) }
            var n = 0
            for try await m in try await client.serverStreaming(Methods.Public.echoStream, .init(payload: payload, count: 5)) {
                expect(m.payload == payload, "EchoStream.payload differs")
                expect(m.text == String(n), "EchoStream.text \(m.text)")
                n += 1
            }
            expect(n == 5, "EchoStream count \(n)")
        case 5:
            let r = try await client.unary(Methods.Public.serverInfo, .init())
            expect(r.protocol == "jzs/1", "ServerInfo.protocol \(r.protocol)")
            expect(r.maxFrameBytes == 4 * 1024 * 1024, "ServerInfo.max_frame_bytes \(r.maxFrameBytes)")
            expect(r.maxConcurrentCalls == 1024, "ServerInfo.max_concurrent_calls \(r.maxConcurrentCalls)")
            expect(r.services == services.services.map(\.name), "ServerInfo.services differ")
        case 6:
            let r = try await client.unary(Methods.Public.getSigningKey, .init())
            expect(r == key, "GetSigningKey differs")
        default:
            let r = try await client.unary(Methods.Public.listAnnouncements, .init())
            expect(r.announcements.isEmpty, "ListAnnouncements not empty on a fresh server")
        }
        return wrong
    }
}
