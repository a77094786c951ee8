public import Model

/// The only error that crosses the network: a status code, a message for people and, with
/// `INVALID_ARGUMENT`, the fields that were wrong.
public struct RPCError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: StatusCode
    public var message: String
    public var violations: [FieldViolation]

    public init(code: StatusCode, message: String, violations: [FieldViolation] = []) {
        self.code = code
        self.message = message
        self.violations = violations
    }

    public var description: String {
        var text = "\(code.name): \(message)"
        for v in violations { text += "\n  \(v.field): \(v.reason)" }
        return text
    }
}

extension RPCError {
    /// The error a peer gets for bytes that do not decode; names the field when one is known.
    package init(_ error: WireError) {
        switch error {
        case .malformed(let what):
            self.init(code: .invalidArgument, message: "malformed request: \(what)")
        case .invalidString(let field, let reason):
            self.init(code: .invalidArgument, message: "\(field): \(reason)",
                      violations: [FieldViolation(field: field, reason: reason)])
        case .tooLarge:
            self.init(code: .resourceExhausted, message: "message needs more memory to decode than allowed")
        case .tooManyElements(let field, let limit):
            let reason = "at most \(limit) elements"
            self.init(code: .invalidArgument, message: "\(field): \(reason)",
                      violations: [FieldViolation(field: field, reason: reason)])
        }
    }
}
