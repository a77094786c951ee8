public import Proto
internal import Model

extension RPCError {
    /// The one mapping from any error a handler throws to what the client sees. Unknown errors
    /// become INTERNAL with no internal text (the caller logs them).
    public init(mapping error: any Error) {
        switch error {
        case let error as RPCError: self = error
        case let error as WireError: self.init(error)
        case is CancellationError: self.init(code: .cancelled, message: "call cancelled")
        default: self.init(code: .internalError, message: "internal error")
        }
    }
}
