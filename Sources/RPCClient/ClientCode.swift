/// `RPCError.messageCode` of failures the client library makes itself (the server's codes are
/// catalogue codes such as `application.not_found`). The CLI turns each into one sentence in the
/// user's language; ``RPCError/message`` keeps the English detail for logs.
public enum ClientCode {
    /// The server could not be reached (refused, no route, name not found).
    public static let unreachable = "client.unreachable"
    /// The TLS handshake failed (certificate not trusted, wrong name, protocol).
    public static let tls = "client.tls"
    /// The TLS handshake did not finish in time.
    public static let handshakeTimeout = "client.handshake_timeout"
    /// The CA, certificate or key files could not be used.
    public static let tlsConfiguration = "client.tls_configuration"
    /// The connection broke or was closed by the server.
    public static let connectionLost = "client.connection_lost"
    /// The server is shutting down and refused the call (safe to retry).
    public static let draining = "client.draining"
    /// The call's deadline passed.
    public static let deadline = "client.deadline"
    /// The call was cancelled by this client.
    public static let cancelled = "client.cancelled"
}
