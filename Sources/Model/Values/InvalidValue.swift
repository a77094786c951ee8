/// Why a value is not acceptable, in words a user can act on (a catalogue text). The field path
/// is added by whoever knows it (``Violations``).
public struct InvalidValue: Error, Sendable, Equatable {
    public let text: Text
    public init(_ code: TextCode, _ args: Text.Arg...) { self.text = Text(code, arguments: args) }
    public init(_ text: Text) { self.text = text }
}

/// Collects every invalid field of a request, so the user sees all of them at once.
///
/// ```swift
/// var v = Violations()
/// let code = v.check("credit_code") { try UnifiedSocialCreditCode(validating: request.creditCode) }
/// let phone = v.check("phone") { try MobileNumber(validating: request.phone) }
/// try v.throwIfAny()          // RegistryError.invalidFields([...])
/// ```
public struct Violations: Sendable {
    public private(set) var list: [FieldViolation] = []

    public init() {}

    public mutating func check<T>(_ field: String, _ make: () throws(InvalidValue) -> T) -> T? {
        do {
            return try make()
        } catch {
            list.append(FieldViolation(field: field, text: error.text))
            return nil
        }
    }

    public mutating func add(_ field: String, _ code: TextCode, _ args: Text.Arg...) {
        list.append(FieldViolation(field: field, text: Text(code, arguments: args)))
    }

    public mutating func add(_ field: String, _ text: Text) {
        list.append(FieldViolation(field: field, text: text))
    }

    public func throwIfAny() throws(RegistryError) {
        if !list.isEmpty { throw .invalidFields(list) }
    }
}
