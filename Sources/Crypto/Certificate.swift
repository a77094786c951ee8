internal import COpenSSL
public import Foundation

/// An X.509 certificate.
public final class Certificate: @unchecked Sendable {
    // @unchecked: the X509 is never mutated after it is built or parsed.
    let x509: OpaquePointer

    init(owning x509: OpaquePointer) { self.x509 = x509 }
    deinit { X509_free(x509) }

    public convenience init(pem: String) throws(CryptoError) {
        ERR_clear_error()
        let x = try PEM.read(pem, "reading certificate") { PEM_read_bio_X509($0, nil, nil, nil) }
        self.init(owning: x)
    }

    public func pem() throws(CryptoError) -> String {
        try PEM.write({ PEM_write_bio_X509($0, x509) }, "writing certificate")
    }

    /// Serial number in upper-case hexadecimal.
    public var serialHex: String {
        guard let bn = ASN1_INTEGER_to_BN(X509_get_serialNumber(x509), nil) else { return "" }
        defer { BN_free(bn) }
        guard let hex = BN_bn2hex(bn) else { return "" }
        defer { shim_OPENSSL_free(hex) }
        return String(cString: hex)
    }

    /// Subject in OpenSSL's one-line form, e.g. `/CN=jzs province 37`.
    public var subject: String {
        guard let name = X509_get_subject_name(x509), let line = X509_NAME_oneline(name, nil, 0) else { return "" }
        defer { shim_OPENSSL_free(line) }
        return String(cString: line)
    }

    public var notAfter: Date {
        var tm = tm()
        guard ASN1_TIME_to_tm(X509_get0_notAfter(x509), &tm) == 1 else { return .distantPast }
        return Date(timeIntervalSince1970: TimeInterval(timegm(&tm)))
    }

    /// SAN URIs, e.g. `jzs:province:37`.
    public var uris: [String] {
        guard let names = X509_get_ext_d2i(x509, NID_subject_alt_name, nil, nil) else { return [] }
        let stack = OpaquePointer(names)
        defer { shim_GENERAL_NAMES_free(stack) }
        var out: [String] = []
        for i in 0..<shim_sk_GENERAL_NAME_num(stack) {
            var len: Int32 = 0
            if let n = shim_sk_GENERAL_NAME_value(stack, i), let p = shim_GENERAL_NAME_uri(n, &len) {
                out.append(String(decoding: UnsafeBufferPointer(start: p, count: Int(len)), as: UTF8.self))
            }
        }
        return out
    }
}
