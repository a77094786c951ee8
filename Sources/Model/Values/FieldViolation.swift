/// One invalid field of a request: a path such as `items[3].id_number` and what is wrong.
public struct FieldViolation: Sendable, Hashable, Codable {
    public var field: String
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }
}
