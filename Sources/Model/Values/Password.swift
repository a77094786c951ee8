/// A new password that meets the policy of DESIGN.md §4: at least 8 characters (at most 64),
/// mixing at least 3 of lower case, upper case, digits and symbols, and not the account name.
public struct NewPassword: Sendable {
    public let rawValue: String

    public init(validating text: String, account: String) throws(InvalidValue) {
        guard text.count >= 8 else { throw InvalidValue("must be at least 8 characters") }
        guard text.count <= 64 else { throw InvalidValue("must be at most 64 characters") }
        var classes = 0
        if text.contains(where: { $0.isLowercase }) { classes += 1 }
        if text.contains(where: { $0.isUppercase }) { classes += 1 }
        if text.contains(where: { $0.isNumber }) { classes += 1 }
        if text.contains(where: { !$0.isLetter && !$0.isNumber }) { classes += 1 }
        guard classes >= 3 else {
            throw InvalidValue("must mix at least 3 of: lower-case letters, upper-case letters, digits, symbols")
        }
        guard text.lowercased() != account.lowercased() else { throw InvalidValue("must not be the same as the account") }
        rawValue = text
    }
}
