internal import COpenSSL
public import Foundation

/// Signatures with an EC key and SHA-256 (identity locks, challenges), and SM2 with SM3 for
/// keys of type SM2 (with the GM/T 0009 default distinguishing identifier).
public enum Signature {
    /// GM/T 0009-2012 default SM2 distinguishing identifier: what GmSSL, Bouncy Castle and
    /// `openssl pkeyutl -pkeyopt distid:1234567812345678` use.
    public static let sm2DistinguishingID = "1234567812345678"

    public static func sign(_ data: [UInt8], with key: PrivateKey) throws(CryptoError) -> [UInt8] {
        ERR_clear_error()
        guard let context = DigestContext(key: key.pkey) else { throw .drain("EVP_MD_CTX_new") }
        // The context owns the OpenSSL objects: keep it alive until the last call that uses them.
        return try withExtendedLifetime(context) { () throws(CryptoError) -> [UInt8] in
            let ctx = context.md
            guard EVP_DigestSignInit(ctx, nil, digest(for: key.pkey), nil, key.pkey) == 1 else { throw .drain("signing") }
            var length = 0
            guard EVP_DigestSign(ctx, nil, &length, data, data.count) == 1 else { throw .drain("signing") }
            var signature = [UInt8](repeating: 0, count: length)
            guard EVP_DigestSign(ctx, &signature, &length, data, data.count) == 1 else { throw .drain("signing") }
            return Array(signature.prefix(length))
        }
    }

    /// Whether `signature` over `data` verifies with the public key of `certificate`.
    public static func verify(_ signature: [UInt8], of data: [UInt8], with certificate: Certificate) -> Bool {
        ERR_clear_error()
        defer { ERR_clear_error() }
        guard let key = X509_get0_pubkey(certificate.x509) else { return false }
        return verify(signature, of: data, key: key)
    }

    /// Whether `signature` over `data` verifies with a PEM public key (SubjectPublicKeyInfo).
    public static func verify(_ signature: [UInt8], of data: [UInt8], publicKeyPEM: String) -> Bool {
        ERR_clear_error()
        defer { ERR_clear_error() }
        let bytes = Array(publicKeyPEM.utf8)
        let key: OpaquePointer? = bytes.withUnsafeBytes { raw in
            guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(raw.count)) else { return nil }
            defer { BIO_free(bio) }
            return PEM_read_bio_PUBKEY(bio, nil, nil, nil)
        }
        guard let key else { return false }
        defer { EVP_PKEY_free(key) }
        return verify(signature, of: data, key: key)
    }

    private static func verify(_ signature: [UInt8], of data: [UInt8], key: OpaquePointer) -> Bool {
        guard let context = DigestContext(key: key) else { return false }
        return withExtendedLifetime(context) {
            guard EVP_DigestVerifyInit(context.md, nil, digest(for: key), nil, key) == 1 else { return false }
            return EVP_DigestVerify(context.md, signature, signature.count, data, data.count) == 1
        }
    }

    static func digest(for key: OpaquePointer) -> OpaquePointer? {
        EVP_PKEY_is_a(key, "SM2") == 1 ? EVP_sm3() : EVP_sha256()
    }
}

/// A digest-sign/verify context; for an SM2 key it carries the distinguishing identifier
/// (OpenSSL 3 otherwise uses an empty one, which other SM2 implementations reject).
private final class DigestContext {
    let md: OpaquePointer
    private let pkey: OpaquePointer?

    init?(key: OpaquePointer) {
        guard let md = EVP_MD_CTX_new() else { return nil }
        var pkey: OpaquePointer?
        if EVP_PKEY_is_a(key, "SM2") == 1 {
            let id = Array(Signature.sm2DistinguishingID.utf8)
            guard let p = EVP_PKEY_CTX_new(key, nil) else { EVP_MD_CTX_free(md); return nil }
            guard EVP_PKEY_CTX_set1_id(p, id, Int32(id.count)) == 1 else { EVP_PKEY_CTX_free(p); EVP_MD_CTX_free(md); return nil }
            EVP_MD_CTX_set_pkey_ctx(md, p)
            pkey = p
        }
        self.md = md
        self.pkey = pkey
    }

    deinit {
        EVP_MD_CTX_free(md)
        if let pkey { EVP_PKEY_CTX_free(pkey) }
    }
}

extension Certificate {
    /// A subject attribute by short name (`CN`, `O`, `serialNumber`), or nil.
    public func subjectField(_ name: String) -> String? {
        let nid = OBJ_txt2nid(name)
        guard nid != NID_undef, let subject = X509_get_subject_name(x509) else { return nil }
        let index = X509_NAME_get_index_by_NID(subject, nid, -1)
        guard index >= 0, let entry = X509_NAME_get_entry(subject, index),
              let value = X509_NAME_ENTRY_get_data(entry) else { return nil }
        var out: UnsafeMutablePointer<UInt8>?
        let length = ASN1_STRING_to_UTF8(&out, value)
        guard length >= 0, let out else { return nil }
        defer { shim_OPENSSL_free(out) }
        return String(decoding: UnsafeBufferPointer(start: out, count: Int(length)), as: UTF8.self)
    }

    /// Whether this certificate was issued by `authority` and is valid at `date`.
    public func isIssued(by authority: Certificate, at date: Date = Date()) -> Bool {
        ERR_clear_error()
        defer { ERR_clear_error() }
        guard let store = X509_STORE_new() else { return false }
        defer { X509_STORE_free(store) }
        guard X509_STORE_add_cert(store, authority.x509) == 1, let ctx = X509_STORE_CTX_new() else { return false }
        defer { X509_STORE_CTX_free(ctx) }
        guard X509_STORE_CTX_init(ctx, store, x509, nil) == 1 else { return false }
        X509_STORE_CTX_set_time(ctx, 0, time_t(date.timeIntervalSince1970))
        return X509_verify_cert(ctx) == 1
    }
}
