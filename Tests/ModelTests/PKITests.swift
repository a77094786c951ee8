import Crypto
import Foundation
import PostgresTestSupport
import Testing

@Suite("Certificates")
struct PKITests {
    @Test("An issued client certificate carries its principal URI and chains to its CA")
    func issue() throws {
        let ca = try CertificateAuthority.create(commonName: "unit CA")
        let key = try PrivateKey.generateEC()
        let cert = try ca.issue(.init(commonName: "p37", usage: .client, altNames: [.uri("jzs:province:37")], validityDays: 10), for: key)
        #expect(cert.uris == ["jzs:province:37"])
        #expect(cert.subject.contains("CN=p37"))
        #expect(cert.notAfter > Date().addingTimeInterval(9 * 86_400))
        #expect(!cert.serialHex.isEmpty)
        let reparsed = try Certificate(pem: cert.pem())
        #expect(reparsed.serialHex == cert.serialHex)
    }

    @Test("A CRL lists the revoked serials and verifies with stock openssl")
    func crl() async throws {
        let ca = try CertificateAuthority.create(commonName: "unit CA")
        let key = try PrivateKey.generateEC()
        let cert = try ca.issue(.init(commonName: "x", usage: .client, validityDays: 1), for: key)
        let pem = try ca.revocationList(revoked: [(cert.serialHex, Date())])
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("crl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data(pem.utf8).write(to: dir.appendingPathComponent("crl.pem"))
        try Data(ca.certificate.pem().utf8).write(to: dir.appendingPathComponent("ca.pem"))
        let (_, data) = try await Spawned.run("/usr/bin/openssl", ["crl", "-in", dir.appendingPathComponent("crl.pem").path,
                                                                  "-CAfile", dir.appendingPathComponent("ca.pem").path, "-noout", "-text"])
        let output = String(decoding: data, as: UTF8.self)
        #expect(output.contains("verify OK"))
        #expect(output.uppercased().contains(cert.serialHex.uppercased()))
    }

    @Test("Keys round-trip through PEM; SM2 keys can be made")
    func keys() throws {
        let key = try PrivateKey.generateEC()
        let again = try PrivateKey(pem: key.privateKeyPEM())
        #expect(try again.publicKeyPEM() == key.publicKeyPEM())
        #expect(try PrivateKey.generateSM2().publicKeyPEM().contains("PUBLIC KEY"))
        #expect(SecureRandom.bytes(32).count == 32)
        #expect(SecureRandom.bytes(32) != SecureRandom.bytes(32))
    }
}
