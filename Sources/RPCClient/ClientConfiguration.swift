public import Proto
public import Model

/// The protocol a ``Client`` speaks (offered with ALPN): jzs/1 by default, or standard gRPC over
/// HTTP/2 on the same port (docs/PROTOCOL.md, "gRPC over HTTP/2"). The call API is the same.
public enum WireProtocol: String, Sendable, CaseIterable {
    case jzs1 = "jzs/1"
    case h2

    /// The ALPN protocol id.
    public var alpn: String { rawValue }
}

/// Where and how a ``Client`` connects.
public struct ClientConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// PEM file of the CA the server certificate must chain to.
    public var trustRootsFile: String
    /// The name the server certificate must carry (default: `host`).
    public var serverName: String?
    /// Client certificate and key (PEM) for provinces and the ministry.
    public var certificateFile: String?
    public var privateKeyFile: String?
    /// Deadline of a call that does not set one.
    public var defaultTimeout: Duration
    /// Largest request this client sends (the server refuses larger frames).
    public var maxMessageBytes: Int
    /// Sent with every call (e.g. `authorization`, `operator`).
    public var metadata: Metadata
    /// How long to wait for TCP connect + TLS handshake.
    public var connectTimeout: Duration
    /// jzs/1 (default) or gRPC over HTTP/2.
    public var `protocol`: WireProtocol
    /// The language of the server's messages (sent as `accept-language` with every call unless
    /// ``metadata`` already carries one); nil lets the server choose (Chinese).
    public var language: Language? {
        get { metadata[Metadata.Key.acceptLanguage].flatMap { Language(tag: $0) } }
        set { metadata[Metadata.Key.acceptLanguage] = newValue?.rawValue }
    }

    public init(host: String = "127.0.0.1", port: Int = 7443, trustRootsFile: String, serverName: String? = nil,
                certificateFile: String? = nil, privateKeyFile: String? = nil, defaultTimeout: Duration = .seconds(30),
                maxMessageBytes: Int = Int(Limits.default.maxFrameBytes), metadata: Metadata = Metadata(),
                connectTimeout: Duration = .seconds(10), protocol wireProtocol: WireProtocol = .jzs1) {
        self.protocol = wireProtocol
        self.host = host
        self.port = port
        self.trustRootsFile = trustRootsFile
        self.serverName = serverName
        self.certificateFile = certificateFile
        self.privateKeyFile = privateKeyFile
        self.defaultTimeout = defaultTimeout
        self.maxMessageBytes = maxMessageBytes
        self.metadata = metadata
        self.connectTimeout = connectTimeout
    }
}
