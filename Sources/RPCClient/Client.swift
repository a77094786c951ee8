public import Proto
internal import NIOCore
internal import NIOPosix
internal import Synchronization
internal import NIOHTTP2
internal import NIOHPACK
internal import Model

/// A connection to a jzs server: many concurrent calls over one TLS connection, deadlines,
/// cancellation, and a new connection after GOAWAY or a failure.
///
/// ```swift
/// let client = try await Client.connect(ClientConfiguration(host: "127.0.0.1", port: 7443,
///                                                           trustRootsFile: "ca.pem"))
/// let health = try await client.public.health()
/// await client.close()
/// ```
public final class Client: Sendable {
    public let configuration: ClientConfiguration
    private let tls: TLSContext
    private let group: any EventLoopGroup
    private let state = Mutex(State())

    private struct State {
        var current: Connection?
        var connecting: EventLoopFuture<Connection>?
        var generation = 0
        var closed = false
        /// Every channel not yet closed through, connected or still opening: ``Client/close()``
        /// waits for each, so that no TLS work of this client runs anywhere once it returns.
        var channels: [ObjectIdentifier: any Channel] = [:]
    }

    struct Connection: Sendable {
        let generation: Int
        let channel: any Channel
        let transport: Transport

        /// The call multiplexer of the protocol ALPN agreed on.
        enum Transport: Sendable {
            case jzs(NIOLoopBound<ClientHandler>)
            case h2(NIOLoopBound<H2ClientConnection>)
        }

        /// Starts `call` on the connection's event loop: inline when already there (tasks run on
        /// the loops when NIO is the global executor), else by enqueueing.
        func start(_ call: PendingCall, outcome: PendingCall.Outcome) {
            onLoop { transport in
                switch transport {
                case .jzs(let handler): handler.value.start(call, outcome: outcome)
                case .h2(let connection): connection.value.start(call, outcome: outcome)
                }
            }
        }

        /// Ends `call` locally and tells the server (CANCEL, or RST_STREAM on HTTP/2).
        func abandon(_ call: PendingCall, error: RPCError) {
            onLoop { transport in
                switch transport {
                case .jzs(let handler): handler.value.abandon(call, error: error)
                case .h2(let connection): connection.value.abandon(call, error: error)
                }
            }
        }

        private func onLoop(_ body: @escaping @Sendable (Transport) -> Void) {
            if channel.eventLoop.inEventLoop {
                body(transport)
            } else {
                channel.eventLoop.execute { [transport] in body(transport) }
            }
        }
    }

    /// Encoded HEADERS frames of calls with no per-call metadata, by path and timeout.
    private let headerCache = Mutex<[HeaderKey: ByteBuffer]>([:])
    private struct HeaderKey: Hashable { let path: String; let timeout: UInt64 }

    /// Creates a client and opens its first connection (so configuration errors surface here).
    ///
    /// When the connection fails, whatever it opened is closed through before the error is thrown
    /// (as ``close()`` does), so a process may exit at once.
    public static func connect(_ configuration: ClientConfiguration) async throws -> Client {
        let client = try Client(configuration)
        do {
            _ = try await client.connection()
        } catch {
            await client.close()
            throw error
        }
        return client
    }

    /// Creates a client; the connection opens on the first call.
    public init(_ configuration: ClientConfiguration) throws {
        self.configuration = configuration
        do {
            self.tls = try TLSContext.client(
                trustRootsFile: configuration.trustRootsFile, serverName: configuration.serverName ?? configuration.host,
                certificateFile: configuration.certificateFile, privateKeyFile: configuration.privateKeyFile,
                alpn: configuration.protocol.alpn)
        } catch {
            throw RPCError(code: .invalidArgument, message: "TLS configuration: \(TransportErrorText.reason(error))", messageCode: ClientCode.tlsConfiguration)
        }
        self.group = MultiThreadedEventLoopGroup.singleton
    }

