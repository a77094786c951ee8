/// Every protocol limit, with its default, in one place (docs/PROTOCOL.md §9).
///
/// Element caps of repeated request fields are the other half of the limits: they are declared
/// in the contract (`@max` in the `.proto` comments) and generated into one table
/// (`repeated_caps.c`), checked before a request is unpacked.
public struct Limits: Sendable, Equatable {
    // MARK: Frames and calls

    /// Largest frame payload accepted or sent (default 4 MiB).
    public var maxFrameBytes: UInt32 = 4 * 1024 * 1024
    /// Calls open at once on one connection; one more is refused with RESOURCE_EXHAUSTED.
    public var maxConcurrentCallsPerConnection: Int = 1024
    /// Longest a call may run; a longer or missing client deadline is capped to this.
    public var maxCallDuration: Duration = .seconds(300)
    /// Metadata entries per call: fixed by the contract (`@max 64` on `CallHeaders.metadata`,
    /// refused with INVALID_ARGUMENT while decoding), so not configurable.
    public let maxMetadataEntries: Int = 64
    /// Bytes per metadata value.
    public var maxMetadataValueBytes: Int = 8 * 1024

    // MARK: Back-pressure

    /// Bytes a connection may have queued for the peer but not yet written to the socket
    /// (answers, stream messages and control frames alike). Over it the connection stops
    /// reading frames and every response waits; below half of it, both resume.
    public var maxOutboundBytes: Int = 8 * 1024 * 1024
    /// Request bytes of the open calls of one connection (each call's metadata from its HEADERS
    /// on, then its request message too); over it the connection stops reading until calls end.
    public var maxInboundBytesInFlight: Int = 16 * 1024 * 1024
    /// A connection with bytes queued and none written for this long is closed (the peer
    /// stopped reading) and its calls cancelled.
    public var writeStallTimeout: Duration = .seconds(30)
    /// A frame whose first byte has arrived must be complete within this.
    public var frameReadTimeout: Duration = .seconds(30)

    // MARK: Connections

    /// Connections open at once; one more is closed at once (before TLS), logged as a warning.
    public var maxConnections: Int = 4096
    /// Of ``maxConnections``, this many are kept for client-certificate callers (provinces,
    /// the ministry): other connections are refused once the rest are taken.
    public var reservedCertificateConnections: Int = 512
    /// Connections without a client certificate from one IP address.
    public var maxConnectionsPerAddress: Int = 64
    /// TLS handshakes in progress from one IP address; one more is closed before TLS.
    public var maxHandshakesPerAddress: Int = 32
    /// Time allowed for the TLS handshake.
    public var handshakeTimeout: Duration = .seconds(10)
    /// After the handshake, the first call must open within this, or the connection is closed.
    public var firstCallTimeout: Duration = .seconds(10)
    /// A connection with no open call for this long is closed with GOAWAY.
    public var idleTimeout: Duration = .seconds(300)
    /// With no bytes received for this long the server sends PING...
    public var keepaliveInterval: Duration = .seconds(60)
    /// ...and closes the connection if no PONG arrives within this.
    public var keepaliveTimeout: Duration = .seconds(20)
    /// How long a graceful shutdown waits for calls in flight before cancelling them.
    public var drainTimeout: Duration = .seconds(30)

    // MARK: Abuse budgets (token buckets per connection)

    /// CANCELs, and calls refused for the concurrency limit: a burst of this many...
    public var cancelBurst: Int = 200
    /// ...refilled at this rate; an empty bucket closes the connection (GOAWAY reason 3).
    public var cancelsPerSecond: Int = 50
    /// PINGs from the peer: burst and rate, as for cancels.
    public var pingBurst: Int = 50
    public var pingsPerSecond: Int = 5

    // MARK: gRPC over HTTP/2 (the settings the server announces, and its abuse bounds)
    //
    // SETTINGS_MAX_CONCURRENT_STREAMS is ``maxConcurrentCallsPerConnection`` and the largest
    // message ``maxFrameBytes``: one bound per thing, whichever transport carries the call.

