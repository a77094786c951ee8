import Foundation

/// Session tokens kept per profile in the user's config directory
/// (`$XDG_CONFIG_HOME/jzs/sessions/<profile>.json`, mode 0600), bound to the server they are for.
struct SessionStore {
    struct Session: Codable {
        var server: String
        var kind: String
        var token: String
        var account: String
    }

    let profile: String

    static var directory: URL {
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_CONFIG_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config")
        return base.appendingPathComponent("jzs/sessions", isDirectory: true)
    }

    var file: URL { Self.directory.appendingPathComponent("\(profile).json") }

    func load() -> Session? {
        guard let data = try? Data(contentsOf: file) else { return nil }
        return try? JSONDecoder().decode(Session.self, from: data)
    }

    func save(_ session: Session) throws {
        try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let data = try JSONEncoder().encode(session)
        // Create with 0600 before writing the secret.
        FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600])
        try data.write(to: file)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: file.path)
    }

    func remove() { try? FileManager.default.removeItem(at: file) }
}
