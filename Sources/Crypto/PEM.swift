internal import COpenSSL

/// Memory-BIO helpers for PEM text.
enum PEM {
    static func write(_ body: (OpaquePointer) -> Int32, _ operation: String) throws(CryptoError) -> String {
        guard let bio = BIO_new(BIO_s_mem()) else { throw .drain(operation) }
        defer { BIO_free(bio) }
        guard body(bio) == 1 else { throw .drain(operation) }
        var pointer: UnsafeMutablePointer<CChar>?
        let length = shim_BIO_get_mem_data(bio, &pointer)
        guard let pointer, length > 0 else { throw .drain(operation) }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: Int(length)), as: UTF8.self)
    }

    static func read<T>(_ text: String, _ operation: String, _ body: (OpaquePointer) -> T?) throws(CryptoError) -> T {
        let bytes = Array(text.utf8)
        let result: T? = bytes.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return body(bio)
        }
        guard let result else { throw .drain(operation) }
        return result
    }
}
