package import NIOCore
package import Proto
package import Logging
package import Model

/// Everything connections of one server share.
package struct ServerShared: Sendable {
    package let router: Router
    package let callers: CallerResolver
    package let limits: Limits
    package let logger: Logger
    /// Per-source budgets of logins, SMS sends and account creation.
    package let sources: SourceLimiter
    /// Told of every call refused as PERMISSION_DENIED or UNAUTHENTICATED (for the audit log).
    package let onDenied: (@Sendable (AuditEntry) -> Void)?

    package init(router: Router, callers: CallerResolver, limits: Limits, logger: Logger,
                 onDenied: (@Sendable (AuditEntry) -> Void)? = nil) {
        self.router = router
        self.callers = callers
        self.limits = limits
        self.logger = logger
        self.sources = SourceLimiter(limits: limits)
        self.onDenied = onDenied
    }
}

/// The one place that builds a server connection's pipeline: TLS (when given), then the
/// protocol ALPN chose (``ProtocolSelector``): the jzs/1 connection handler (framing, calls,
/// limits) or gRPC over HTTP/2. Without TLS (fuzzing, tests) it is jzs/1. The listener and the
/// fuzz targets both use it.
package enum ServerPipeline {
    /// Adds the server handlers to `channel` (on its event loop).
    /// - Parameter tls: nil only for tests and fuzzing that feed plaintext frames.
    /// - Parameter admission: told once TLS is done the serial of the peer's client certificate
    ///   (nil without one); false refuses the connection (per-address limits). Nil admits all.
    package static func configure(
        _ channel: any Channel, shared: ServerShared, connectionID: String, tls: TLSContext?,
        admission: (@Sendable (_ certificateSerial: String?) -> Bool)? = nil
    ) throws {
        let operations = channel.pipeline.syncOperations
        if let tls {
            try operations.addHandler(try OpenSSLHandler(context: tls))
            try operations.addHandler(ProtocolSelector(shared: shared, connectionID: connectionID, admission: admission))
        } else {
            try operations.addHandler(ConnectionHandler(shared: shared, connectionID: connectionID, admission: admission))
        }
    }

    /// Starts the graceful shutdown of a connection set up by ``configure``.
    package static func drain(_ channel: any Channel) {
        channel.pipeline.triggerUserOutboundEvent(ConnectionHandler.Drain(), promise: nil)
    }

    /// Closes a connection whose client certificate was revoked (GOAWAY reason 3).
    package static func revoke(_ channel: any Channel) {
        channel.pipeline.triggerUserOutboundEvent(ConnectionHandler.Revoked(), promise: nil)
    }
}
