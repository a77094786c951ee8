/// Every protocol limit, with its default, in one place (docs/PROTOCOL.md §9).
public struct Limits: Sendable, Equatable {
    /// Largest frame payload accepted or sent (default 4 MiB).
    public var maxFrameBytes: UInt32 = 4 * 1024 * 1024
    /// Calls open at once on one connection; one more is refused with RESOURCE_EXHAUSTED.
    public var maxConcurrentCallsPerConnection: Int = 1024
    /// Connections open at once; one more is closed at once (before TLS), logged as a warning.
    public var maxConnections: Int = 4096
    /// Time allowed for the TLS handshake.
    public var handshakeTimeout: Duration = .seconds(10)
    /// A connection with no open call for this long is closed with GOAWAY.
    public var idleTimeout: Duration = .seconds(300)
    /// With no bytes received for this long the server sends PING...
    public var keepaliveInterval: Duration = .seconds(60)
    /// ...and closes the connection if no PONG arrives within this.
    public var keepaliveTimeout: Duration = .seconds(20)
    /// Longest a call may run; a longer or missing client deadline is capped to this.
    public var maxCallDuration: Duration = .seconds(300)
    /// How long a graceful shutdown waits for calls in flight before cancelling them.
    public var drainTimeout: Duration = .seconds(30)
    /// Metadata entries per call, and bytes per key or value.
    public var maxMetadataEntries: Int = 64
    public var maxMetadataValueBytes: Int = 8 * 1024

    public init() {}

    public static let `default` = Limits()
}

extension Duration {
    /// Whole microseconds (truncated), clamped to 0...UInt64.max.
    public var microseconds: UInt64 {
        let (s, atto) = components
        if s < 0 { return 0 }
        return UInt64(s) * 1_000_000 + UInt64(atto / 1_000_000_000_000)
    }
}
