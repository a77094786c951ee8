internal import COpenSSL
public import Foundation

/// What a CRL says: when it was signed, when it lapses, and which serials it revokes.
public struct RevocationList: Sendable, Equatable {
    public let lastUpdate: Date
    /// After this, relying parties refuse the CRL (OpenSSL fails the handshake: fail-closed).
    public let nextUpdate: Date
    /// Revoked serial numbers in upper-case hexadecimal (as ``Certificate/serialHex``).
    public let revokedSerials: Set<String>

    public init(pem: String) throws(CryptoError) {
        ERR_clear_error()
        let crl = try PEM.read(pem, "reading CRL") { PEM_read_bio_X509_CRL($0, nil, nil, nil) }
        defer { X509_CRL_free(crl) }
        func date(_ t: UnsafePointer<ASN1_TIME>?) -> Date? {
            guard let t else { return nil }
            var parts = tm()
            guard ASN1_TIME_to_tm(t, &parts) == 1 else { return nil }
            return Date(timeIntervalSince1970: TimeInterval(timegm(&parts)))
        }
        guard let last = date(X509_CRL_get0_lastUpdate(crl)), let next = date(X509_CRL_get0_nextUpdate(crl)) else {
            throw CryptoError(operation: "reading CRL", details: ["no lastUpdate or nextUpdate"])
        }
        lastUpdate = last
        nextUpdate = next
        var serials = Set<String>()
        if let stack = X509_CRL_get_REVOKED(crl) {
            for i in 0..<shim_sk_X509_REVOKED_num(stack) {
                guard let revoked = shim_sk_X509_REVOKED_value(stack, i),
                      let bn = ASN1_INTEGER_to_BN(X509_REVOKED_get0_serialNumber(revoked), nil) else { continue }
                defer { BN_free(bn) }
                if let hex = BN_bn2hex(bn) {
                    serials.insert(String(cString: hex))
                    shim_OPENSSL_free(hex)
                }
            }
        }
        revokedSerials = serials
    }

    /// True once a third (or less) of the CRL's lifetime remains: time to re-sign it.
    public func needsRenewal(now: Date) -> Bool {
        let lifetime = nextUpdate.timeIntervalSince(lastUpdate)
        return nextUpdate.timeIntervalSince(now) <= lifetime / 3
    }
}
