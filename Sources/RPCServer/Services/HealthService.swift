internal import Proto
internal import Model
internal import Synchronization

/// Whether the server serves, for `grpc.health.v1.Health` and `Public/Health` (one per
/// ``Server``, given in its ``ServerConfiguration``): SERVING unless it drains or its database is
/// out of reach (``setStoreReachable(_:)``, from jzsd's periodic probe).
public final class HealthState: Sendable {
    private struct State {
        var draining = false
        var storeReachable = true
        var nextWatcher = 0
        var watchers: [Int: AsyncStream<Void>.Continuation] = [:]
    }

    private let state = Mutex(State())

    public init() {}

    package var draining: Bool { state.withLock { $0.draining } }

    /// Neither draining nor cut off from the database.
    public var serving: Bool { state.withLock { !$0.draining && $0.storeReachable } }

    /// The database answered the last probe (true until one says otherwise).
    public var storeReachable: Bool { state.withLock { $0.storeReachable } }

    /// Records whether the database answers; true when that changed (watchers are told).
    @discardableResult
    public func setStoreReachable(_ reachable: Bool) -> Bool {
        let watchers = state.withLock { s -> [AsyncStream<Void>.Continuation]? in
            guard s.storeReachable != reachable else { return nil }
            s.storeReachable = reachable
            return Array(s.watchers.values)
        }
        guard let watchers else { return false }
        for w in watchers { w.yield() }
        return true
    }

    /// From now on every service reports NOT_SERVING; watchers are told.
    package func beginDraining() {
        let watchers = state.withLock { s -> [AsyncStream<Void>.Continuation] in
            s.draining = true
            return Array(s.watchers.values)
        }
        for w in watchers { w.yield() }
    }

    /// A stream that yields once per change of status (ends when the caller stops iterating).
    package func changes() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = state.withLock { s -> Int in
            s.nextWatcher += 1
            s.watchers[s.nextWatcher] = continuation
            return s.nextWatcher
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.watchers.removeValue(forKey: id) }
        }
        return stream
    }
}

/// `grpc.health.v1.Health` on the router (so on both transports), public like Public/Health:
/// per service — "" for the whole server and each service it serves — SERVING while it runs,
/// NOT_SERVING while its database is out of reach and once it drains. Check answers NOT_FOUND
/// for a service the server does not have; Watch answers SERVICE_UNKNOWN for it, and otherwise
/// the status at once, then each change, and ends after NOT_SERVING when draining begins (so
/// that the drain is not held up by watchers).
package struct HealthService: Sendable {
    typealias Status = Wire.GRPCHealthV1.HealthCheckResponse.ServingStatus

    let state: HealthState
    /// "" and the full name of every service served.
    let services: Set<String>

    package init(state: HealthState, services: [String]) {
        self.state = state
        self.services = Set([""] + services)
    }

    func status(of service: String) -> Status? {
        guard services.contains(service) else { return nil }
        return state.serving ? .serving : .notServing
    }

    package func register(with router: inout Router) {
        let service = self
        router.register(Methods.GRPCHealthV1.check) { request, context in
            guard let status = service.status(of: request.service) else {
                throw RPCError(code: .notFound, Text(.unknownService, "\(LogField.escape(request.service, maxBytes: 128))"), language: context.language)
            }
            return .init(status: status)
        }
        router.register(Methods.GRPCHealthV1.watch) { request, context, stream in
            // Subscribed before the first status is read, so no change between the two is lost.
            var changes = service.state.changes().makeAsyncIterator()
            guard let first = service.status(of: request.service) else {
                try await stream.send(.init(status: .serviceUnknown))
                while !service.state.draining {
                    guard await changes.next() != nil else { return }
                }
                return
            }
            try await stream.send(.init(status: first))
            var last = first
            while true {
                // Draining ends the watch, always after a NOT_SERVING: also when the drain began
                // before the watch, or between its first status and this check.
                let draining = service.state.draining
                let now = draining ? .notServing : (service.status(of: request.service) ?? .notServing)
                if now != last {
                    try await stream.send(.init(status: now))
                    last = now
                }
                if draining { return }
                guard await changes.next() != nil else { return }
            }
        }
    }
}
