/// RFC 9113's rules for the header block of a request (§8.2: field names and values; §8.2.2:
/// connection-specific fields; §8.3: pseudo-headers), the same rules NIOHTTP2's validator
/// checks. The server switches that validator off (`headerBlockValidation`: one switch for what
/// it receives and what it sends, and it re-checked every header block the server wrote, about
/// 6 % of the server's work per call) and applies these in ``GRPCRequestHead/Scan``'s single
/// pass over the request's headers instead. What the server sends is built by the server.
enum HeaderRules {
    /// The pseudo-headers a request may carry (no CONNECT: gRPC calls are POSTs).
    struct Pseudo: OptionSet {
        let rawValue: UInt8
        static let method = Pseudo(rawValue: 1)
        static let scheme = Pseudo(rawValue: 2)
        static let path = Pseudo(rawValue: 4)
        static let authority = Pseudo(rawValue: 8)
        static let required: Pseudo = [.method, .scheme, .path]

        init(rawValue: UInt8) { self.rawValue = rawValue }

        /// nil for any other pseudo-header (`:status`, `:protocol`, unknown ones).
        init?(requestName name: String) {
            switch name {
            case ":method": self = .method
            case ":scheme": self = .scheme
            case ":path": self = .path
            case ":authority": self = .authority
            default: return nil
            }
        }
    }

    /// A field name is a non-empty token in lower case (RFC 9110 §5.6.2, RFC 9113 §8.2.1).
    static func isFieldName(_ name: String) -> Bool {
        !name.isEmpty && allBytes(of: name) { byte in
            switch byte {
            case 0x21, 0x23...0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x30...0x39, 0x5E...0x7A, 0x7C, 0x7E: true
            default: false
            }
        }
    }

    /// A field value holds no NUL, CR or LF (RFC 9113 §8.2.1).
    static func isFieldValue(_ value: String) -> Bool {
        allBytes(of: value) { $0 != 0x00 && $0 != 0x0A && $0 != 0x0D }
    }

    /// A pseudo-header value holds no control byte, space or DEL: none of their grammars admits
    /// one (as NIOHTTP2 checks them).
    static func isPseudoValue(_ value: String) -> Bool {
        allBytes(of: value) { $0 > 0x20 && $0 != 0x7F }
    }

    /// `test` holds for every UTF-8 byte of `string` (through its contiguous storage when it
    /// has one, as decoded header strings do).
    private static func allBytes(of string: String, _ test: (UInt8) -> Bool) -> Bool {
        string.utf8.withContiguousStorageIfAvailable { $0.allSatisfy(test) } ?? string.utf8.allSatisfy(test)
    }
}
