import ArgumentParser
import CertificateRender
import Foundation
import Model
import Proto
import RPCClient

/// Electronic certificates (电子注册证书).
struct CertCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cert", abstract: CertificateTexts.abstract.text,
                                                    subcommands: [Issue.self, Show.self, Download.self, Verify.self, Render.self, Revoke.self])

    static func show(_ r: Wire.Common.CertificateRecord, json: Bool) {
        typealias T = CertificateTexts
        if json {
            Output.json(["certificate_id": r.certificateID, "registration_number": r.registrationNumber, "holder": r.holderName,
                         "version": r.version, "status": CertificateCheck.machineWord(r.status), "reason": r.reason,
                         "specialties": r.specialties.map { ["name": $0.name, "valid_from": $0.validFrom, "valid_until": $0.validUntil] }])
        } else {
            let specialties = r.specialties.enumerated().map { i, s in
                (i == 0 ? T.specialties.text : "", T.specialtyValidity(s.name, T.date(s.validFrom), T.date(s.validUntil)))
            }
            Output.fields([(T.identifier.text, r.certificateID), (T.registrationNumber.text, r.registrationNumber), (T.holder.text, r.holderName)]
                          + specialties
                          + [(T.version.text, T.versionValue(String(r.version))), (T.status.text, T.status(r.status).text)]
                          + (r.reason.isEmpty ? [] : [(T.reason.text, T.reasonText(r.reason))]))
        }
    }

    struct Issue: ClientCommand {
        static let configuration = CommandConfiguration(abstract: CertificateTexts.issueAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(CertificateTexts.registrationNumberArgument.text)) var registrationNumber: String
        func run(with client: Client) async throws { CertCommand.show(try await client.ministry.issueCertificate(registrationNumber: registrationNumber), json: global.json) }
    }

    /// `cert show FILE`: the certified facts and the verdict; `cert show IDENTIFIER`: the public status.
    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: CertificateTexts.showAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(CertificateTexts.showArgument.text)) var certificate: String
        @OptionGroup var keys: CertificateKeyOptions

        /// An identifier (1.2.156.3005.2.…) that names no file asks the server; anything else is a file.
        var isIdentifier: Bool {
            certificate.hasPrefix("1.2.156.3005.2.") && !FileManager.default.fileExists(atPath: certificate)
        }

        func run() async throws {
            do {
                if isIdentifier {
                    try await global.withClient(anonymous: true) { client in
                        CertCommand.show(try await client.public.verifyCertificate(certificate), json: global.json)
                    }
                    return
                }
                let check = try await CertificateCheck.run(file: certificate, keys: keys, global: global)
                check.print(json: global.json)
                if !check.valid { throw ExitCode(ExitStatus.notValid) }
            } catch {
                throw Self.exit(after: error, json: global.json)
            }
        }
    }

    struct Download: ClientCommand {
        static let configuration = CommandConfiguration(abstract: CertificateTexts.downloadAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp(CertificateTexts.downloadID.text)) var id: String?
        @Option(help: ArgumentHelp(CertificateTexts.downloadOut.text)) var out: String
        func run(with client: Client) async throws {
            let file: Wire.Common.CertificateFile
            if let id { file = try await client.ministry.downloadCertificate(id) } else { file = try await client.individual.downloadCertificate() }
            try LocalFile.write(file.file, to: out)
            if global.json {
                Output.json(["file": out, "use_until": file.useUntil])
            } else {
                print(CertificateTexts.downloaded(out, CertificateTexts.date(file.useUntil)))
            }
        }
    }

    /// `cert verify FILE`: the same facts and verdict as `show`, for scripts by its exit status.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: CertificateTexts.verifyAbstract.text,
                                                        discussion: CertificateTexts.verifyDiscussion.text)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(CertificateTexts.fileArgument.text)) var file: String
        @OptionGroup var keys: CertificateKeyOptions

        func run() async throws {
            do {
                let check = try await CertificateCheck.run(file: file, keys: keys, global: global)
                check.print(json: global.json)
                if !check.valid { throw ExitCode(ExitStatus.notValid) }
            } catch {
                throw Self.exit(after: error, json: global.json)
            }
        }
    }

    /// `cert render FILE --out cert.pdf`: a printable A4 certificate of a verified file.
    struct Render: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: CertificateTexts.renderAbstract.text,
                                                        discussion: CertificateTexts.renderDiscussion.text)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(CertificateTexts.fileArgument.text)) var file: String
        @Option(help: ArgumentHelp(CertificateTexts.renderOut.text)) var out: String
        @OptionGroup var keys: CertificateKeyOptions

        func run() async throws {
            do {
                // A printed certificate must be the current one: when the server is asked for the
                // key anyway (no --public-key), it is asked for the current status too.
                var keys = self.keys
                if keys.publicKey == nil { keys.online = true }
                let check = try await CertificateCheck.run(file: file, keys: keys, global: global)
                // Only what the ministry signed, and only while it may be used, is drawn.
                guard check.valid, let document = check.document else {
                    throw refusal(CertificateTexts.notRendered(check.reason ?? CertificateTexts.malformed.text), code: "NOT_VALID", status: ExitStatus.notValid)
                }
                let pdf: [UInt8]
                do throws(RenderError) {
                    pdf = try CertificateRenderer.pdf(CertificateSheet(document, madeAt: Date()))
                } catch .noCJKFont {
                    throw refusal(CertificateTexts.renderFailed(CertificateTexts.noCJKFont.text), code: "FAILED", status: ExitStatus.failure)
                } catch {
                    throw refusal(CertificateTexts.renderFailed(error.description), code: "FAILED", status: ExitStatus.failure)
                }
                // Personal data: 0600 from creation (LocalFile).
                try LocalFile.write(pdf, to: out)
                if !keys.online, !global.json { FileHandle.standardError.write(Data((CertificateTexts.renderOffline.text + "\n").utf8)) }
                let font = CertificateRenderer.fontFamily() ?? ""
                if global.json {
                    Output.json(["file": out, "bytes": pdf.count, "certificate_id": document.certificateID, "version": document.version, "font": font])
                } else {
                    print(CertificateTexts.rendered(out, String(pdf.count), font))
                }
            } catch {
                throw Self.exit(after: error, json: global.json)
            }
        }

        /// Says why nothing was drawn (one line on standard error, or the JSON error object) and
        /// returns the exit status to throw.
        func refusal(_ message: String, code: String, status: Int32) -> ExitCode {
            if global.json {
                Output.json(["error": ["code": code, "message": message, "violations": [Any]()]])
            } else {
                FileHandle.standardError.write(Data("jzs: \(message)\n".utf8))
            }
            return ExitCode(status)
        }
    }

    struct Revoke: ClientCommand {
        static let configuration = CommandConfiguration(abstract: CertificateTexts.revokeAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(CertificateTexts.identifierArgument.text)) var certificateID: String
        @Option(help: ArgumentHelp(CertificateTexts.reasonOption.text)) var reason: String
        @Flag(help: ArgumentHelp(ConfirmTexts.yesRevoke)) var yes = false

        func beforeConnecting() throws {
            try Confirmation.check(yes: yes, needsYes: ConfirmTexts.needsYesRevoke, json: global.json)
        }

        func run(with client: Client) async throws {
            // Revocation cannot be undone: name the certificate and the reason, then ask.
            try Confirmation.ask(ConfirmTexts.revokeQuestion(certificateID), details: [ConfirmTexts.revokeReason(reason)], yes: yes,
                                 needsYes: ConfirmTexts.needsYesRevoke, declined: ConfirmTexts.declinedRevoke, json: global.json)
            CertCommand.show(try await client.ministry.revokeCertificate(certificateID, reason: reason), json: global.json)
        }
    }
}