    /// SETTINGS_INITIAL_WINDOW_SIZE: request bytes a client may send on one stream before the
    /// server has read them (HTTP/2 flow control).
    public var h2InitialWindowBytes: Int = 1024 * 1024
    /// The connection-level inbound window (all streams together).
    public var h2ConnectionWindowBytes: Int = 16 * 1024 * 1024
    /// SETTINGS_MAX_HEADER_LIST_SIZE: bytes of one header block (metadata), as HPACK counts them.
    public var h2MaxHeaderListBytes: Int = 64 * 1024
    /// Rapid Reset protection: RST_STREAM frames a client may send within ``h2ResetWindow``;
    /// one more closes the connection with GOAWAY ENHANCE_YOUR_CALM. (A reset of a running call
    /// also spends a token of the cancel budget, as a jzs/1 CANCEL does.)
    public var h2MaxResets: Int = 200
    public var h2ResetWindow: Duration = .seconds(30)

    // MARK: Per-source budgets (token buckets per client IP address; certificate callers exempt)

    /// Password logins and resets (Individual/Login, Enterprise/Login, Enterprise/ResetPassword,
    /// Individual/ResetPassword):
    /// a burst of this many per address, refilled at `loginsPerMinutePerAddress`.
    public var loginBurstPerAddress: Int = 20
    public var loginsPerMinutePerAddress: Int = 10
    /// SMS sends (Public/SendSmsCode, Enterprise/RequestPasswordReset,
    /// Individual/RequestPasswordReset) per address...
    public var smsBurstPerAddress: Int = 5
    public var smsPerMinutePerAddress: Int = 2
    /// ...and for the whole server (the SMS gateway's budget).
    public var smsBurstGlobal: Int = 200
    public var smsPerMinuteGlobal: Int = 120
    /// Account and sign-up creation (Individual/CreateAccount, Enterprise/StartSignup) per address.
    public var accountBurstPerAddress: Int = 5
    public var accountsPerHourPerAddress: Int = 20
    /// Public certificate look-ups (Public/VerifyCertificate, by identifier or by 注册编号 and
    /// name) per address: a bound on guessing names for a number.
    public var lookupBurstPerAddress: Int = 30
    public var lookupsPerMinutePerAddress: Int = 20
    /// Passwords set or changed outside a login (Enterprise/SetSignupAdministrator, AddUser,
    /// UpdateUser, ChangePassword; Individual/ChangePassword) per address: each costs a password
    /// hash on the shared hashing pool, which logins need too.
    public var passwordBurstPerAddress: Int = 20
    public var passwordsPerMinutePerAddress: Int = 10

    // MARK: Diagnostics (Public/Echo, Public/EchoStream)

    /// Echo payload and EchoStream count for callers without a client certificate...
    public var anonymousEchoPayloadBytes: Int = 16 * 1024
    public var anonymousEchoStreamCount: Int = 100
    /// ...and for provinces and the ministry.
    public var echoPayloadBytes: Int = 1024 * 1024
    public var echoStreamCount: Int = 10_000

    // MARK: Logs

    /// Peer-supplied text (method names, request ids) is escaped and cut to this many bytes
    /// before it reaches a log line or an error message.
    public var maxLoggedFieldBytes: Int = 128

    public init() {}

    public static let `default` = Limits()
}

extension Limits {
    /// One limit by name, for configuration (`jzsd serve --limit name=value`) and the docs.
    public struct Named: Sendable {
        public let name: String
        public let get: @Sendable (Limits) -> String
        public let set: @Sendable (inout Limits, String) -> Bool
    }

    private static func int(_ name: String, _ path: any WritableKeyPath<Limits, Int> & Sendable) -> Named {
        Named(name: name, get: { "\($0[keyPath: path])" }, set: { limits, text in
            guard let value = Int(text), value >= 0 else { return false }
            limits[keyPath: path] = value
            return true
        })
    }

    private static func duration(_ name: String, _ path: any WritableKeyPath<Limits, Duration> & Sendable) -> Named {
        Named(name: name, get: { "\($0[keyPath: path].milliseconds)ms" }, set: { limits, text in
            guard let value = Duration.parse(text) else { return false }
            limits[keyPath: path] = value
            return true
        })
    }

