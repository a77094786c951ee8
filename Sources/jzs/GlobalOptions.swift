import ArgumentParser
import Foundation
import Proto
import Model
import RPCClient

/// Connection and output options shared by every command.
struct GlobalOptions: ParsableArguments {
    @Option(help: ArgumentHelp(HelpTexts.server))
    var server: String?

    @Option(help: ArgumentHelp(HelpTexts.ca))
    var ca: String?

    @Option(help: ArgumentHelp(HelpTexts.cert))
    var cert: String?

    @Option(help: ArgumentHelp(HelpTexts.key))
    var key: String?

    @Option(help: ArgumentHelp(HelpTexts.timeout))
    var timeout: Double?

    @Flag(help: ArgumentHelp(HelpTexts.json))
    var json = false

    @Option(help: ArgumentHelp(HelpTexts.profile))
    var profile: String?

    @Option(name: .customLong("operator"), help: ArgumentHelp(HelpTexts.operatorName))
    var operatorName: String?

    @Option(name: .customLong("protocol"), help: ArgumentHelp(HelpTexts.wireProtocol))
    var wireProtocol: String?

    /// Read once, before parsing, by ``UILanguage/current``; declared here so that it parses and
    /// is documented wherever it is written.
    @Option(help: ArgumentHelp(HelpTexts.lang))
    var lang: String?

    func validate() throws {
        if let lang, Language(tag: lang) == nil { throw ValidationError(HelpTexts.badLang(lang)) }
        if let wireProtocol, WireProtocol(rawValue: wireProtocol) == nil { throw ValidationError(HelpTexts.badProtocol(wireProtocol)) }
    }

    var sessions: SessionStore {
        SessionStore(profile: profile ?? ProcessInfo.processInfo.environment["JZS_PROFILE"] ?? "default")
    }

    /// "host:port" after flags, environment and config file.
    var serverAddress: String {
        server ?? ProcessInfo.processInfo.environment["JZS_SERVER"] ?? Self.configFile()["server"] as? String ?? "127.0.0.1:7443"
    }

    /// The client configuration after flags → environment → config file → defaults.
    func clientConfiguration() throws -> ClientConfiguration {
        let env = ProcessInfo.processInfo.environment
        let file = Self.configFile()
        let server = self.server ?? env["JZS_SERVER"] ?? file["server"] as? String ?? "127.0.0.1:7443"
        guard let colon = server.lastIndex(of: ":"), let port = Int(server[server.index(after: colon)...]) else {
            throw ValidationError(HelpTexts.badServer(server))
        }
        var host = String(server[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        let defaultCA = FileManager.default.fileExists(atPath: ".jzs-data/pki/ca.pem") ? ".jzs-data/pki/ca.pem" : nil
        guard let ca = self.ca ?? env["JZS_CA"] ?? file["ca"] as? String ?? defaultCA else {
            throw ValidationError(HelpTexts.noCA.text)
        }
        let cert = self.cert ?? env["JZS_CERT"] ?? file["cert"] as? String
        let key = self.key ?? env["JZS_KEY"] ?? file["key"] as? String ?? cert
        // Named here, in a sentence, rather than by OpenSSL in its own words.
        _ = try LocalFile.pem(ca, role: FileTexts.caFile.text, label: "CERTIFICATE")
        if let cert { _ = try LocalFile.pem(cert, role: FileTexts.clientCertificate.text, label: "CERTIFICATE") }
        if let key, cert != nil { _ = try LocalFile.pem(key, role: FileTexts.privateKey.text, label: "PRIVATE KEY") }
        let timeout = self.timeout ?? env["JZS_TIMEOUT"].flatMap(Double.init) ?? (file["timeout"] as? Double) ?? 30
        guard timeout > 0, timeout <= 3600 else { throw ValidationError(HelpTexts.badTimeout.text) }
        var metadata = Metadata()
        if let op = operatorName ?? env["JZS_OPERATOR"] { metadata[Metadata.Key.operator] = op }
        // A stored session for this profile and server rides along as the bearer token.
        if cert == nil, let session = sessions.load(), session.server == server {
            metadata[Metadata.Key.authorization] = "Bearer \(session.token)"
        }
        // The server answers in the user's language (docs/PROTOCOL.md, accept-language).
        metadata[Metadata.Key.acceptLanguage] = UILanguage.current.rawValue
        let chosen = wireProtocol ?? env["JZS_PROTOCOL"] ?? file["protocol"] as? String ?? WireProtocol.jzs1.rawValue
        guard let wire = WireProtocol(rawValue: chosen) else { throw ValidationError(HelpTexts.badProtocol(chosen)) }
        return ClientConfiguration(host: host, port: port, trustRootsFile: ca, certificateFile: cert, privateKeyFile: key,
                                   defaultTimeout: .milliseconds(Int64(timeout * 1000)), metadata: metadata, protocol: wire)
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

    /// Runs `body` with a connected client, and closes the client before returning or throwing.
    ///
    /// Closing on every path matters beyond tidiness: the process exits right after a command
    /// fails, and OpenSSL's atexit cleanup frees its global tables while an event-loop thread may
    /// still be inside `SSL_read` on an open connection (the TLS 1.3 session tickets a server sends
    /// just after the handshake): the SIGSEGV on exit of issue #8. Once ``Client/close()`` returns,
    /// no TLS work of the client runs anywhere. Errors are mapped to messages and exit statuses by
    /// the caller (``Failure/init(mapping:json:)``).
    /// - Parameter anonymous: leave any stored session out (login, account creation).
    func withClient<T>(anonymous: Bool = false, _ body: (Client) async throws -> T) async throws -> T {
        var configuration = try clientConfiguration()
        if anonymous { configuration.metadata[Metadata.Key.authorization] = nil }
        let client: Client
        do {
            client = try await Client.connect(configuration)
        } catch let error as RPCError where error.code == .invalidArgument {
            // Before connecting, the client reports this way the TLS files (--ca, --cert, --key)
            // OpenSSL refused, e.g. a key that does not match its certificate: a local input file.
            let detail = error.message.hasPrefix("TLS configuration: ") ? String(error.message.dropFirst("TLS configuration: ".count)) : error.message
            throw Failure(inputFile: FailureTexts.tlsFiles(detail), json: json)
        }
        do {
            let result = try await body(client)
            await client.close()
            return result
        } catch {
            await client.close()
            throw error
        }
    }
}
