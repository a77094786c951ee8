import ArgumentParser
import Foundation
import Proto
import Model
import RPCClient

/// Connection and output options shared by every command.
struct GlobalOptions: ParsableArguments {
    @Option(help: "Server as host:port (env JZS_SERVER; default 127.0.0.1:7443).")
    var server: String?

    @Option(help: "PEM file of the CA that issued the server certificate (env JZS_CA).")
    var ca: String?

    @Option(help: "Client certificate PEM, for provinces and the ministry (env JZS_CERT).")
    var cert: String?

    @Option(help: "Private key PEM of --cert (env JZS_KEY; default: the --cert file).")
    var key: String?

    @Option(help: "Deadline of each call in seconds (env JZS_TIMEOUT; default 30).")
    var timeout: Double?

    @Flag(help: "Print JSON for scripts instead of text.")
    var json = false

    /// The client configuration after flags → environment → config file → defaults.
    func clientConfiguration() throws -> ClientConfiguration {
        let env = ProcessInfo.processInfo.environment
        let file = Self.configFile()
        let server = self.server ?? env["JZS_SERVER"] ?? file["server"] as? String ?? "127.0.0.1:7443"
        guard let colon = server.lastIndex(of: ":"), let port = Int(server[server.index(after: colon)...]) else {
            throw ValidationError("--server \(server): expected host:port")
        }
        var host = String(server[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let defaultCA = FileManager.default.fileExists(atPath: ".jzs-data/pki/ca.pem") ? ".jzs-data/pki/ca.pem" : nil
        guard let ca = self.ca ?? env["JZS_CA"] ?? file["ca"] as? String ?? defaultCA else {
            throw ValidationError("no CA file: give --ca FILE (the server's pki/ca.pem) or set JZS_CA")
        }
        guard FileManager.default.isReadableFile(atPath: ca) else { throw ValidationError("--ca \(ca): file not readable") }
        let cert = self.cert ?? env["JZS_CERT"] ?? file["cert"] as? String
        let key = self.key ?? env["JZS_KEY"] ?? file["key"] as? String ?? cert
        let timeout = self.timeout ?? env["JZS_TIMEOUT"].flatMap(Double.init) ?? (file["timeout"] as? Double) ?? 30
        guard timeout > 0, timeout <= 3600 else { throw ValidationError("--timeout must be in (0, 3600] seconds") }
        return ClientConfiguration(host: host, port: port, trustRootsFile: ca, certificateFile: cert, privateKeyFile: key,
                                   defaultTimeout: .milliseconds(Int64(timeout * 1000)))
    }

    static func configFile() -> [String: Any] {
        let env = ProcessInfo.processInfo.environment
        let base = env["XDG_CONFIG_HOME"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config")
        let url = base.appendingPathComponent("jzs/config.json")
        guard let data = try? Data(contentsOf: url),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return object
    }

    /// Runs `body` with a connected client and turns failures into the documented exit codes.
    func withClient<T>(_ body: (Client) async throws -> T) async throws -> T {
        let client: Client
        do {
            client = try await Client.connect(try clientConfiguration())
        } catch let error as RPCError {
            throw Failure(error, json: json)
        }
        do {
            let result = try await body(client)
            await client.close()
            return result
        } catch let error as RPCError {
            await client.close()
            throw Failure(error, json: json)
        }
    }
}

/// A failed call, printed once and mapped to an exit status (10 + status code).
struct Failure: Error, CustomStringConvertible {
    let error: RPCError
    let json: Bool

    init(_ error: RPCError, json: Bool) {
        self.error = error
        self.json = json
    }

    var description: String { error.description }

    var exitCode: ExitCode { ExitCode(Int32(10 + error.code.rawValue)) }
}

extension AsyncParsableCommand {
    /// Prints a failure the way the user asked (text on stderr, or JSON on stdout) and exits.
    static func report(_ failure: Failure) -> ExitCode {
        if failure.json {
            Output.json(["error": ["code": failure.error.code.name, "message": failure.error.message,
                                   "violations": failure.error.violations.map { ["field": $0.field, "reason": $0.reason] }]])
        } else {
            FileHandle.standardError.write(Data("jzs: \(failure.error)\n".utf8))
        }
        return failure.exitCode
    }
}
