import Foundation
import Proto
import Synchronization

/// The server's TLS context, rebuilt when the CRL file changes (after `jzsd ca revoke`), so a
/// revoked certificate is refused on the next connection without a restart.
final class ServerTLS: Sendable {
    private let data: DataDirectory
    private let state: Mutex<(crlModified: Date?, context: TLSContext)>

    init(data: DataDirectory) throws {
        self.data = data
        state = Mutex((Self.modified(data.crl), try Self.build(data)))
    }

    func current() throws -> TLSContext {
        let modified = Self.modified(data.crl)
        return try state.withLock { s in
            if modified != s.crlModified {
                s.context = try Self.build(data)
                s.crlModified = modified
            }
            return s.context
        }
    }

    private static func build(_ data: DataDirectory) throws -> TLSContext {
        try TLSContext.server(certificateChainFile: data.serverCertificate.path, privateKeyFile: data.serverKey.path,
                              clientTrustRootsFile: data.caCertificate.path, crlFile: data.crl.path)
    }

    private static func modified(_ url: URL) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
    }
}
