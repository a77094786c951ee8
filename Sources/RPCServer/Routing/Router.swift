public import Proto
package import NIOCore

/// Maps full method names to handlers. Adding a method means one ``register`` call with the
/// typed method from ``Methods`` and one row in ``AccessTable``; the access check (before the
/// request is decoded), decoding, encoding and error mapping happen here, once.
///
/// ```swift
/// var router = Router()
/// router.register(Methods.Public.echo) { request, context in
///     Wire.Public.EchoResponse(payload: request.payload, text: request.text)
/// }
/// ```
public struct Router: Sendable {
    /// Runs one call: decodes the request, calls the handler, sends each response message.
    package typealias Entry = @Sendable (ByteBuffer, CallContext, ResponseSink) async throws -> Void

    private(set) var entries: [String: Entry] = [:]
    private var accesses: [String: Access] = [:]

    public init() {}

    /// Registers a unary method.
    ///
    /// - Parameters:
    ///   - access: the rule of a method outside the contract (tests, diagnostics). A method of
    ///     the contract always takes its row of ``AccessTable``; a method with neither is
    ///     refused to everyone.
    public mutating func register<Request, Response>(
        _ method: UnaryMethod<Request, Response>, access: Access? = nil,
        handler: @escaping @Sendable (Request, CallContext) async throws -> Response
    ) {
        let codec = method.request
        let responseCodec = method.response
        let access = Self.access(for: method.path, outsideContract: access)
        accesses[method.path] = access
        entries[method.path] = { payload, context, sink in
            try access.check(context)
            let request: Request
            do { request = try codec.decode(payload) } catch { throw RPCError(mapping: error, language: context.language) }
            let response = try await handler(request, context)
            try await sink.waitForRoom()  // over the connection's outbound budget: wait, do not queue
            try sink.send { responseCodec.encode(response, &$0) }
        }
    }

    /// Registers a server-streaming method; `access` as for unary methods.
    public mutating func register<Request, Response>(
        _ method: ServerStreamingMethod<Request, Response>, access: Access? = nil,
        handler: @escaping @Sendable (Request, CallContext, ResponseStream<Response>) async throws -> Void
    ) {
        let codec = method.request
        let responseCodec = method.response
        let access = Self.access(for: method.path, outsideContract: access)
        accesses[method.path] = access
        entries[method.path] = { payload, context, sink in
            try access.check(context)
            let request: Request
            do { request = try codec.decode(payload) } catch { throw RPCError(mapping: error, language: context.language) }
            try await handler(request, context, ResponseStream(sink: sink, codec: responseCodec))
        }
    }

    /// The row of ``AccessTable`` for `path`. Only a method outside the contract (a test or
    /// diagnostic method) takes the rule it was registered with; without one it is refused to
    /// everyone.
    package static func access(for path: String, outsideContract: Access? = nil) -> Access {
        AccessTable.access(for: path) ?? outsideContract ?? AccessTable.nobody
    }

    /// The paths of every registered method.
    public var paths: [String] { entries.keys.sorted() }

    package func entry(for path: String) -> Entry? { entries[path] }

    /// The rule a registered method is checked against (``AccessTable``'s row, or the one a
    /// method outside the contract was registered with); nobody for an unknown path.
    package func access(of path: String) -> Access { accesses[path] ?? AccessTable.nobody }
}

/// Where a running call sends its encoded response messages (implemented by the connection).
package struct ResponseSink: Sendable {
    package let send: @Sendable (_ encode: (inout ByteBuffer) -> Void) throws(RPCError) -> Void
    /// Hands over what a stream produced so far, then suspends while the connection is over
    /// its outbound budget.
    package let waitWritable: @Sendable () async throws -> Void
    /// Suspends while the connection is over its outbound budget (returns at once otherwise).
    package let waitForRoom: @Sendable () async throws -> Void

    package init(send: @escaping @Sendable (_ encode: (inout ByteBuffer) -> Void) throws(RPCError) -> Void,
                 waitWritable: @escaping @Sendable () async throws -> Void, waitForRoom: @escaping @Sendable () async throws -> Void) {
        self.send = send
        self.waitWritable = waitWritable
        self.waitForRoom = waitForRoom
    }
}

/// The response side of a server-streaming call.
public struct ResponseStream<Response: WireMessage>: Sendable {
    let sink: ResponseSink
    let codec: MessageCodec<Response>

    /// Sends one response message; waits while the peer is slow to read (back-pressure).
    public func send(_ response: Response) async throws {
        try Task.checkCancellation()
        try await sink.waitWritable()
        let codec = self.codec
        try sink.send { codec.encode(response, &$0) }
    }
}

extension Access {
    /// Refuses the call unless the table lets its caller in (and it names an operator where
    /// one is required); runs before the request is decoded.
    func check(_ context: CallContext) throws(RPCError) {
        if let denial = denial(of: context.caller, operatorName: context.operatorName) {
            throw RPCError(denial, language: context.language)
        }
    }
}
