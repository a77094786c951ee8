import Foundation
import Crypto
import Model

/// The dev PKI of a data directory: CA, server and client certificates, CRL, legacy-lock CA.
struct PKIStore {
    let data: DataDirectory

    struct Issued: Codable {
        var name: String
        var serial: String
        var principal: String
        var subject: String
        var notAfter: Date
        var revokedAt: Date?
    }

    /// Creates the whole PKI: CA, server certificate, one client certificate per provincial
    /// authority (31 + 兵团 under `corpsCode`) and one for the ministry, the legacy-lock CA, a CRL.
    func create(corpsCode: UInt32, serverNames: [CertificateProfile.AltName]) throws {
        let ca = try CertificateAuthority.create(commonName: "jzs dev CA")
        try data.write(try ca.certificate.pem(), to: data.caCertificate)
        try data.write(try ca.key.privateKeyPEM(), to: data.caKey, secret: true)

        let serverKey = try PrivateKey.generateEC()
        let server = try ca.issue(.init(commonName: "jzsd", usage: .server, altNames: serverNames, validityDays: 825), for: serverKey)
        try data.write(try server.pem() + ca.certificate.pem(), to: data.serverCertificate)
        try data.write(try serverKey.privateKeyPEM(), to: data.serverKey, secret: true)

        var index: [Issued] = []
        for code in Province.allCodes(corpsCode: corpsCode) {
            index.append(try issue(ca: ca, principal: "jzs:province:\(code)", name: "province-\(code)",
                                   commonName: "jzs province \(code) \(Province.name(of: code, corpsCode: corpsCode) ?? "")", days: 825))
        }
        index.append(try issue(ca: ca, principal: "jzs:ministry", name: "ministry", commonName: "jzs ministry", days: 825))
        try save(index)
        try data.write(try ca.revocationList(revoked: []), to: data.crl)

        try createSigningKey()
        let legacy = try CertificateAuthority.create(commonName: "jzs legacy identity-lock CA", organization: "jzs legacy")
        try data.write(try legacy.certificate.pem(), to: data.legacyLockCA)
        try data.write(try legacy.key.privateKeyPEM(), to: data.legacyLockCAKey, secret: true)
    }

    /// The ministry's SM2 signing key (made on first use for data directories from older versions).
    func createSigningKey() throws {
        let key = try PrivateKey.generateSM2()
        try data.write(try key.privateKeyPEM(), to: data.signingKey, secret: true)
        try data.write(try key.publicKeyPEM(), to: data.signingPublicKey)
    }

    func signingKey() throws -> (key: PrivateKey, publicPEM: String) {
        if !FileManager.default.fileExists(atPath: data.signingKey.path) { try createSigningKey() }
        return (try PrivateKey(pem: data.read(data.signingKey)), try data.read(data.signingPublicKey))
    }

    func loadCA() throws -> CertificateAuthority {
        CertificateAuthority(certificate: try Certificate(pem: data.read(data.caCertificate)),
                             key: try PrivateKey(pem: data.read(data.caKey)))
    }

    /// Issues a client certificate naming `principal` and records it in the index.
    func issue(ca: CertificateAuthority, principal: String, name: String, commonName: String, days: Int) throws -> Issued {
        let key = try PrivateKey.generateEC()
        let cert = try ca.issue(.init(commonName: commonName, usage: .client, altNames: [.uri(principal)], validityDays: days), for: key)
        try data.write(try cert.pem(), to: data.clientCertificate(name))
        try data.write(try key.privateKeyPEM(), to: data.clientKey(name), secret: true)
        return Issued(name: name, serial: cert.serialHex, principal: principal, subject: cert.subject, notAfter: cert.notAfter)
    }

    func load() throws -> [Issued] {
        guard FileManager.default.fileExists(atPath: data.issuedIndex.path) else { return [] }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode([Issued].self, from: Data(contentsOf: data.issuedIndex))
    }

    func save(_ index: [Issued]) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try data.write(String(decoding: try encoder.encode(index), as: UTF8.self), to: data.issuedIndex)
    }

    /// Marks `serial` revoked and re-signs the CRL (the server picks it up for new connections).
    func revoke(serial: String) throws -> Issued {
        var index = try load()
        guard let i = index.firstIndex(where: { $0.serial.caseInsensitiveCompare(serial) == .orderedSame }) else {
            throw ValidationFailure("no issued certificate with serial \(serial) (see `jzsd ca list`)")
        }
        if index[i].revokedAt == nil { index[i].revokedAt = Date() }
        try save(index)
        let ca = try loadCA()
        let revoked = index.compactMap { e in e.revokedAt.map { (serialHex: e.serial, at: $0) } }
        try data.write(try ca.revocationList(revoked: revoked), to: data.crl)
        return index[i]
    }
}

extension PKIStore {
    /// Re-signs the CRL with the revocations of the index (30 days from `now`).
    func renewCRL(now: Date = Date()) throws {
        let revoked = try load().compactMap { e in e.revokedAt.map { (serialHex: e.serial, at: $0) } }
        try data.write(try loadCA().revocationList(revoked: revoked, now: now), to: data.crl)
    }
}

/// A user error of jzsd, printed without a stack of details.
struct ValidationFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
