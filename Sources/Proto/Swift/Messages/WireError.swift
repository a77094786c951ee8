/// Bytes that do not decode into the expected message.
public enum WireError: Error, Sendable, Equatable {
    /// Not a well-formed protobuf message of the expected type.
    case malformed(String)
    /// A string field that is not valid UTF-8 or contains NUL; `field` is its path.
    case invalidString(field: String, reason: String)
    /// Decoding would need more memory than the limits allow.
    case tooLarge
    /// A repeated field with more elements than its cap (`@max` in the contract).
    case tooManyElements(field: String, limit: Int)
}
