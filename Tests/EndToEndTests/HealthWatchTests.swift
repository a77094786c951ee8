import Logging
import Model
import NIOCore
import Proto
import RPCServer
import Synchronization
import Testing

/// `grpc.health.v1.Health/Watch` run through the router without a socket: a watch never outlives
/// the drain, whether it began before the drain or during it, for a known service or not.
@Suite("Health Watch ends with the drain, whenever it begins")
struct HealthWatchTests {
    typealias Status = Wire.GRPCHealthV1.HealthCheckResponse.ServingStatus

    struct WatchOutlivedTheDrain: Error {}

    /// What the watch sent, in order.
    final class Sent: Sendable {
        let statuses = Mutex<[Status]>([])
    }

    /// Runs Watch for `service` on `state` and returns what it sent; `afterSend` runs after each
    /// status went out, with how many went out so far. Fails if the watch has not ended 5 s after
    /// it began.
    static func watch(_ service: String, on state: HealthState,
                      afterSend: @escaping @Sendable (Int) -> Void = { _ in }) async throws -> [Status] {
        var router = Router()
        HealthService(state: state, services: ["jzs.public.v1.Public"]).register(with: &router)
        let method = Methods.GRPCHealthV1.watch
        let entry = try #require(router.entry(for: method.path))
        let payload: ByteBuffer = {
            var buffer = ByteBuffer()
            method.request.encode(.init(service: service), &buffer)
            return buffer
        }()
        let sent = Sent()
        let sink = ResponseSink(
            send: { encode throws(RPCError) in
                var buffer = ByteBuffer()
                encode(&buffer)
                guard let status = try? method.response.decode(buffer).status else { throw RPCError(code: .internalError, message: "undecodable") }
                let count = sent.statuses.withLock { statuses -> Int in
                    statuses.append(status)
                    return statuses.count
                }
                afterSend(count)
            },
            waitWritable: {}, waitForRoom: {})
        let context = CallContext(caller: .anonymous, method: method.path, metadata: Metadata(), requestID: "watch",
                                  deadline: .now + .seconds(60), logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await entry(payload, context, sink) }
            group.addTask {
                try await Task.sleep(for: .seconds(5))
                throw WatchOutlivedTheDrain()
            }
            try await group.next()
            group.cancelAll()
        }
        return sent.statuses.withLock { $0 }
    }

    @Test("A watch begun while the server drains says NOT_SERVING and ends")
    func begunWhileDraining() async throws {
        let state = HealthState()
        state.beginDraining()
        #expect(try await Self.watch("", on: state) == [.notServing])
        #expect(try await Self.watch("jzs.public.v1.Public", on: state) == [.notServing])
    }

    @Test("A watch of an unknown service begun while the server drains says SERVICE_UNKNOWN and ends")
    func unknownBegunWhileDraining() async throws {
        let state = HealthState()
        state.beginDraining()
        #expect(try await Self.watch("no.such.Service", on: state) == [.serviceUnknown])
    }

    @Test("A watch under way when the drain begins says NOT_SERVING and ends; one of an unknown service just ends")
    func underWayWhenDraining() async throws {
        let state = HealthState()
        #expect(try await Self.watch("", on: state, afterSend: { if $0 == 1 { state.beginDraining() } }) == [.serving, .notServing])
        let other = HealthState()
        #expect(try await Self.watch("no.such.Service", on: other, afterSend: { if $0 == 1 { other.beginDraining() } }) == [.serviceUnknown])
    }

    @Test("A watch follows the database going and coming back, then ends with the drain")
    func followsTheDatabase() async throws {
        let state = HealthState()
        // Each change comes after the watch sent the previous status.
        let statuses = try await Self.watch("", on: state, afterSend: { sent in
            switch sent {
            case 1: state.setStoreReachable(false)
            case 2: state.setStoreReachable(true)
            default: state.beginDraining()
            }
        })
        #expect(statuses == [.serving, .notServing, .serving, .notServing])
    }
}