    /// Closes every connection (calls in flight fail with UNAVAILABLE), and those still opening.
    ///
    /// When it returns, nothing of the client runs on the event loops: call it before the process
    /// exits. OpenSSL frees its global tables at exit (atexit); an event loop still inside
    /// `SSL_read` on an open connection then (for instance reading the session tickets a TLS 1.3
    /// server sends just after the handshake) crashes the process.
    public func close() async {
        let channels = state.withLock { s -> [any Channel] in
            s.closed = true
            s.current = nil
            return Array(s.channels.values)
        }
        for channel in channels {
            try? await channel.close().get()
            // close() completes before NIO removes the handlers; the close future after. Waiting
            // for it means nothing of the connection is left running when close() returns (a
            // process that exits right after otherwise still holds the handler, which LSan flags,
            // and may still be in OpenSSL when its atexit cleanup runs).
            try? await channel.closeFuture.get()
        }
    }

    // MARK: Calls

    /// Calls a unary method.
    /// - Parameters:
    ///   - metadata: added to the configuration's metadata (entries here win).
    ///   - timeout: the call's deadline (default: the configuration's).
    ///
    /// Sent again by itself, because the server did nothing with it: a call refused by a draining
    /// server's GOAWAY (at once, on a new connection, twice at most), and a call answered
    /// UNAVAILABLE `call.store_unavailable` (its database takes no writes, for example while a
    /// PostgreSQL primary fails over to its standby): after a growing pause, while the call's
    /// deadline leaves time for another attempt.
    /// - Throws: ``RPCError`` with the server's status, or a transport status (UNAVAILABLE,
    ///   DEADLINE_EXCEEDED, CANCELLED, RESOURCE_EXHAUSTED for a request over the size limit).
    public func unary<Request, Response>(
        _ method: UnaryMethod<Request, Response>, _ message: Request,
        metadata: Metadata = Metadata(), timeout: Duration? = nil
    ) async throws -> Response {
        let deadline = timeout ?? configuration.defaultTimeout
        let started = ContinuousClock.now
        var timeout = deadline
        var request = try encode(path: method.path, request: message, codec: method.request, metadata: metadata, timeout: timeout)
        var attempt = 0
        var storeAttempt = 0
        while true {
            attempt += 1
            let connection = try await connection()
            let call = PendingCall(request, timeout: timeout)
            do {
                let payload = try await withTaskCancellationHandler {
                    try await withCheckedThrowingContinuation { (c: CheckedContinuation<ByteBuffer, any Error>) in
                        connection.start(call, outcome: .unary(c))
                    }
                } onCancel: {
                    connection.abandon(call, error: RPCError(code: .cancelled, message: "call cancelled", messageCode: ClientCode.cancelled))
                }
                do {
                    return try method.response.decode(payload)
                } catch {
                    throw RPCError(code: .internalError, message: "undecodable response: \(error)")
                }
            } catch let error as RPCError where error.code == .unavailable && attempt - storeAttempt < 3 && error.message.hasPrefix(ClientHandler.refusedByGoAway) {
                continue  // never processed by the server: safe to send again on a new connection
            } catch let error as RPCError where error.code == .unavailable && error.messageCode == Self.storeUnavailable {
                // Nothing was done (PROTOCOL.md §8.4): again once the pause leaves time for a call.
                storeAttempt += 1
                let pause = Self.storePause(storeAttempt)
                guard Self.retryTimeout(deadline: deadline, elapsed: ContinuousClock.now - started + pause) != nil else { throw error }
                do {
                    try await Task.sleep(for: pause)
                } catch {
                    throw RPCError(code: .cancelled, message: "call cancelled", messageCode: ClientCode.cancelled)
                }
                // What is left now: a pause that overran on a busy machine leaves less, never more.
                guard let left = Self.retryTimeout(deadline: deadline, elapsed: ContinuousClock.now - started) else { throw error }
                timeout = left
                request = try encode(path: method.path, request: message, codec: method.request, metadata: metadata, timeout: timeout,
                                     cacheable: false)
            }
        }
    }

    /// The server's `message_code` for "the database takes no writes now; nothing was done".
    static let storeUnavailable = TextCode.storeUnavailable.rawValue
    /// Time a retried call must still have before its deadline, or the last answer stands.
    static let storeMinimumCallTime: Duration = .milliseconds(200)

    /// The deadline of a retry sent `elapsed` into a call with `deadline`: what is left of it, or
    /// nil when that is under ``storeMinimumCallTime`` (then the last answer stands).
    package static func retryTimeout(deadline: Duration, elapsed: Duration) -> Duration? {
        let left = deadline - elapsed
        return left >= storeMinimumCallTime ? left : nil
    }

