internal import Foundation
internal import Logging
internal import Model
internal import NIOCore
internal import NIOEmbedded
internal import Proto
internal import RPCServer

/// A server connection fed `bytes` as the plaintext a client sends after TLS.
///
/// The channel is built by ``ServerPipeline/configure(_:shared:connectionID:tls:)``, the same
/// entry point the listener uses (frame decoder, then the connection handler with call ids,
/// the concurrency cap, CANCEL, PING, GOAWAY and deadlines), without TLS. The channel becomes
/// active and gets the `TLSHandshakeCompleted` event the handler waits for; then the input
/// arrives in a few reads (split at input-derived points). Between reads, input-derived too,
/// the server may begin its graceful shutdown (``ServerPipeline/drain(_:)``) and the embedded
/// clock may jump, so that the drain, idle, keepalive and first-call timers fire. What the
/// server writes is read and dropped, and the channel is closed.
///
/// Calls run in Swift tasks that start inline (`Task.immediate`) on the calling thread. A
/// handler that suspends would resume on the global executor and then touch the
/// EmbeddedEventLoop from another thread, which is a data race, not a finding. So the router
/// holds only handlers that answer without suspending (see ``FramesFixture/router``), each
/// handler checks that it runs on the fuzzing thread, and `scripts/fuzz` sets `SWIFTNIO_STRICT`
/// so that NIO traps any access from another thread.
public func fuzzFrames(_ bytes: UnsafeRawBufferPointer) {
    _ = framesSession(bytes, keepOutput: false)
}

/// One run of the frames target; returns what the server wrote when `keepOutput` (for the tests
/// that check the harness really reaches the handlers).
/// - Parameter events: whether the server may start draining and the embedded clock may jump
///   (the tests that compare answers turn them off).
package func framesSession(_ bytes: UnsafeRawBufferPointer, keepOutput: Bool, events: Bool = true) -> [UInt8] {
    var output: [UInt8] = []
    func collect(_ channel: EmbeddedChannel) {
        while let chunk = try? channel.readOutbound(as: ByteBuffer.self) {
            if keepOutput { output += chunk.readableBytesView }
        }
    }
    let fixture = FramesFixture.shared
    let channel = EmbeddedChannel()
    defer { _ = try? channel.finish(acceptAlreadyClosed: true) }
    FuzzThread.enter()
    defer { FuzzThread.leave() }
    do {
        try ServerPipeline.configure(channel, shared: fixture.shared, connectionID: "fuzz", tls: nil)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
    } catch {
        fatalError("fuzz frames: cannot set up the channel: \(error)")
    }
    channel.pipeline.fireUserInboundEventTriggered(FuzzTLSFixture.handshakeCompleted)
    var plan = InputPlan(bytes)
    let pieces = plan.pieces(of: bytes.count, maxPieces: 4)
    for (index, piece) in pieces.enumerated() {
        guard channel.isActive else { break }
        // Protocol errors end in GOAWAY and close; an error reaching the end of the pipeline is
        // rethrown here and is an outcome too, not a crash.
        _ = try? channel.writeInbound(channel.allocator.buffer(bytes: UnsafeRawBufferPointer(rebasing: bytes[piece])))
        channel.embeddedEventLoop.run()
        collect(channel)
        // Sometimes the server starts its graceful shutdown (two-phase GOAWAY, the "jzsdrain"
        // PING) here, so that the rest of the input meets a draining connection.
        if events, plan.next() % 16 == 0 {
            ServerPipeline.drain(channel)
            channel.embeddedEventLoop.run()
            collect(channel)
        }
        // Time passes rarely between reads (a jump usually ends the connection, and the rest of
        // the input would be lost), more often after the last one.
        let last = index == pieces.count - 1
        if events, plan.next() % (last ? 4 : 16) == 0 {
            let jump = FramesFixture.clockJumps[Int(plan.next() % UInt64(FramesFixture.clockJumps.count))]
            channel.embeddedEventLoop.advanceTime(by: jump)
            collect(channel)
        }
    }
    if channel.isActive { _ = channel.close() }
    channel.embeddedEventLoop.run()
    collect(channel)
    return output
}

/// What every run of the frames target shares: router, limits, logger.
struct FramesFixture: Sendable {
    let shared: ServerShared

    static let shared = FramesFixture()