    /// Every limit that can be configured, by its configuration name.
    public static let named: [Named] = [
        Named(name: "max-frame-bytes", get: { "\($0.maxFrameBytes)" }, set: { limits, text in
            guard let value = UInt32(text), value >= 1024 else { return false }
            limits.maxFrameBytes = value
            return true
        }),
        int("max-concurrent-calls", \.maxConcurrentCallsPerConnection),
        duration("max-call-duration", \.maxCallDuration),
        int("max-metadata-value-bytes", \.maxMetadataValueBytes),
        int("max-outbound-bytes", \.maxOutboundBytes),
        int("max-inbound-bytes-in-flight", \.maxInboundBytesInFlight),
        duration("write-stall-timeout", \.writeStallTimeout),
        duration("frame-read-timeout", \.frameReadTimeout),
        int("max-connections", \.maxConnections),
        int("reserved-certificate-connections", \.reservedCertificateConnections),
        int("max-connections-per-address", \.maxConnectionsPerAddress),
        int("max-handshakes-per-address", \.maxHandshakesPerAddress),
        duration("handshake-timeout", \.handshakeTimeout),
        duration("first-call-timeout", \.firstCallTimeout),
        duration("idle-timeout", \.idleTimeout),
        duration("keepalive-interval", \.keepaliveInterval),
        duration("keepalive-timeout", \.keepaliveTimeout),
        duration("drain-timeout", \.drainTimeout),
        int("cancel-burst", \.cancelBurst),
        int("cancels-per-second", \.cancelsPerSecond),
        int("ping-burst", \.pingBurst),
        int("pings-per-second", \.pingsPerSecond),
        int("h2-initial-window-bytes", \.h2InitialWindowBytes),
        int("h2-connection-window-bytes", \.h2ConnectionWindowBytes),
        int("h2-max-header-list-bytes", \.h2MaxHeaderListBytes),
        int("h2-max-resets", \.h2MaxResets),
        duration("h2-reset-window", \.h2ResetWindow),
        int("login-burst-per-address", \.loginBurstPerAddress),
        int("logins-per-minute-per-address", \.loginsPerMinutePerAddress),
        int("sms-burst-per-address", \.smsBurstPerAddress),
        int("sms-per-minute-per-address", \.smsPerMinutePerAddress),
        int("sms-burst-global", \.smsBurstGlobal),
        int("sms-per-minute-global", \.smsPerMinuteGlobal),
        int("account-burst-per-address", \.accountBurstPerAddress),
        int("accounts-per-hour-per-address", \.accountsPerHourPerAddress),
        int("lookup-burst-per-address", \.lookupBurstPerAddress),
        int("lookups-per-minute-per-address", \.lookupsPerMinutePerAddress),
        int("password-burst-per-address", \.passwordBurstPerAddress),
        int("passwords-per-minute-per-address", \.passwordsPerMinutePerAddress),
        int("anonymous-echo-payload-bytes", \.anonymousEchoPayloadBytes),
        int("anonymous-echo-stream-count", \.anonymousEchoStreamCount),
        int("echo-payload-bytes", \.echoPayloadBytes),
        int("echo-stream-count", \.echoStreamCount),
        int("max-logged-field-bytes", \.maxLoggedFieldBytes),
    ]

    /// Applies `name=value`; returns false for an unknown name or a value that does not parse.
    public mutating func apply(_ assignment: String) -> Bool {
        guard let eq = assignment.firstIndex(of: "=") else { return false }
        let name = String(assignment[..<eq])
        let value = String(assignment[assignment.index(after: eq)...])
        guard let limit = Self.named.first(where: { $0.name == name }) else { return false }
        return limit.set(&self, value)
    }
}

extension Duration {
    /// Whole microseconds (truncated), clamped to 0...UInt64.max.
    public var microseconds: UInt64 {
        let (s, atto) = components
        if s < 0 { return 0 }
        return UInt64(s) * 1_000_000 + UInt64(atto / 1_000_000_000_000)
    }

    /// Whole milliseconds (truncated), clamped at 0.
    public var milliseconds: UInt64 { microseconds / 1000 }

    /// Parses `250ms`, `30s`, `5m` or a bare number of milliseconds.
    public static func parse(_ text: String) -> Duration? {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000)]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            guard let n = Int64(text.dropLast(suffix.count)), n >= 0 else { return nil }
            return .milliseconds(n * factor)
        }
        return Int64(text).flatMap { $0 >= 0 ? .milliseconds($0) : nil }
    }
}
