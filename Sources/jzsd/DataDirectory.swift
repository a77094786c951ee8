import Foundation
import PostgresRegistry

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

    /// The PostgreSQL database this directory's server uses, when it is not the embedded SQLite
    /// file: `JZSD_DATABASE`, else jzsd.json's `"database"` (written by `jzsd init --database` and
    /// `jzsd migrate-store`). The certificates and keys stay in the directory either way.
    func postgresURL() throws -> String? {
        if let url = ProcessInfo.processInfo.environment["JZSD_DATABASE"], !url.isEmpty { return url }
        guard let data = FileManager.default.contents(atPath: config.path),
              let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["database"] as? String
    }

    /// Refuses a command that works on the embedded SQLite file when this directory uses PostgreSQL.
    func requireEmbedded(_ command: String, instead: String) throws {
        guard let url = try postgresURL() else { return }
        let shown = (try? DatabaseURL(url).redacted) ?? "?"
        throw ValidationFailure("\(root.path) uses PostgreSQL (\(shown)): `jzsd \(command)` works on the embedded database only; \(instead)")
    }

    /// Sets (or with nil removes) jzsd.json's `"database"`, keeping every other setting.
    func setPostgresURL(_ url: String?) throws {
        var object = (FileManager.default.contents(atPath: config.path)
            .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }) ?? [:]
        object["database"] = url
        let json = try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        try write(String(decoding: json, as: UTF8.self) + "\n", to: config, secret: true)
    }

    /// Writes `text` to `url`. jzsd runs with umask 077 (Entry), so the file is 0600 from the
    /// moment it exists; public files (certificates, the CRL) are opened to 0644 afterwards,
    /// inside directories that stay 0700.
    func write(_ text: String, to url: URL, secret: Bool = false) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        try Data(text.utf8).write(to: url, options: .atomic)
        try FileManager.default.setAttributes([.posixPermissions: secret ? 0o600 : 0o644], ofItemAtPath: url.path)
    }

    /// Makes the directory private: the data directory and pki/ 0700, the database files 0600
    /// (they hold password hashes, full ID numbers and attachments). Run by init and serve, so
    /// a directory made by an older version is closed too.
    func secure() throws {
        let fm = FileManager.default
        for dir in [root, pki, clients] where fm.fileExists(atPath: dir.path) {
            try fm.setAttributes([.posixPermissions: 0o700], ofItemAtPath: dir.path)
        }
        for suffix in ["", "-wal", "-shm"] where fm.fileExists(atPath: database.path + suffix) {
            try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: database.path + suffix)
        }
        for key in [caKey, serverKey, legacyLockCAKey, signingKey] where fm.fileExists(atPath: key.path) {
            try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key.path)
        }
    }

    /// A name that may become a file name: 1-64 characters of a-z, 0-9 and '-', not starting with '-'.
    static func isSafeName(_ name: String) -> Bool {
        (1...64).contains(name.count) && name.first != "-"
            && name.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    func read(_ url: URL) throws -> String {
        try String(contentsOf: url, encoding: .utf8)
    }
}
