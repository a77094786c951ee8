internal import COpenSSL

/// A failed OpenSSL operation outside TLS, with the drained error queue.
public struct CryptoError: Error, Sendable, CustomStringConvertible {
    public let operation: String
    public let details: [String]

    public var description: String {
        details.isEmpty ? "\(operation) failed" : "\(operation) failed: \(details.joined(separator: "; "))"
    }

    static func drain(_ operation: String) -> CryptoError {
        var details: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var buf = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &buf, buf.count)
            details.append(buf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) })
        }
        return CryptoError(operation: operation, details: details)
    }
}
