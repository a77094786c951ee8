public import Model
public import Proto
public import Logging

/// What a handler knows about its call besides the request: who calls, the metadata, the
/// deadline. The caller was resolved by the server; handlers never read a tenant from a request.
public struct CallContext: Sendable {
    public let caller: Caller
    public let method: String
    public let metadata: Metadata
    public let requestID: String
    /// When the call must have answered (monotonic clock).
    public let deadline: ContinuousClock.Instant
    public let logger: Logger

    public init(caller: Caller, method: String, metadata: Metadata, requestID: String,
                deadline: ContinuousClock.Instant, logger: Logger) {
        self.caller = caller
        self.method = method
        self.metadata = metadata
        self.requestID = requestID
        self.deadline = deadline
        self.logger = logger
    }

    /// The `operator` metadata entry (the person acting for a province or the ministry).
    public var operatorName: String? { metadata[Metadata.Key.operator] }
    /// The language the caller reads (`accept-language` metadata entry; Chinese by default).
    public var language: Language { Language(acceptLanguage: metadata[Metadata.Key.acceptLanguage]) }
    /// The `idempotency-key` metadata entry.
    public var idempotencyKey: String? { metadata[Metadata.Key.idempotencyKey] }
}
