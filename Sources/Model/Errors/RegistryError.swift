/// Every failure of the domain and the store. Only RPCServer's mapping turns these into status
/// codes (one line per case, exhaustive).
public enum RegistryError: Error, Sendable, Equatable, Codable {
    /// One or more request fields are wrong (INVALID_ARGUMENT with field violations).
    case invalidFields([FieldViolation])
    /// Not there, or not visible to the caller (NOT_FOUND; no existence leak).
    case notFound(String)
    /// Already exists (ALREADY_EXISTS), e.g. a live enterprise with this credit code.
    case alreadyExists(String)
    /// The caller may not do this (PERMISSION_DENIED).
    case forbidden(String)
    /// No valid session (UNAUTHENTICATED).
    case unauthenticated(String)
    /// Not allowed in the current state (FAILED_PRECONDITION), e.g. a change already pending.
    case failedPrecondition(String)
    /// Too many attempts (RESOURCE_EXHAUSTED), e.g. SMS rate limits, locked account.
    case rateLimited(String)
    /// A concurrent change won (ABORTED): retry.
    case conflict(String)
    /// The caller gave up (its call was cancelled) before the work ran (CANCELLED).
    case cancelled(String)
    /// The store failed (INTERNAL; details are logged, never sent).
    case storage(String)

    public static func invalid(_ field: String, _ reason: String) -> RegistryError {
        .invalidFields([FieldViolation(field: field, reason: reason)])
    }
}
