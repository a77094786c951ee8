internal import COpenSSL

/// An asymmetric key pair (EC P-256 for TLS, SM2 for 国密 signatures).
public final class PrivateKey: @unchecked Sendable {
    // @unchecked: the EVP_PKEY is never mutated after creation; OpenSSL allows concurrent use
    // of a key for signing and verifying.
    let pkey: OpaquePointer

    init(owning pkey: OpaquePointer) { self.pkey = pkey }
    deinit { EVP_PKEY_free(pkey) }

    /// A new EC key on `curve` (default P-256).
    public static func generateEC(curve: String = "P-256") throws(CryptoError) -> PrivateKey {
        ERR_clear_error()
        guard let key = shim_generate_ec_key(curve) else { throw .drain("generating \(curve) key") }
        return PrivateKey(owning: key)
    }

    /// A new SM2 key (GB/T 32918).
    public static func generateSM2() throws(CryptoError) -> PrivateKey {
        ERR_clear_error()
        guard let key = shim_generate_sm2_key() else { throw .drain("generating SM2 key") }
        return PrivateKey(owning: key)
    }

    /// Reads a PEM private key (PKCS#8 or traditional).
    public convenience init(pem: String) throws(CryptoError) {
        ERR_clear_error()
        let key = try PEM.read(pem, "reading private key") { PEM_read_bio_PrivateKey($0, nil, nil, nil) }
        self.init(owning: key)
    }

    /// PKCS#8 PEM of the private key (unencrypted: protect the file).
    public func privateKeyPEM() throws(CryptoError) -> String {
        try PEM.write({ PEM_write_bio_PrivateKey($0, pkey, nil, nil, 0, nil, nil) }, "writing private key")
    }

    /// SubjectPublicKeyInfo PEM of the public key.
    public func publicKeyPEM() throws(CryptoError) -> String {
        try PEM.write({ PEM_write_bio_PUBKEY($0, pkey) }, "writing public key")
    }
}
