internal import NIOCore
internal import NIOPosix
internal import Proto
#if canImport(Glibc)
internal import Glibc
#endif

/// Transport failures in words a user can act on, for the messages of the ``RPCError``s the
/// client makes itself ("connection refused", "certificate verify failed"), never the
/// description of a NIO or OpenSSL structure: no NIO type reaches the client's API, and no NIO
/// text reaches its messages either.
enum TransportErrorText {
    /// Why a connection could not be opened or was lost.
    static func reason(_ error: any Error) -> String {
        switch error {
        case let error as NIOConnectionError:
            if let first = error.connectionErrors.first { return reason(first.error) }
            return error.dnsAError != nil || error.dnsAAAAError != nil ? "unknown host" : "no address to connect to"
        case let error as IOError:
            return sentence(String(cString: strerror(error.errnoCode)))
        case is SocketAddressError.UnknownHost:
            return "unknown host"
        case let error as ChannelError:
            if case .connectTimeout = error { return "timed out" }
            return "the connection closed (\(error))"
        case let error as TLSError:
            return tls(error)
        case let error as OpenSSLError:
            return "\(error.operation) failed" + (error.details.first.map { ": \(openSSL($0))" } ?? "")
        case let error as RPCError:
            return error.message
        default:
            return String("\(error)".split(whereSeparator: \.isNewline).first ?? "").prefix(200).description
        }
    }

    /// A TLS failure without OpenSSL's error-code prefixes.
    static func tls(_ error: TLSError) -> String {
        switch error {
        case .handshakeFailed(let why):
            let text = openSSL(why)
            return "TLS handshake failed: " + (text.hasPrefix("handshake failed: ") ? String(text.dropFirst("handshake failed: ".count)) : text)
        case .failure(let why):
            return "TLS failure: " + openSSL(why)
        case .alpnMismatch, .uncleanShutdown:
            return error.description
        }
    }

    /// `error:0A000086:SSL routines::certificate verify failed (…)` → `certificate verify failed (…)`:
    /// OpenSSL's packed code, library and function names dropped, its reason kept.
    static func openSSL(_ text: String) -> String {
        var result = ""
        var rest = Substring(text)
        while let start = rest.firstRange(of: "error:") {
            result += rest[..<start.lowerBound]
            // error:<8 hex>:<library>:<function>:<reason>
            let fields = rest[start.upperBound...].split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
            guard fields.count == 4, fields[0].count == 8, fields[0].allSatisfy(\.isHexDigit) else {
                result += "error:"
                rest = rest[start.upperBound...]
                continue
            }
            rest = fields[3]
        }
        return result + rest
    }

    private static func sentence(_ text: String) -> String {
        text.prefix(1).lowercased() + text.dropFirst()
    }
}
