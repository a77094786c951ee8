/// Why a value is not acceptable, in words a user can act on. The field path is added by
/// whoever knows it (``Violations``).
public struct InvalidValue: Error, Sendable, Equatable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
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
            list.append(FieldViolation(field: field, reason: error.reason))
            return nil
        }
    }

    public mutating func add(_ field: String, _ reason: String) {
        list.append(FieldViolation(field: field, reason: reason))
    }

    public func throwIfAny() throws(RegistryError) {
        if !list.isEmpty { throw .invalidFields(list) }
    }
}
