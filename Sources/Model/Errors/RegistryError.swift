/// Every failure of the domain and the store. Only RPCServer's mapping turns these into status
/// codes (one line per case, exhaustive) and renders their texts in the caller's language.
public enum RegistryError: Error, Sendable, Equatable, Codable {
    /// One or more request fields are wrong (INVALID_ARGUMENT with field violations).
    case invalidFields([FieldViolation])
    /// Not there, or not visible to the caller (NOT_FOUND; no existence leak).
    case notFound(Text)
    /// Already exists (ALREADY_EXISTS), e.g. a live enterprise with this credit code.
    case alreadyExists(Text)
    /// The caller may not do this (PERMISSION_DENIED).
    case forbidden(Text)
    /// No valid session (UNAUTHENTICATED).
    case unauthenticated(Text)
    /// Not allowed in the current state (FAILED_PRECONDITION), e.g. a change already pending.
    case failedPrecondition(Text)
    /// Too many attempts (RESOURCE_EXHAUSTED), e.g. SMS rate limits, locked account.
    case rateLimited(Text)
    /// A concurrent change won (ABORTED): retry.
    case conflict(Text)
    /// The caller gave up (its call was cancelled) before the work ran (CANCELLED).
    case cancelled
    /// The store failed (INTERNAL; details are logged, never sent).
    case storage(String)
    /// The database cannot be reached now (no writable primary: down, or switching to its
    /// standby; the pool closing or full). Nothing was committed: UNAVAILABLE, retry after a while.
    /// Details are logged, never sent.
    case storeUnavailable(String)
    /// The database connection broke while COMMIT was in flight: the change may or may not have
    /// been made. UNKNOWN: retry only with the same idempotency key (or after reading the state).
    case outcomeUnknown(String)

    /// One invalid field.
    public static func invalid(_ field: String, _ code: TextCode, _ args: Text.Arg...) -> RegistryError {
        .invalidFields([FieldViolation(field: field, text: Text(code, arguments: args))])
    }

    /// The sentence a person reads (nil for storage failures, which are never shown; the two
    /// outages say what happened and what to do, never the database's own words).
    public var text: Text? {
        switch self {
        case .invalidFields(let list): list.first?.text
        case .notFound(let t), .alreadyExists(let t), .forbidden(let t), .unauthenticated(let t),
             .failedPrecondition(let t), .rateLimited(let t), .conflict(let t): t
        case .cancelled: Text(.callCancelled)
        case .storage: nil
        case .storeUnavailable: Text(.storeUnavailable)
        case .outcomeUnknown: Text(.outcomeUnknown)
        }
    }
}
