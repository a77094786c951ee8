public import Proto
public import Model

extension RPCError {
    /// The one mapping from any error a handler throws to what the client sees. Unknown errors
    /// become INTERNAL with no internal text (the caller logs them).
    public init(mapping error: any Error) {
        switch error {
        case let error as RPCError: self = error
        case let error as RegistryError: self.init(error)
        case let error as WireError: self.init(error)
        case is CancellationError: self.init(code: .cancelled, message: "call cancelled")
        default: self.init(code: .internalError, message: "internal error")
        }
    }

    /// One item of a batch call: OK (0, no message) when it applied, else its error's mapped code and message.
    static func item(_ error: RegistryError?) -> (code: UInt32, message: String) {
        guard let error else { return (0, "") }
        let mapped = RPCError(error)
        return (mapped.code.rawValue, mapped.message)
    }

    /// Domain errors to status codes: exhaustive, so a new case does not compile until mapped.
    public init(_ error: RegistryError) {
        switch error {
        case .invalidFields(let violations):
            let summary = violations.map { "\($0.field): \($0.reason)" }.joined(separator: "; ")
            self.init(code: .invalidArgument, message: summary, violations: violations)
        case .notFound(let what): self.init(code: .notFound, message: "\(what) not found")
        case .alreadyExists(let what): self.init(code: .alreadyExists, message: what)
        case .forbidden(let why): self.init(code: .permissionDenied, message: why)
        case .unauthenticated(let why): self.init(code: .unauthenticated, message: why)
        case .failedPrecondition(let why): self.init(code: .failedPrecondition, message: why)
        case .rateLimited(let why): self.init(code: .resourceExhausted, message: why)
        case .conflict(let why): self.init(code: .aborted, message: why)
        case .cancelled(let why): self.init(code: .cancelled, message: why)
        case .storage: self.init(code: .internalError, message: "internal error")
        }
    }
}
