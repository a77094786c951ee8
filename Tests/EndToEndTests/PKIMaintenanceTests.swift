import Crypto
import Foundation
import Proto
import Testing

/// The dev PKI while jzsd serves (issue #8): the CRL never lapses, a revocation closes the
/// certificate's open connections, and what is about to expire is reported.
@Suite("PKI while serving")
struct PKIMaintenanceTests {
    @Test("A CRL with a day left is re-signed at start-up (it would lock provinces out when it lapses)")
    func crlRenewedAtStartup() async throws {
        let server = try await SpawnedServer.start(prepare: { data in
            // A CRL signed 29 days ago for 30 days.
            let pki = data.appendingPathComponent("pki")
            let ca = CertificateAuthority(
                certificate: try Certificate(pem: String(contentsOf: pki.appendingPathComponent("ca.pem"), encoding: .utf8)),
                key: try PrivateKey(pem: String(contentsOf: pki.appendingPathComponent("ca-key.pem"), encoding: .utf8)))
            let old = try ca.revocationList(revoked: [], validityDays: 30, now: Date().addingTimeInterval(-29 * 86_400))
            try old.write(to: pki.appendingPathComponent("crl.pem"), atomically: true, encoding: .utf8)
        })
        defer { server.stop() }
        let crl = try RevocationList(pem: String(contentsOf: server.data.appendingPathComponent("pki/crl.pem"), encoding: .utf8))
        #expect(crl.nextUpdate.timeIntervalSinceNow > 29 * 86_400)
        #expect(server.log.contains("CRL re-signed"))
        // And a province still gets in.
        let province = try await RawConnection(port: server.port, caFile: server.caFile, certificate: server.identity("province-37"))
        try await province.sendHeaders(callID: 1, method: "/jzs.public.v1.Public/WhoAmI")
        try await province.sendMessage(callID: 1, Wire.Public.WhoAmIRequest())
        #expect(try Wire.Public.WhoAmIResponse(buffer: try #require(await province.next(.message)).payload).provinceCode == 37)
        await province.close()
    }

    @Test("Revoking a certificate closes its live connection (GOAWAY reason 3) and refuses it afterwards")
    func revocationClosesConnections() async throws {
        let server = try await SpawnedServer.start(environment: ["JZSD_PKI_CHECK_INTERVAL": "200ms"])
        defer { server.stop() }
        let identity = server.identity("province-37")
        let live = try await RawConnection(port: server.port, caFile: server.caFile, certificate: identity)
        try await live.sendHeaders(callID: 1, method: "/jzs.public.v1.Public/WhoAmI")
        try await live.sendMessage(callID: 1, Wire.Public.WhoAmIRequest())
        _ = try #require(await live.next(.trailers))
        // When the ministry's operator revokes it
        let serial = try Certificate(pem: String(contentsOfFile: identity.cert, encoding: .utf8)).serialHex
        let jzsd = Binaries.directory.appendingPathComponent("jzsd").path
        let revoked = try await ChildProcess.run(jzsd, ["ca", "revoke", "--data", server.data.path, "--serial", serial])
        try #require(revoked.status == 0, "\(revoked.text)")
        // Then the open connection is closed within the check interval
        let frame = try #require(await live.next(.goAway))
        let goAway = try Wire.RPC.GoAway(buffer: frame.payload)
        #expect(goAway.reason == 3)
        #expect(goAway.message == "client certificate revoked")
        #expect(await live.waitClosed(timeout: .seconds(5)))
        // And a new connection with it is refused by the server's certificate check (in TLS 1.3
        // the client learns it after its side of the handshake: no answer, the connection ends).
        if let again = try? await RawConnection(port: server.port, caFile: server.caFile, certificate: identity) {
            try? await again.sendHeaders(callID: 1, method: "/jzs.public.v1.Public/WhoAmI")
            try? await again.sendMessage(callID: 1, Wire.Public.WhoAmIRequest())
            #expect(await again.next(.message) == nil)
        }
    }
}