    /// Small limits, so that inputs of a few hundred bytes reach every cap: frame size, open
    /// calls, metadata value size, cancel and ping budgets (the metadata entry cap is fixed at 64).
    static let limits: Limits = {
        var l = Limits()
        l.maxFrameBytes = 16 * 1024
        l.maxConcurrentCallsPerConnection = 4
        l.maxMetadataValueBytes = 64
        l.maxOutboundBytes = 64 * 1024
        l.maxInboundBytesInFlight = 32 * 1024
        l.cancelBurst = 4
        l.cancelsPerSecond = 1
        l.pingBurst = 4
        l.pingsPerSecond = 1
        l.anonymousEchoPayloadBytes = 1024
        l.anonymousEchoStreamCount = 8
        l.maxLoggedFieldBytes = 32
        return l
    }()

    /// Clock jumps: a few ticks of the connection's guard, past the first-call and frame-read
    /// timeouts, the keepalive interval, the keepalive interval plus its timeout, the idle
    /// timeout. Timers that re-arm themselves (the guard's tick, keepalive) fire once per
    /// period crossed, so the longest jump costs a few hundred timer runs, no more.
    static let clockJumps: [TimeAmount] = [
        .milliseconds(1500), .seconds(11), .seconds(31), .seconds(61), .seconds(81), .seconds(301),
    ]

    init() {
        let limits = Self.limits
        let services = ServiceCatalog.services.map(\.name)
        let logger = Logger(label: "fuzz") { _ in DiscardingLogHandler() }
        shared = ServerShared(router: Self.router(limits: limits, services: services), callers: CallerResolver(),
                              limits: limits, logger: logger)
    }

    /// `PublicService` (no database) with its two handlers that may sleep replaced.
    ///
    /// Why not the real `Echo` and `EchoStream`: they sleep for `delay_millis` and
    /// `interval_millis`, and a sleeping handler resumes on another thread (see ``fuzzFrames(_:)``).
    /// The replacements answer the same way without sleeping; EchoStream sends at most a few
    /// messages (back-pressure never suspends on an EmbeddedChannel, which is always writable).
    /// Registering a method again replaces its handler. The other Public handlers (Health,
    /// ServerInfo, ListServices, WhoAmI) never suspend, and callers resolve without awaiting
    /// anything: the CallerResolver has no session store, so an `authorization` entry is refused
    /// at once. Methods of the other services are unknown here (UNIMPLEMENTED), which still
    /// covers the whole call bookkeeping; their handlers need the database.
    static func router(limits: Limits, services: [String]) -> Router {
        var router = Router()
        PublicService(version: "fuzz", limits: limits, services: services).register(with: &router)
        router.register(Methods.Public.echo) { request, _ in
            FuzzThread.check("Public/Echo")
            return .init(payload: request.payload, text: request.text)
        }
        router.register(Methods.Public.echoStream) { request, _, stream in
            FuzzThread.check("Public/EchoStream")
            guard request.count <= 10_000 else {
                throw RegistryError.invalid("count", .atMost, "10000")
            }
            for i in 0..<min(request.count, 8) {
                try await stream.send(.init(payload: request.payload, text: String(i)))
                FuzzThread.check("Public/EchoStream after a send")
            }
        }
        return router
    }
}

/// The thread a fuzz input runs on, so that handlers can prove they run inline on it.
enum FuzzThread {
    // One fuzz input at a time per thread; the replay tests may run targets on several threads,
    // so the mark is per thread (a pthread key), not global.
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    static func enter() { pthread_setspecific(key, UnsafeRawPointer(bitPattern: 1)) }
    static func leave() { pthread_setspecific(key, nil) }

    /// Traps when called from a thread that is not running a frames input: a handler suspended
    /// and resumed elsewhere, so the target's single-thread assumption broke.
    static func check(_ what: String) {
        guard pthread_getspecific(key) != nil else {
            fatalError("fuzz frames: \(what) ran off the fuzzing thread; the connection handler no longer runs calls inline, so this target would race on the EmbeddedEventLoop")
        }
    }
}

/// Renders and drops every log line (trace level), so that log formatting of peer-supplied
/// text is exercised without any output.
struct DiscardingLogHandler: LogHandler {
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var sink = 0
        sink &+= event.message.description.utf8.count
        for (key, value) in event.metadata ?? [:] { sink &+= key.utf8.count &+ value.description.utf8.count }
        withExtendedLifetime(sink) {}
    }
}
