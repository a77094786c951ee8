public import NIOCore

/// An ``RPCError``'s violations and message code as gRPC carries them: a `google.rpc.Status`
/// (code, message, details) serialized in `grpc-status-details-bin`, with a
/// `google.rpc.BadRequest` for field violations and a `google.rpc.ErrorInfo` (reason = message
/// code, domain `jzs`) for the message code.
public enum StatusDetails {
    public static let badRequestType = "type.googleapis.com/google.rpc.BadRequest"
    public static let errorInfoType = "type.googleapis.com/google.rpc.ErrorInfo"
    public static let domain = "jzs"

    /// The serialized `google.rpc.Status` of `error`; nil when it has neither violations nor a
    /// message code (then `grpc-status` and `grpc-message` say everything).
    public static func encode(_ error: RPCError) -> [UInt8]? {
        guard !error.violations.isEmpty || !error.messageCode.isEmpty else { return nil }
        var details: [Wire.GoogleProtobuf.`Any`] = []
        if !error.messageCode.isEmpty {
            details.append(.init(typeURL: errorInfoType, value: bytes(of: Wire.GoogleRPC.ErrorInfo(reason: error.messageCode, domain: domain))))
        }
        if !error.violations.isEmpty {
            let request = Wire.GoogleRPC.BadRequest(fieldViolations: error.violations.map {
                .init(field: $0.field, description: $0.reason, reason: $0.code)
            })
            details.append(.init(typeURL: badRequestType, value: bytes(of: request)))
        }
        return bytes(of: Wire.GoogleRPC.Status(code: Int32(error.code.rawValue), message: error.message, details: details))
    }

    /// The message code and violations of a serialized `google.rpc.Status` (unknown details
    /// ignored); nil when it does not decode.
    public static func decode(_ bytes: [UInt8]) -> (messageCode: String, violations: [RPCError.Violation])? {
        var buffer = ByteBuffer(bytes: bytes)
        guard let status = try? Wire.GoogleRPC.Status(buffer: buffer) else { return nil }
        buffer.clear()
        var code = ""
        var violations: [RPCError.Violation] = []
        for detail in status.details {
            let value = ByteBuffer(bytes: detail.value)
            switch detail.typeURL {
            case errorInfoType:
                if let info = try? Wire.GoogleRPC.ErrorInfo(buffer: value) { code = info.reason }
            case badRequestType:
                if let request = try? Wire.GoogleRPC.BadRequest(buffer: value) {
                    violations += request.fieldViolations.map { .init(field: $0.field, code: $0.reason, reason: $0.description) }
                }
            default:
                break
            }
        }
        return (code, violations)
    }

    private static func bytes(of message: some ProtobufCBacked) -> [UInt8] {
        var buffer = ByteBuffer()
        _ = message.encode(into: &buffer)
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }
}
