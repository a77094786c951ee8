/// The typed method table both peers compile against (generated into extensions of this enum).
///
/// The wire carries the full name (``UnaryMethod/path``), never an index.
public enum Methods {}

/// A unary method: one request, one response.
public struct UnaryMethod<Request: WireMessage, Response: WireMessage>: Sendable {
    /// Full method name, e.g. `/jzs.public.v1.Public/Health`.
    public let path: String
    package let request: MessageCodec<Request>
    package let response: MessageCodec<Response>
}

/// A server-streaming method: one request, any number of responses.
public struct ServerStreamingMethod<Request: WireMessage, Response: WireMessage>: Sendable {
    /// Full method name, e.g. `/jzs.public.v1.Public/EchoStream`.
    public let path: String
    package let request: MessageCodec<Request>
    package let response: MessageCodec<Response>
}

extension UnaryMethod where Request: ProtobufCBacked, Response: ProtobufCBacked {
    package init(path: String) {
        self.init(path: path, request: .protobufC, response: .protobufC)
    }
}

extension ServerStreamingMethod where Request: ProtobufCBacked, Response: ProtobufCBacked {
    package init(path: String) {
        self.init(path: path, request: .protobufC, response: .protobufC)
    }
}

/// Every service and method of the contract (generated), for `ListServices` and routing checks.
public enum ServiceCatalog {}

/// One service of ``ServiceCatalog``.
public struct ServiceEntry: Sendable, Hashable {
    public let name: String
    public let methods: [MethodEntry]
}

/// One method of a ``ServiceEntry``.
public struct MethodEntry: Sendable, Hashable {
    public let name: String
    public let path: String
    public let requestType: String
    public let responseType: String
    public let serverStreaming: Bool
}
