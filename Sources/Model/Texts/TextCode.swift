/// Every sentence the server can send a person, by its stable machine code (sent on the wire as
/// `FieldViolation.code` and `CallTrailers.message_code`; docs/PROTOCOL.md §8). A code never
/// changes meaning once released; a new sentence gets a new code. The texts are in ``Catalogue``.
public enum TextCode: String, Sendable, CaseIterable, Codable {
    // MARK: Fields, any form
    case required = "field.required"
    case tooLong = "field.too_long"
    case controlCharacters = "field.control_characters"
    case listedTwice = "field.listed_twice"
    case tooManyElements = "field.too_many_elements"
    case notUTF8 = "field.not_utf8"

    // MARK: Calls
    case internalError = "call.internal"
    case callCancelled = "call.cancelled"
    case malformedRequest = "call.malformed"
    case requestTooLarge = "call.too_large"
}
