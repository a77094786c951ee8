import Foundation

/// Session tokens kept per profile in the user's config directory
/// (`$XDG_CONFIG_HOME/jzs/sessions/<profile>.json`, mode 0600 from creation, in a 0700 directory),
/// bound to the server they are for.
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
        try LocalFile.makePrivateDirectory(Self.directory)
        try LocalFile.write(try JSONEncoder().encode(session), to: file.path)
    }

    func remove() { try? FileManager.default.removeItem(at: file) }
}
