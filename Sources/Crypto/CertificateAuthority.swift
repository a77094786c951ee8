internal import COpenSSL
public import Foundation

/// What a new certificate says about its subject.
public struct CertificateProfile: Sendable {
    public enum Usage: Sendable { case authority, server, client, identityLock }
    public enum AltName: Sendable, Hashable {
        case dns(String), ip(String), uri(String)
        var text: String {
            switch self {
            case .dns(let v): "DNS:\(v)"
            case .ip(let v): "IP:\(v)"
            case .uri(let v): "URI:\(v)"
            }
        }
    }

    public var commonName: String
    public var organization: String
    public var organizationalUnit: String?
    public var usage: Usage
    public var altNames: [AltName]
    public var validityDays: Int
    /// Subject `serialNumber` attribute (an identity lock carries the credit code here).
    public var subjectSerialNumber: String?

    public init(commonName: String, organization: String = "jzs", organizationalUnit: String? = nil,
                usage: Usage, altNames: [AltName] = [], validityDays: Int, subjectSerialNumber: String? = nil) {
        self.commonName = commonName
        self.organization = organization
        self.organizationalUnit = organizationalUnit
        self.usage = usage
        self.altNames = altNames
        self.validityDays = validityDays
        self.subjectSerialNumber = subjectSerialNumber
    }
}

/// A certificate authority: a CA certificate and its key; issues certificates and CRLs.
public struct CertificateAuthority: Sendable {
    public let certificate: Certificate
    public let key: PrivateKey

    public init(certificate: Certificate, key: PrivateKey) {
        self.certificate = certificate
        self.key = key
    }

    /// A new self-signed root CA with an EC P-256 key.
    public static func create(commonName: String, organization: String = "jzs", validityDays: Int = 3650) throws(CryptoError) -> CertificateAuthority {
        let key = try PrivateKey.generateEC()
        let profile = CertificateProfile(commonName: commonName, organization: organization, usage: .authority, validityDays: validityDays)
        let cert = try build(profile: profile, subjectKey: key, issuer: nil, issuerKey: key)
        return CertificateAuthority(certificate: cert, key: key)
    }

    /// Issues a certificate for `subjectKey` signed by this CA.
    public func issue(_ profile: CertificateProfile, for subjectKey: PrivateKey) throws(CryptoError) -> Certificate {
        try Self.build(profile: profile, subjectKey: subjectKey, issuer: certificate, issuerKey: key)
    }

    /// A signed CRL (v2) listing `revoked` serials (hexadecimal) with their revocation times.
    public func revocationList(revoked: [(serialHex: String, at: Date)], validityDays: Int = 30, now: Date = Date()) throws(CryptoError) -> String {
        ERR_clear_error()
        guard let crl = X509_CRL_new() else { throw .drain("X509_CRL_new") }
        defer { X509_CRL_free(crl) }
        X509_CRL_set_version(crl, 1)
        X509_CRL_set_issuer_name(crl, X509_get_subject_name(certificate.x509))
        let last = ASN1_TIME_set(nil, time_t(now.timeIntervalSince1970))
        let next = ASN1_TIME_set(nil, time_t(now.timeIntervalSince1970) + time_t(validityDays * 86_400))
        defer { ASN1_TIME_free(last); ASN1_TIME_free(next) }
        X509_CRL_set1_lastUpdate(crl, last)
        X509_CRL_set1_nextUpdate(crl, next)
        for entry in revoked {
            guard let r = X509_REVOKED_new() else { throw .drain("X509_REVOKED_new") }
            var bn: OpaquePointer?
            guard BN_hex2bn(&bn, entry.serialHex) > 0, let bn else {
                X509_REVOKED_free(r)
                throw CryptoError(operation: "revoking serial \(entry.serialHex)", details: ["not hexadecimal"])
            }
            let serial = BN_to_ASN1_INTEGER(bn, nil)
            BN_free(bn)
            let when = ASN1_TIME_set(nil, time_t(entry.at.timeIntervalSince1970))
            X509_REVOKED_set_serialNumber(r, serial)
            X509_REVOKED_set_revocationDate(r, when)
            ASN1_INTEGER_free(serial)
            ASN1_TIME_free(when)
            X509_CRL_add0_revoked(crl, r)
        }
        X509_CRL_sort(crl)
        guard X509_CRL_sign(crl, key.pkey, EVP_sha256()) > 0 else { throw .drain("signing CRL") }
        return try PEM.write({ PEM_write_bio_X509_CRL($0, crl) }, "writing CRL")
    }

