package import NIOCore

/// Encodes and decodes one message type; carried by every method so that the router and the
/// client never need to know how a message is backed.
package struct MessageCodec<Message: WireMessage>: Sendable {
    package let decode: @Sendable (ByteBuffer) throws(WireError) -> Message
    package let encode: @Sendable (Message, inout ByteBuffer) -> Void
}

extension MessageCodec where Message: ProtobufCBacked {
    package static var protobufC: Self {
        MessageCodec(
            decode: { buffer throws(WireError) in try Message(buffer: buffer) },
            encode: { message, buffer in message.encode(into: &buffer) })
    }
}
