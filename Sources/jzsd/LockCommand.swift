import ArgumentParser
import Crypto
import Foundation
import Model

/// Legacy identity locks (身份锁): a certificate and key issued by the legacy CA of the data
/// directory, standing in for the old system's USB key in tests and demos.
struct LockCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "lock", abstract: "Legacy identity locks.", subcommands: [Issue.self])

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue an identity lock (certificate + key) for an enterprise.")
        @OptionGroup var options: DataOption
        @Option(name: .customLong("credit-code"), help: "统一社会信用代码 of the enterprise.") var creditCode: String
        @Option(help: "Enterprise name as the old system knew it.") var name: String
        @Option(help: "Output prefix: writes PREFIX.pem and PREFIX-key.pem.") var out: String

        func validate() throws {
            do { _ = try UnifiedSocialCreditCode(validating: creditCode) } catch { throw ValidationError("--credit-code: \(error.text.rendered(.zh))") }
        }

        func run() async throws {
            let data = options.directory
            let ca = CertificateAuthority(certificate: try Certificate(pem: data.read(data.legacyLockCA)),
                                          key: try PrivateKey(pem: data.read(data.legacyLockCAKey)))
            let key = try PrivateKey.generateEC()
            let code = try UnifiedSocialCreditCode(validating: creditCode)
            let cert = try ca.issue(.init(commonName: name, organization: name, usage: .identityLock, validityDays: 3650,
                                          subjectSerialNumber: code.rawValue), for: key)
            let certURL = URL(fileURLWithPath: out + ".pem"), keyURL = URL(fileURLWithPath: out + "-key.pem")
            try data.write(try cert.pem(), to: certURL)
            try data.write(try key.privateKeyPEM(), to: keyURL, secret: true)
            print("identity lock serial \(cert.serialHex) for \(code.rawValue) \(name)")
            print("  certificate \(certURL.path)\n  key         \(keyURL.path)")
        }
    }
}