    private static func build(profile: CertificateProfile, subjectKey: PrivateKey, issuer: Certificate?, issuerKey: PrivateKey) throws(CryptoError) -> Certificate {
        ERR_clear_error()
        guard let x = X509_new() else { throw .drain("X509_new") }
        var ok = false
        defer { if !ok { X509_free(x) } }
        X509_set_version(x, 2)
        // 128-bit random serial, positive.
        var serialBytes = SecureRandom.bytes(16)
        serialBytes[0] &= 0x7F
        serialBytes[0] |= 0x01
        let bn = BN_bin2bn(serialBytes, Int32(serialBytes.count), nil)
        BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x))
        BN_free(bn)
        X509_gmtime_adj(X509_getm_notBefore(x), -300)
        X509_time_adj_ex(X509_getm_notAfter(x), Int32(profile.validityDays), 0, nil)
        X509_set_pubkey(x, subjectKey.pkey)

        let name = X509_get_subject_name(x)
        X509_NAME_add_entry_by_txt(name, "O", shim_MBSTRING_UTF8, profile.organization, -1, -1, 0)
        if let ou = profile.organizationalUnit {
            X509_NAME_add_entry_by_txt(name, "OU", shim_MBSTRING_UTF8, ou, -1, -1, 0)
        }
        X509_NAME_add_entry_by_txt(name, "CN", shim_MBSTRING_UTF8, profile.commonName, -1, -1, 0)
        if let serial = profile.subjectSerialNumber {
            X509_NAME_add_entry_by_txt(name, "serialNumber", shim_MBSTRING_UTF8, serial, -1, -1, 0)
        }
        X509_set_issuer_name(x, issuer.map { X509_get_subject_name($0.x509) } ?? name)

        guard let v3 = shim_X509V3_CTX_new() else { throw .drain("X509V3_CTX") }
        defer { shim_X509V3_CTX_free(v3) }
        X509V3_set_ctx(v3, issuer?.x509 ?? x, x, nil, nil, 0)
        var extensions: [(Int32, String)] = []
        switch profile.usage {
        case .authority:
            extensions = [(NID_basic_constraints, "critical,CA:TRUE,pathlen:0"),
                          (NID_key_usage, "critical,keyCertSign,cRLSign")]
        case .server:
            extensions = [(NID_basic_constraints, "critical,CA:FALSE"),
                          (NID_key_usage, "critical,digitalSignature,keyEncipherment"),
                          (NID_ext_key_usage, "serverAuth")]
        case .client:
            extensions = [(NID_basic_constraints, "critical,CA:FALSE"),
                          (NID_key_usage, "critical,digitalSignature"),
                          (NID_ext_key_usage, "clientAuth")]
        case .identityLock:
            extensions = [(NID_basic_constraints, "critical,CA:FALSE"),
                          (NID_key_usage, "critical,digitalSignature,nonRepudiation")]
        }
        extensions.append((NID_subject_key_identifier, "hash"))
        if issuer != nil { extensions.append((NID_authority_key_identifier, "keyid:always")) }
        if !profile.altNames.isEmpty {
            extensions.append((NID_subject_alt_name, profile.altNames.map(\.text).joined(separator: ",")))
        }
        for (nid, value) in extensions {
            guard let ext = X509V3_EXT_conf_nid(nil, v3, nid, value) else { throw .drain("extension \(value)") }
            X509_add_ext(x, ext, -1)
            X509_EXTENSION_free(ext)
        }
        guard X509_sign(x, issuerKey.pkey, EVP_sha256()) > 0 else { throw .drain("signing certificate") }
        ok = true
        return Certificate(owning: x)
    }
}
