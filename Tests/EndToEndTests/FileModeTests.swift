import Foundation
import Testing

/// What `jzsd init` leaves on disk is private (issue #8): the data directory 0700, the database
/// and every private key 0600 from the moment they exist.
@Suite("File modes of a data directory")
struct FileModeTests {
    func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test("jzsd init makes the directory 0700 and the database and keys 0600, whatever the umask")
    func initModes() async throws {
        let jzsd = Binaries.directory.appendingPathComponent("jzsd").path
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("jzsd-modes-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        // A permissive umask in the caller must not matter.
        let result = try await ChildProcess.run("/bin/sh", ["-c", "umask 000; exec \"$0\" init --data \"$1\"", jzsd, data.path])
        try #require(result.status == 0, "\(result.text)")
        #expect(try mode(data.path) == 0o700)
        #expect(try mode(data.appendingPathComponent("pki").path) == 0o700)
        #expect(try mode(data.appendingPathComponent("jzs.sqlite").path) == 0o600)
        let pki = data.appendingPathComponent("pki")
        for key in ["ca-key.pem", "server-key.pem", "legacy-lock-ca-key.pem", "ministry-signing-key.pem", "clients/province-37-key.pem"] {
            #expect(try mode(pki.appendingPathComponent(key).path) == 0o600, "\(key)")
        }
    }

    @Test("jzsd ca issue refuses a name that is not [a-z0-9-] (no path outside pki/clients)")
    func issueName() async throws {
        let jzsd = Binaries.directory.appendingPathComponent("jzsd").path
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("jzsd-names-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: data) }
        _ = try await ChildProcess.run(jzsd, ["init", "--data", data.path])
        let result = try await ChildProcess.run(jzsd, ["ca", "issue", "--data", data.path, "--province", "37", "--name", "../../../x"])
        #expect(result.status != 0)
        #expect(result.text.contains("--name"))
        #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("../x-key.pem").standardizedFileURL.path))
    }
}
