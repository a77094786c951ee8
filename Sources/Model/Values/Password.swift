/// A new password that meets the policy of DESIGN.md §4: at least 8 characters (at most 64),
/// mixing at least 3 of lower case, upper case, digits and symbols, and not the account name.
public struct NewPassword: Sendable {
    public let rawValue: String

    public init(validating text: String, account: String) throws(InvalidValue) {
        guard text.count >= 8 else { throw InvalidValue(.passwordTooShort) }
        guard text.count <= 64 else { throw InvalidValue(.tooLong, "64") }
        var classes = 0
        if text.contains(where: { $0.isLowercase }) { classes += 1 }
        if text.contains(where: { $0.isUppercase }) { classes += 1 }
        if text.contains(where: { $0.isNumber }) { classes += 1 }
        if text.contains(where: { !$0.isLetter && !$0.isNumber }) { classes += 1 }
        guard classes >= 3 else {
            throw InvalidValue(.passwordClasses)
        }
        guard text.lowercased() != account.lowercased() else { throw InvalidValue(.passwordIsAccount) }
        rawValue = text
    }
}
