import Foundation
import Crypto
import Logging
import RPCServer
import Synchronization

/// Keeps the dev PKI a server relies on alive while it serves (issue #8):
///
/// - re-signs the CRL once a third (or less) of its lifetime remains, at start-up and on every
///   check, so provinces and the ministry are never locked out on day 31 (OpenSSL refuses a
///   lapsed CRL: fail-closed);
/// - closes the open connections of certificates the CRL revokes (new ones are refused by the
///   TLS context, which reloads the CRL when the file changes);
/// - warns, in the log and in Health, before the CRL, the server certificate or the CA lapse.
final class PKIMaintenance: Sendable {
    /// Warn this long before a certificate expires.
    static let certificateWarning: TimeInterval = 30 * 86_400
    /// Warn when the CRL has less than this left (only if it could not be re-signed).
    static let crlWarning: TimeInterval = 7 * 86_400

    private let pki: PKIStore
    private let logger: Logger
    private let current = Mutex<[String]>([])
    /// When the server and CA certificates expire, read once at start-up: parsing a certificate
    /// (its public key) while other threads use OpenSSL races inside OpenSSL 3.0's decoder store
    /// (openssl/openssl#27726, seen under ASan), so the periodic check parses only the CRL.
    private let certificateExpiry: [(what: String, notAfter: Date)]

    init(pki: PKIStore, logger: Logger) {
        self.pki = pki
        self.logger = logger
        let data = pki.data
        certificateExpiry = [("the server certificate (pki/server.pem)", data.serverCertificate), ("the CA certificate (pki/ca.pem)", data.caCertificate)]
            .compactMap { what, url in (try? Certificate(pem: data.read(url))).map { (what, $0.notAfter) } }
    }

    /// What operators must act on now (for Health).
    var warnings: [String] { current.withLock { $0 } }

    /// One check: renew, warn, and close revoked connections on `server` (when serving).
    func check(server: Server?, now: Date = Date()) {
        var warnings: [String] = []
        let data = pki.data
        do {
            var crl = try RevocationList(pem: data.read(data.crl))
            if crl.needsRenewal(now: now) {
                try pki.renewCRL(now: now)
                let renewed = try RevocationList(pem: data.read(data.crl))
                logger.notice("CRL re-signed", metadata: ["was-valid-until": "\(crl.nextUpdate)", "valid-until": "\(renewed.nextUpdate)"])
                crl = renewed
            }
            if crl.nextUpdate.timeIntervalSince(now) < Self.crlWarning {
                warnings.append("the CRL (pki/crl.pem) lapses at \(crl.nextUpdate) (re-sign it: jzsd ca crl)")
            }
            server?.closeConnections(revokedSerials: crl.revokedSerials)
        } catch {
            warnings.append("the CRL (pki/crl.pem) could not be read or re-signed")
            logger.error("PKI: CRL \(data.crl.path): \(error)")
        }
        // Health shows these to anyone: no paths, no details beyond what and when.
        for (what, notAfter) in certificateExpiry where notAfter.timeIntervalSince(now) < Self.certificateWarning {
            warnings.append("\(what) expires at \(notAfter)")
        }
        for w in warnings { logger.warning("PKI: \(w)") }
        current.withLock { $0 = warnings }
    }

    /// Checks every `interval` until cancelled.
    func run(server: Server, every interval: Duration) async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }   // cancelled: the server stopped
            check(server: server)
        }
    }
}
