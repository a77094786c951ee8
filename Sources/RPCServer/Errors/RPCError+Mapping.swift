public import Proto
public import Model

extension RPCError {
    /// The one mapping from any error a handler throws to what the client sees, in the caller's
    /// language. Unknown errors become INTERNAL with no internal text (the caller logs them).
    public init(mapping error: any Error, language: Language) {
        switch error {
        case let error as RPCError: self = error
        case let error as RegistryError: self.init(error, language: language)
        case let error as WireError: self.init(error, language: language)
        case is CancellationError: self.init(code: .cancelled, Text(.callCancelled), language: language)
        default: self.init(code: .internalError, Text(.internalError), language: language)
        }
    }

    /// One item of a batch call: OK (0, no message) when it applied, else its error's mapped code and message.
    static func item(_ error: RegistryError?, language: Language) -> (code: UInt32, message: String, messageCode: String) {
        guard let error else { return (0, "", "") }
        let mapped = RPCError(error, language: language)
        return (mapped.code.rawValue, mapped.message, mapped.messageCode)
    }

    /// Domain errors to status codes: exhaustive, so a new case does not compile until mapped.
    public init(_ error: RegistryError, language: Language) {
        switch error {
        case .invalidFields(let violations): self.init(invalid: violations, language: language)
        case .notFound(let text): self.init(code: .notFound, text, language: language)
        case .alreadyExists(let text): self.init(code: .alreadyExists, text, language: language)
        case .forbidden(let text): self.init(code: .permissionDenied, text, language: language)
        case .unauthenticated(let text): self.init(code: .unauthenticated, text, language: language)
        case .failedPrecondition(let text): self.init(code: .failedPrecondition, text, language: language)
        case .rateLimited(let text): self.init(code: .resourceExhausted, text, language: language)
        case .conflict(let text): self.init(code: .aborted, text, language: language)
        case .cancelled: self.init(code: .cancelled, Text(.callCancelled), language: language)
        case .storage: self.init(code: .internalError, Text(.internalError), language: language)
        case .storeUnavailable: self.init(code: .unavailable, Text(.storeUnavailable), language: language)
        case .outcomeUnknown: self.init(code: .unknown, Text(.outcomeUnknown), language: language)
        }
    }
}
