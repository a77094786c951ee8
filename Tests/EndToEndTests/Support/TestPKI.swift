import Crypto
import Foundation

/// A throwaway PKI per test run: CA, server certificate (localhost, 127.0.0.1), client
/// certificates for two provinces and the ministry, a certificate from another CA, a revoked
/// one with its CRL, and a server certificate for the wrong name.
final class TestPKI: @unchecked Sendable {
    // @unchecked: immutable after init.
    let directory: URL
    let caFile: String
    let serverCertificate: String
    let serverKey: String
    let wrongNameCertificate: String
    let wrongNameKey: String
    let crlFile: String
    /// The legacy identity-lock CA.
    let legacy: CertificateAuthority
    private(set) var clients: [String: (cert: String, key: String)] = [:]

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("jzs-pki-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let ca = try CertificateAuthority.create(commonName: "test CA")
        caFile = try Self.write(ca.certificate.pem(), "ca.pem", in: directory)

        let serverKey = try PrivateKey.generateEC()
        let server = try ca.issue(.init(commonName: "jzsd", usage: .server, altNames: [.dns("localhost"), .ip("127.0.0.1")], validityDays: 2), for: serverKey)
        serverCertificate = try Self.write(server.pem(), "server.pem", in: directory)
        self.serverKey = try Self.write(serverKey.privateKeyPEM(), "server-key.pem", in: directory)

        let wrongKey = try PrivateKey.generateEC()
        let wrong = try ca.issue(.init(commonName: "elsewhere", usage: .server, altNames: [.dns("elsewhere.example")], validityDays: 2), for: wrongKey)
        wrongNameCertificate = try Self.write(wrong.pem(), "wrong.pem", in: directory)
        wrongNameKey = try Self.write(wrongKey.privateKeyPEM(), "wrong-key.pem", in: directory)

        var revokedSerial = ""
        for (name, uri) in [("province-37", "jzs:province:37"), ("province-11", "jzs:province:11"),
                            ("ministry", "jzs:ministry"), ("revoked", "jzs:province:37")] {
            let key = try PrivateKey.generateEC()
            let cert = try ca.issue(.init(commonName: name, usage: .client, altNames: [.uri(uri)], validityDays: 2), for: key)
            clients[name] = (try Self.write(cert.pem(), "\(name).pem", in: directory),
                             try Self.write(key.privateKeyPEM(), "\(name)-key.pem", in: directory))
            if name == "revoked" { revokedSerial = cert.serialHex }
        }
        crlFile = try Self.write(ca.revocationList(revoked: [(revokedSerial, Date())]), "crl.pem", in: directory)

        legacy = try CertificateAuthority.create(commonName: "legacy lock CA")
        let other = try CertificateAuthority.create(commonName: "another CA")
        let otherKey = try PrivateKey.generateEC()
        let otherCert = try other.issue(.init(commonName: "intruder", usage: .client, altNames: [.uri("jzs:ministry")], validityDays: 2), for: otherKey)
        clients["other-ca"] = (try Self.write(otherCert.pem(), "other.pem", in: directory),
                               try Self.write(otherKey.privateKeyPEM(), "other-key.pem", in: directory))
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    private static func write(_ text: String, _ name: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }
}