    /// The pause before the `n`th retry after `call.store_unavailable`: 100 ms doubling to at most
    /// 2 s, each drawn from its upper half (so many clients do not retry in step).
    package static func storePause(_ n: Int) -> Duration {
        let ceiling = min(2_000, 100 << min(n - 1, 5))
        return .milliseconds(Int.random(in: (ceiling / 2)...ceiling))
    }

    /// Calls a server-streaming method; iterate the result for the responses.
    public func serverStreaming<Request, Response>(
        _ method: ServerStreamingMethod<Request, Response>, _ request: Request,
        metadata: Metadata = Metadata(), timeout: Duration? = nil
    ) async throws -> ResponseMessages<Response> {
        let timeout = timeout ?? configuration.defaultTimeout
        let request = try encode(path: method.path, request: request, codec: method.request, metadata: metadata, timeout: timeout)
        let connection = try await connection()
        let call = PendingCall(request, timeout: timeout)
        let (stream, continuation) = AsyncThrowingStream<ByteBuffer, any Error>.makeStream()
        continuation.onTermination = { _ in
            connection.abandon(call, error: RPCError(code: .cancelled, message: "stream cancelled"))
        }
        connection.start(call, outcome: .stream(continuation))
        return ResponseMessages(raw: stream, codec: method.response)
    }

    /// The request's bytes; on jzs/1 the headers of a call without extra metadata come from (and,
    /// when `cacheable`, go to) a small per-client cache keyed by path and timeout (a retry's
    /// shortened timeout is not cached).
    private func encode<Request>(path: String, request: Request, codec: MessageCodec<Request>, metadata: Metadata, timeout: Duration,
                                 cacheable: Bool = true) throws -> EncodedRequest {
        if configuration.protocol == .h2 {
            return try H2ClientConnection.encode(path: path, request: request, codec: codec, metadata: metadata, timeout: timeout,
                                                 configuration: configuration)
        }
        var buffer = ByteBufferAllocator().buffer(capacity: 256)
        let key = HeaderKey(path: path, timeout: timeout.microseconds)
        if metadata.isEmpty, let cached = headerCache.withLock({ $0[key] }) {
            buffer.writeImmutableBuffer(cached)
        } else {
            var merged = configuration.metadata
            for (k, v) in metadata { merged[k] = v }
            let headers = Wire.RPC.CallHeaders(
                method: path, metadata: merged.map { Wire.RPC.MetadataEntry(key: $0.key, value: $0.value) },
                timeoutMicros: timeout.microseconds)
            FrameEncoder.write(kind: .headers, callID: 0, into: &buffer) { headers.encode(into: &$0) }
            if metadata.isEmpty, cacheable {
                let frame = buffer
                headerCache.withLock { cache in
                    if cache.count < 256 { cache[key] = frame }
                }
            }
        }
        let messageStart = buffer.writerIndex
        FrameEncoder.write(kind: .message, flags: .endStream, callID: 0, into: &buffer) { codec.encode(request, &$0) }
        let size = buffer.writerIndex - messageStart - Frame.headerSize
        guard size <= configuration.maxMessageBytes else {
            throw RPCError(code: .resourceExhausted, message: "request of \(size) bytes exceeds the \(configuration.maxMessageBytes)-byte message limit")
        }
        return EncodedRequest(bytes: buffer, headers: nil)
    }

    // MARK: Connections

    func connection() async throws -> Connection {
        // Fast path: an open connection needs no future and no suspension.
        if let current = state.withLock({ $0.closed ? nil : $0.current }) { return current }
        let pending: EventLoopFuture<Connection> = try state.withLock { s in
            if s.closed { throw RPCError(code: .unavailable, message: "client closed") }
            if let current = s.current { return group.next().makeSucceededFuture(current) }
            if let connecting = s.connecting { return connecting }
            s.generation += 1
            let future = open(generation: s.generation)
            s.connecting = future
            return future
        }
        do {
            return try await pending.get()
        } catch let error as RPCError {
            throw error
        } catch {
            throw RPCError(code: .unavailable, message: "cannot connect to \(configuration.host):\(configuration.port): \(TransportErrorText.reason(error))", messageCode: ClientCode.unreachable)
        }
    }

