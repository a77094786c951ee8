import Foundation

/// The layout of a jzsd data directory.
///
/// ```
/// DIR/jzsd.json            configuration (listen, log level, 兵团 code)
/// DIR/jzs.sqlite           the database (WAL files beside it)
/// DIR/pki/ca.pem           the dev CA (trust root for clients); ca-key.pem its key (0600)
/// DIR/pki/server.pem       server certificate for localhost and 127.0.0.1; server-key.pem
/// DIR/pki/crl.pem          revocation list of the CA, reloaded on change
/// DIR/pki/clients/NAME.pem client certificate + NAME-key.pem (province-37, ministry, …)
/// DIR/pki/issued.json      index of issued client certificates (serial, principal, revoked)
/// DIR/pki/legacy-lock-ca.pem  CA of the legacy identity locks (身份锁); its key beside it
/// DIR/pki/ministry-signing-key.pem  SM2 key signing electronic certificates (+ .pub.pem)
/// ```
struct DataDirectory {
    let root: URL

    init(_ path: String) {
        root = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
    }

    var config: URL { root.appendingPathComponent("jzsd.json") }
    var database: URL { root.appendingPathComponent("jzs.sqlite") }
    var pki: URL { root.appendingPathComponent("pki", isDirectory: true) }
    var caCertificate: URL { pki.appendingPathComponent("ca.pem") }
    var caKey: URL { pki.appendingPathComponent("ca-key.pem") }
    var serverCertificate: URL { pki.appendingPathComponent("server.pem") }
    var serverKey: URL { pki.appendingPathComponent("server-key.pem") }
    var crl: URL { pki.appendingPathComponent("crl.pem") }
    var clients: URL { pki.appendingPathComponent("clients", isDirectory: true) }
    var issuedIndex: URL { pki.appendingPathComponent("issued.json") }
    var legacyLockCA: URL { pki.appendingPathComponent("legacy-lock-ca.pem") }
    var legacyLockCAKey: URL { pki.appendingPathComponent("legacy-lock-ca-key.pem") }
    /// The ministry's SM2 key that signs electronic certificates, and its public half.
    var signingKey: URL { pki.appendingPathComponent("ministry-signing-key.pem") }
    var signingPublicKey: URL { pki.appendingPathComponent("ministry-signing.pub.pem") }

    func clientCertificate(_ name: String) -> URL { clients.appendingPathComponent("\(name).pem") }
    func clientKey(_ name: String) -> URL { clients.appendingPathComponent("\(name)-key.pem") }

    var isInitialised: Bool { FileManager.default.fileExists(atPath: config.path) }

    /// Writes `text` to `url`; secrets get mode 0600.
    func write(_ text: String, to url: URL, secret: Bool = false) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: secret ? 0o600 : 0o644], ofItemAtPath: url.path)
    }

    func read(_ url: URL) throws -> String {
        try String(contentsOf: url, encoding: .utf8)
    }
}
