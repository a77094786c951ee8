internal import Foundation
public import NIOCore

/// The gRPC-over-HTTP/2 conventions both peers use (docs/PROTOCOL.md, "gRPC over HTTP/2"):
/// header names, the 5-byte message prefix, `grpc-timeout`, the percent-encoding of
/// `grpc-message`, and binary (`-bin`) metadata. One place, so the server and the client cannot
/// disagree.
public enum GRPCWire {
    public enum Header {
        public static let contentType = "content-type"
        public static let te = "te"
        public static let timeout = "grpc-timeout"
        public static let encoding = "grpc-encoding"
        public static let acceptEncoding = "grpc-accept-encoding"
        public static let status = "grpc-status"
        public static let message = "grpc-message"
        public static let statusDetails = "grpc-status-details-bin"
        /// The catalogue code of `grpc-message` (also in the details' google.rpc.ErrorInfo).
        public static let messageCode = "jzs-message-code"
        public static let userAgent = "user-agent"
    }

    /// The content type jzs sends; `application/grpc+proto` (and `;` parameters) is accepted too.
    public static let contentType = "application/grpc"

    /// Whether a request's `content-type` is gRPC with the protobuf encoding.
    public static func isGRPCContentType(_ value: String) -> Bool {
        // What every stock client sends, without splitting (this runs once per call).
        if value == contentType || value == "application/grpc+proto" { return true }
        let base = value.split(separator: ";", maxSplits: 1).first.map { $0.trimmingASCIISpaces() } ?? ""
        return base == "application/grpc" || base == "application/grpc+proto"
    }

    /// Length-prefixed message: 1 byte compressed flag, 4 bytes big-endian length.
    public static let prefixBytes = 5

    /// Writes one length-prefixed, uncompressed message, encoded by `encode` in place.
    public static func writeMessage(into buffer: inout ByteBuffer, encode: (inout ByteBuffer) -> Void) -> Int {
        let start = buffer.writerIndex
        buffer.writeInteger(UInt8(0))
        buffer.writeInteger(UInt32(0))
        encode(&buffer)
        let size = buffer.writerIndex - start - prefixBytes
        buffer.setInteger(UInt32(truncatingIfNeeded: size), at: start + 1)
        return size
    }

    /// What the next bytes of a stream hold.
    public enum Next {
        case needMore
        case message(ByteBuffer)
        case compressed
        case tooLarge(Int)
    }

    /// Takes one message from `buffer` if it is complete; refuses a compressed one (jzs
    /// negotiates no compression) or one over `maximum` bytes as soon as its prefix arrived.
    public static func nextMessage(from buffer: inout ByteBuffer, maximum: Int) -> Next {
        guard buffer.readableBytes >= prefixBytes,
              let flag = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
              let length = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt32.self) else { return .needMore }
        if flag != 0 { return .compressed }
        guard Int(length) <= maximum else { return .tooLarge(Int(length)) }
        guard buffer.readableBytes >= prefixBytes + Int(length) else { return .needMore }
        buffer.moveReaderIndex(forwardBy: prefixBytes)
        return .message(buffer.readSlice(length: Int(length))!)
    }

    // MARK: grpc-timeout

    /// Parses `grpc-timeout` (up to 8 digits and a unit H, M, S, m, u, n) into microseconds;
    /// nil when malformed. A timeout below a microsecond becomes one.
    public static func parseTimeout(_ value: String) -> UInt64? {
        let bytes = Array(value.utf8)
        guard bytes.count >= 2, bytes.count <= 9 else { return nil }
        var amount: UInt64 = 0
        for b in bytes.dropLast() {
            guard b >= 0x30, b <= 0x39 else { return nil }
            amount = amount * 10 + UInt64(b - 0x30)
        }
        let micros: UInt64
        switch bytes.last! {
        case UInt8(ascii: "H"): micros = amount * 3_600_000_000
        case UInt8(ascii: "M"): micros = amount * 60_000_000
        case UInt8(ascii: "S"): micros = amount * 1_000_000
        case UInt8(ascii: "m"): micros = amount * 1000
        case UInt8(ascii: "u"): micros = amount
        case UInt8(ascii: "n"): micros = amount / 1000
        default: return nil
        }
        return max(micros, 1)
    }

    /// `grpc-timeout` for a timeout in microseconds (at most 8 digits, in the finest unit that fits).
    public static func formatTimeout(micros: UInt64) -> String {
        if micros < 100_000_000 { return "\(micros)u" }
        if micros / 1000 < 100_000_000 { return "\(micros / 1000)m" }
        if micros / 1_000_000 < 100_000_000 { return "\(micros / 1_000_000)S" }
        return "\(min(micros / 3_600_000_000, 99_999_999))H"
    }

    // MARK: grpc-message

    /// Percent-encodes `grpc-message`: bytes outside printable ASCII, and `%`, as `%XX` (UTF-8).
    public static func percentEncoded(_ text: String) -> String {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for b in text.utf8 {
            if b >= 0x20, b <= 0x7E, b != 0x25 {
                out.append(b)
            } else {
                out += [0x25, hex[Int(b >> 4)], hex[Int(b & 0xF)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes a percent-encoded `grpc-message` (a malformed escape is kept as it is).
    public static func percentDecoded(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.contains(0x25) else { return text }
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var i = 0
        func digit(_ b: UInt8) -> UInt8? {
            switch b {
            case 0x30...0x39: b - 0x30
            case 0x41...0x46: b - 0x41 + 10
            case 0x61...0x66: b - 0x61 + 10
            default: nil
            }
        }
        while i < bytes.count {
            if bytes[i] == 0x25, i + 2 < bytes.count, let h = digit(bytes[i + 1]), let l = digit(bytes[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension GRPCWire {
    // MARK: binary metadata

    /// A header whose name ends so carries base64 of its value's bytes (gRPC over HTTP/2,
    /// "Custom-Metadata"): the only way a stock client can send what an ASCII header value cannot
    /// hold, such as a Chinese operator name. jzs metadata values are UTF-8 text, so `KEY-bin`
    /// is KEY's text in UTF-8, base64-encoded (padded or not).
    public static let binarySuffix = "-bin"

    /// The header one metadata entry travels as: itself when its value is printable ASCII, else
    /// `KEY-bin` with the base64 of the value's UTF-8 bytes.
    public static func header(forMetadata key: String, value: String) -> (name: String, value: String) {
        if value.utf8.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E }) { return (key, value) }
        return (key + binarySuffix, Data(value.utf8).base64EncodedString())
    }

    /// The text a `KEY-bin` header carries, or nil when its value is not base64 of UTF-8 text
    /// without NUL (the rule of every jzs/1 string, so both transports take the same values).
    public static func binaryMetadataText(_ value: String) -> String? {
        let unpadded = value.hasSuffix("=") ? value : value + String(repeating: "=", count: (4 - value.utf8.count % 4) % 4)
        guard let bytes = Data(base64Encoded: unpadded), !bytes.contains(0) else { return nil }
        return String(validating: bytes, as: UTF8.self)
    }
}

extension Substring {
    func trimmingASCIISpaces() -> Substring {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}
