public import NIOCore

/// One frame of the jzs/1 wire protocol.
///
/// ```
///  0               4       5       6               10
///  +---------------+-------+-------+---------------+------------------+
///  | length (u32)  | type  | flags | call id (u32) | payload (length) |
///  +---------------+-------+-------+---------------+------------------+
/// ```
/// All integers are big-endian. `length` counts payload bytes only and is checked against the
/// maximum frame size before anything is allocated. Call frames (HEADERS, MESSAGE, TRAILERS,
/// CANCEL) carry a non-zero call id; connection frames (PING, PONG, GOAWAY) carry call id 0.
public struct Frame: Sendable, Equatable {
    public static let headerSize = 10

    public enum Kind: UInt8, Sendable, CaseIterable {
        case headers = 0x01
        case message = 0x02
        case trailers = 0x03
        case cancel = 0x04
        case ping = 0x05
        case pong = 0x06
        case goAway = 0x07

        /// Whether frames of this kind belong to a call (non-zero call id).
        public var isCallFrame: Bool {
            switch self {
            case .headers, .message, .trailers, .cancel: true
            case .ping, .pong, .goAway: false
            }
        }
    }

    public struct Flags: OptionSet, Sendable, Hashable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        /// On a client's MESSAGE: the last request message of the call.
        public static let endStream = Flags(rawValue: 0x01)
    }

    public var kind: Kind
    public var flags: Flags
    public var callID: UInt32
    public var payload: ByteBuffer

    public init(kind: Kind, flags: Flags = [], callID: UInt32, payload: ByteBuffer) {
        self.kind = kind
        self.flags = flags
        self.callID = callID
        self.payload = payload
    }
}

/// A violation of the framing rules; the connection ends with GOAWAY (protocol error).
public enum FrameError: Error, Sendable, Equatable {
    case frameTooLarge(declared: UInt32, maximum: UInt32)
    case unknownType(UInt8)
    case unknownFlags(UInt8)
    case badCallID(kind: Frame.Kind, callID: UInt32)
    case badLength(kind: Frame.Kind, length: UInt32)
    case truncated(missing: Int)
}