    private func open(generation: Int) -> EventLoopFuture<Connection> {
        let tls = self.tls
        let eventLoop = group.next()
        let ready = eventLoop.makePromise(of: Void.self)
        let connectTimeout = TimeAmount.microseconds(Int64(configuration.connectTimeout.microseconds))
        let wireProtocol = configuration.protocol
        let maxMessageBytes = configuration.maxMessageBytes
        let future = ClientBootstrap(group: eventLoop)
            .connectTimeout(connectTimeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { [weak self] channel in
                let retire: @Sendable () -> Void = { [weak self] in self?.retire(generation) }
                self?.track(channel)
                do {
                    try channel.pipeline.syncOperations.addHandler(try OpenSSLHandler(context: tls))
                    if wireProtocol == .h2 {
                        try H2ClientConnection.configure(channel, ready: ready, onUnusable: retire, maxMessageBytes: maxMessageBytes)
                    } else {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(FrameDecoder()))
                        try channel.pipeline.syncOperations.addHandler(ClientHandler(ready: ready, onUnusable: retire))
                    }
                    return channel.eventLoop.makeSucceededVoidFuture()
                } catch {
                    return channel.eventLoop.makeFailedFuture(error)
                }
            }
            .connect(host: configuration.host, port: configuration.port)
            .flatMap { channel -> EventLoopFuture<Connection> in
                let transport: Connection.Transport
                if wireProtocol == .h2 {
                    let h2 = try! channel.pipeline.syncOperations.handler(type: H2ClientConnection.self)
                    transport = .h2(NIOLoopBound(h2, eventLoop: channel.eventLoop))
                } else {
                    let handler = try! channel.pipeline.syncOperations.handler(type: ClientHandler.self)
                    transport = .jzs(NIOLoopBound(handler, eventLoop: channel.eventLoop))
                }
                let connection = Connection(generation: generation, channel: channel, transport: transport)
                let timeout = channel.eventLoop.scheduleTask(in: connectTimeout) {
                    ready.fail(RPCError(code: .unavailable, message: "TLS handshake timed out", messageCode: ClientCode.handshakeTimeout))
                }
                return ready.futureResult.map {
                    timeout.cancel()
                    return connection
                }.flatMapErrorThrowing { error in
                    timeout.cancel()
                    channel.close(promise: nil)
                    throw error
                }
            }
        future.whenComplete { [weak self] result in
            // A failed connect never reaches the handler: the handshake promise ends here.
            if case .failure(let error) = result { ready.fail(error) }
            guard let self else { return }
            self.state.withLock { s in
                s.connecting = nil
                if case .success(let connection) = result, !s.closed { s.current = connection }
            }
        }
        return future
    }

    /// Keeps `channel` for ``close()`` until it has closed.
    private func track(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        let closed = state.withLock { s in
            s.channels[id] = channel
            return s.closed
        }
        if closed { channel.close(promise: nil) }  // opened while the client was closing
        channel.closeFuture.whenComplete { [weak self] _ in
            self?.state.withLock { _ = $0.channels.removeValue(forKey: id) }
        }
    }

    /// A connection that received GOAWAY or failed takes no new calls.
    private func retire(_ generation: Int) {
        state.withLock { s in
            if s.current?.generation == generation { s.current = nil }
        }
    }
}

/// The responses of a server-streaming call, decoded as they arrive.
public struct ResponseMessages<Response: WireMessage>: AsyncSequence, Sendable {
    public typealias Element = Response
    let raw: AsyncThrowingStream<ByteBuffer, any Error>
    let codec: MessageCodec<Response>

    public struct AsyncIterator: AsyncIteratorProtocol {
        var raw: AsyncThrowingStream<ByteBuffer, any Error>.AsyncIterator
        let codec: MessageCodec<Response>

        public mutating func next() async throws -> Response? {
            guard let bytes = try await raw.next() else { return nil }
            do {
                return try codec.decode(bytes)
            } catch {
                throw RPCError(code: .internalError, message: "undecodable response: \(error)")
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(raw: raw.makeAsyncIterator(), codec: codec)
    }
}
