public import Model

/// The only error that crosses the network: a status code, a message for people (already in the
/// caller's language), the stable code of that message and, with `INVALID_ARGUMENT`, the fields
/// that were wrong.
public struct RPCError: Error, Sendable, Equatable, CustomStringConvertible {
    public var code: StatusCode
    public var message: String
    /// The catalogue code of ``message`` (`application.not_found`), or a client-side code
    /// (`client.unreachable`) for failures the client library makes itself; empty when unknown.
    public var messageCode: String
    public var violations: [Violation]

    /// One wrong field as the wire carries it: a path, a sentence and the sentence's code.
    public struct Violation: Sendable, Hashable {
        public var field: String
        public var code: String
        public var reason: String
        public init(field: String, code: String, reason: String) {
            self.field = field
            self.code = code
            self.reason = reason
        }
    }

    public init(code: StatusCode, message: String, messageCode: String = "", violations: [Violation] = []) {
        self.code = code
        self.message = message
        self.messageCode = messageCode
        self.violations = violations
    }

    /// A catalogue text rendered in `language`, with its code.
    public init(code: StatusCode, _ text: Text, language: Language, violations: [Violation] = []) {
        self.init(code: code, message: text.rendered(language), messageCode: text.code.rawValue, violations: violations)
    }

    public var description: String {
        var text = "\(code.name): \(message)"
        for v in violations { text += "\n  \(v.field): \(v.reason)" }
        return text
    }
}

extension RPCError.Violation {
    /// A domain violation rendered in `language`.
    public init(_ v: FieldViolation, language: Language) {
        self.init(field: v.field, code: v.text.code.rawValue, reason: v.text.rendered(language))
    }
}

extension RPCError {
    /// The error a peer gets for bytes that do not decode; names the field when one is known.
    package init(_ error: WireError, language: Language) {
        switch error {
        case .malformed(let what):
            self.init(code: .invalidArgument, Text(.malformedRequest, "\(what)"), language: language)
        case .invalidString(let field, _):
            self.init(field: field, Text(.notUTF8), language: language)
        case .tooLarge:
            self.init(code: .resourceExhausted, Text(.requestTooLarge), language: language)
        case .tooManyElements(let field, let limit):
            self.init(field: field, Text(.tooManyElements, "\(limit)"), language: language)
        }
    }

    /// INVALID_ARGUMENT for one field: the message is "label: reason" (``FieldLabels``).
    public init(field: String, _ text: Text, language: Language) {
        self.init(invalid: [FieldViolation(field: field, text: text)], language: language)
    }

    /// INVALID_ARGUMENT for these fields, the message naming each by its form label.
    public init(invalid list: [FieldViolation], language: Language) {
        let separator = language == .zh ? "；" : "; "
        let colon = language == .zh ? "：" : ": "
        let summary = list.map { FieldLabels.name(of: $0.field, language) + colon + $0.text.rendered(language) }
            .joined(separator: separator)
        self.init(code: .invalidArgument, message: summary, messageCode: list.first?.text.code.rawValue ?? "",
                  violations: list.map { Violation($0, language: language) })
    }
}
