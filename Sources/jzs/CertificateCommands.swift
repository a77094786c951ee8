import ArgumentParser
import Foundation
import Model
import Proto
import RPCClient

/// Electronic certificates (电子注册证书).
struct CertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cert", abstract: "Electronic certificates: issue, show, download, verify, revoke.",
                                                    subcommands: [Issue.self, Show.self, Download.self, Verify.self, Revoke.self])

    static func show(_ r: Wire.Common.CertificateRecord, json: Bool) {
        let status = switch r.status {
        case .valid: "valid"
        case .void: "void"
        case .revoked: "revoked"
        case .expired: "expired"
        default: "unknown"
        }
        if json {
            Output.json(["certificate_id": r.certificateID, "registration_number": r.registrationNumber, "holder": r.holderName,
                         "version": r.version, "status": status, "reason": r.reason])
        } else {
            Output.fields([("certificate", r.certificateID), ("registration number", r.registrationNumber), ("holder", r.holderName),
                           ("version", String(r.version)), ("status", status)] + (r.reason.isEmpty ? [] : [("reason", r.reason)]))
        }
    }

    struct Issue: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Ministry: issue (or re-issue) the certificate of a registration.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "注册编号.") var registrationNumber: String
        func run(with client: Client) async throws { CertCommand.show(try await client.ministry.issueCertificate(registrationNumber: registrationNumber), json: global.json) }
    }

    struct Show: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "The current status of a certificate (public).")
        @OptionGroup var global: GlobalOptions
        @Argument var certificateID: String
        var anonymous: Bool { true }
        func run(with client: Client) async throws { CertCommand.show(try await client.public.verifyCertificate(certificateID), json: global.json) }
    }

    struct Download: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Download a signed certificate file (your own as an individual; --id as the ministry).")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Certificate id (ministry only).") var id: String?
        @Option(help: "Write the file here.") var out: String
        func run(with client: Client) async throws {
            let file: Wire.Common.CertificateFile
            if let id { file = try await client.ministry.downloadCertificate(id) } else { file = try await client.individual.downloadCertificate() }
            try LocalFile.write(file.file, to: out)
            if global.json { Output.json(["file": out, "use_until": file.useUntil]) } else { print("\(out): usable until \(file.useUntil) (180 days at most; download again after)") }
        }
    }

    struct Verify: ClientCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify a certificate file offline with the ministry public key; --online also asks for its current status.",
            discussion: "Without --public-key the key is fetched from the server (Public/GetSigningKey).")
        @OptionGroup var global: GlobalOptions
        @Argument var file: String
        @Option(name: .customLong("public-key"), help: "The ministry's SM2 public key (PEM).") var publicKey: String?
        @Flag(help: "Also check the current status (void, revoked) with the server.") var online = false
        var anonymous: Bool { true }

        func run() async throws {
            do {
                // Offline verification needs no server when the key is given.
                if let publicKey, !online {
                    try emit(check(key: try LocalFile.text(publicKey, role: "public key")))
                    return
                }
                try await global.withClient(anonymous: true) { client in
                    let key: String
                    if let publicKey { key = try LocalFile.text(publicKey, role: "public key") } else { key = try await client.public.signingKey() }
                    var verdict = try check(key: key)
                    if online, verdict.valid, let id = verdict.object["certificate_id"] as? String {
                        let record = try await client.public.verifyCertificate(id)
                        verdict.object["current_status"] = "\(record.status)"
                        if record.status == .valid {
                            verdict.lines.append("current status: valid (version \(record.version))")
                        } else {
                            let status = record.status == .void ? "void (a newer version exists, or the registration ended)" : "\(record.status)"
                            verdict.fail("the certificate is \(status)\(record.reason.isEmpty ? "" : ": \(record.reason)")")
                        }
                    }
                    try emit(verdict)
                }
            } catch {
                throw Self.exit(after: error, json: global.json)
            }
        }

        func run(with client: Client) async throws {}

        /// What the check found: printed once, as lines or (with --json) as one object.
        struct Verdict {
            var valid = true
            var lines: [String] = []
            var object: [String: Any] = [:]

            mutating func fail(_ why: String) {
                valid = false
                lines.append("NOT VALID: \(why)")
                object["valid"] = false
                object["reason"] = why
            }
        }

        func emit(_ verdict: Verdict) throws {
            if global.json { Output.json(verdict.object) } else { verdict.lines.forEach { print($0) } }
            if !verdict.valid { throw ExitCode(ExitStatus.notValid) }
        }

        func check(key: String) throws -> Verdict {
            let bytes = try LocalFile.read(file, role: "certificate file")
            var verdict = Verdict()
            switch CertificateVerifier.verify(file: Array(bytes), publicKeyPEM: key) {
            case .valid(let id, let version, let useUntil):
                verdict.object = ["valid": true, "certificate_id": id, "version": version, "use_until": useUntil]
                verdict.lines = ["signature valid (SM2/SM3): certificate \(id) version \(version), usable until \(useUntil)"]
            case .tampered:
                verdict.fail("the signature does not match: the file was changed (tampered) or not signed by this key")
            case .expiredUseLimit(let until):
                verdict.fail("the use limit ended on \(until); download the certificate again")
            case .malformed(let why):
                verdict.fail(why)
            }
            return verdict
        }
    }

    struct Revoke: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Ministry: revoke a certificate.")
        @OptionGroup var global: GlobalOptions
        @Argument var certificateID: String
        @Option var reason: String
        func run(with client: Client) async throws { CertCommand.show(try await client.ministry.revokeCertificate(certificateID, reason: reason), json: global.json) }
    }
}
