/// One invalid field of a request: its path (`items[3].id_number`, 0-based as on the wire) and
/// what is wrong, as a catalogue text rendered in the caller's language when it is sent.
public struct FieldViolation: Sendable, Hashable, Codable {
    public var field: String
    public var text: Text

    public init(field: String, text: Text) {
        self.field = field
        self.text = text
    }

    public init(field: String, _ code: TextCode, _ args: Text.Arg...) {
        self.field = field
        self.text = Text(code, arguments: args)
    }
}
