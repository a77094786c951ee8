public import NIOCore
public import NIOPosix
public import Logging
internal import Proto
public import ServiceLifecycle
internal import Crypto

/// The jzs RPC server: TLS listener (jzs/1 and gRPC over HTTP/2, chosen by ALPN), one call
/// multiplexer per connection, the router (with `grpc.health.v1.Health` added).
///
/// ```swift
/// var router = Router()
/// PublicService(info: ...).register(with: &router)
/// let server = try await Server.bind(configuration: config, router: router, logger: logger)
/// print(server.localAddress)          // port 0 picks a free port
/// try await server.run()              // until SIGTERM (ServiceLifecycle) or shutdown()
/// ```
public final class Server: Service, Sendable {
    private let channel: any Channel
    private let connections: ConnectionRegistry
    private let logger: Logger
    private let drainTimeout: Duration
    /// What the health services report (the configuration's).
    public let health: HealthState

    /// Where the server listens (with the real port when bound to port 0).
    public let localAddress: SocketAddress

    private init(channel: any Channel, connections: ConnectionRegistry, logger: Logger, drainTimeout: Duration, health: HealthState) {
        self.health = health
        self.channel = channel
        self.connections = connections
        self.logger = logger
        self.drainTimeout = drainTimeout
        self.localAddress = channel.localAddress!
    }

    /// Binds the listener; the server accepts connections from then on.
    public static func bind(
        configuration: ServerConfiguration, router: Router, logger: Logger,
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> Server {
        // grpc.health.v1.Health answers for the whole server and each service it serves.
        var router = router
        let health = configuration.health
        HealthService(state: health, services: ReflectionService.services).register(with: &router)
        let shared = ServerShared(router: router, callers: configuration.callers, limits: configuration.limits, logger: logger,
                                  onDenied: configuration.onDenied)
        let connections = ConnectionRegistry(limits: configuration.limits)
        let tls = configuration.tls
        let limits = configuration.limits
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 256 * 1024, high: 1024 * 1024))
            .childChannelInitializer { channel in
                let connectionID = SecureRandom.hex(4)
                let address = channel.remoteAddress?.ipAddress ?? "?"
                let entry = ConnectionRegistry.Entry(channel: channel, drain: { ServerPipeline.drain(channel) })
                let key: Int
                do {
                    key = try connections.add(entry, address: address)
                } catch {
                    logger.warning("closing new connection before TLS", metadata: ["reason": "\(error)", "address": "\(address)"])
                    return channel.close()
                }
                channel.closeFuture.whenComplete { _ in connections.remove(key) }
                do {
                    try ServerPipeline.configure(channel, shared: shared, connectionID: connectionID, tls: try tls(),
                                                 admission: { connections.admit(key, certificateSerial: $0) })
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    logger.error("cannot set up TLS for a connection", metadata: ["error": "\(error)"])
                    return channel.close()
                }
            }
            .bind(host: configuration.host, port: configuration.port)
            .get()
        logger.notice("jzsd listening", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
        return Server(channel: channel, connections: connections, logger: logger, drainTimeout: limits.drainTimeout, health: health)
    }

    /// Serves until graceful shutdown is requested (SIGTERM through ServiceLifecycle), then drains.
    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await channel.closeFuture.get()
        } onGracefulShutdown: {
            Task { await self.shutdown() }
        }
        await waitForConnections()
    }

    /// Stops accepting, sends two-phase GOAWAY on every connection, waits for calls in flight
    /// (up to the drain timeout) and returns when every connection has closed.
    public func shutdown() async {
        logger.notice("draining", metadata: ["connections": "\(connections.count)"])
        health.beginDraining()
        try? await channel.close().get()
        for entry in connections.all { entry.drain() }
        await waitForConnections()
    }

    private func waitForConnections() async {
        for entry in connections.all {
            try? await entry.channel.closeFuture.get()
        }
    }

    /// Number of open connections.
    public var connectionCount: Int { connections.count }

    /// Closes every open connection made with a client certificate of `serials` (upper-case
    /// hexadecimal, as in the CRL); returns how many. The TLS context refuses new ones.
    @discardableResult
    public func closeConnections(revokedSerials serials: Set<String>) -> Int {
        guard !serials.isEmpty else { return 0 }
        let matched = connections.certificateConnections(serials: serials)
        for entry in matched { ServerPipeline.revoke(entry.channel) }
        if !matched.isEmpty {
            logger.notice("closed connections of revoked certificates", metadata: ["connections": "\(matched.count)"])
        }
        return matched.count
    }
}
