public import Proto
public import Model
internal import Logging

/// How a ``Server`` listens and behaves.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Returns the TLS context for a new connection (called per accept, so a new CRL or
    /// certificate takes effect without a restart).
    public var tls: @Sendable () throws -> TLSContext
    public var limits: Limits
    public var callers: CallerResolver
    /// Reported by ServerInfo.
    public var version: String
    /// Told of every call refused as PERMISSION_DENIED or UNAUTHENTICATED (the audit log).
    public var onDenied: (@Sendable (AuditEntry) -> Void)?
    /// What the health services report (the server marks it draining; jzsd's probe of the database
    /// marks it reachable or not).
    public var health: HealthState

    public init(host: String = "127.0.0.1", port: Int = 7443, tls: @escaping @Sendable () throws -> TLSContext,
                limits: Limits = .default, callers: CallerResolver = CallerResolver(), version: String = jzsVersion,
                onDenied: (@Sendable (AuditEntry) -> Void)? = nil, health: HealthState = HealthState()) {
        self.host = host
        self.port = port
        self.tls = tls
        self.limits = limits
        self.callers = callers
        self.version = version
        self.onDenied = onDenied
        self.health = health
    }
}

/// The version of this build.
public let jzsVersion = "0.2.0"
