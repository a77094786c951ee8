import ArgumentParser
import Foundation
import Crypto
import Model

struct CACommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ca", abstract: "Client certificates of the dev CA: issue, revoke, list.",
        subcommands: [Issue.self, Revoke.self, List.self, CRL.self])

    struct CRL: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "crl", abstract: "Re-sign the CRL now (valid 30 days; jzsd serve also re-signs it before it lapses).")
        @OptionGroup var options: DataOption

        func run() async throws {
            let pki = PKIStore(data: options.directory)
            try pki.renewCRL()
            let crl = try RevocationList(pem: options.directory.read(options.directory.crl))
            print("CRL re-signed: \(crl.revokedSerials.count) revoked, valid until \(crl.nextUpdate)")
        }
    }

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue a client certificate for a province or the ministry.")
        @OptionGroup var options: DataOption
        @Option(help: "Province code (GB/T 2260 two digits, or the configured 兵团 code).")
        var province: UInt32?
        @Flag(help: "Issue a ministry certificate.")
        var ministry = false
        @Option(help: "File name under pki/clients (default province-NN / ministry, with a suffix if taken).")
        var name: String?
        @Option(help: "Validity in days.")
        var days = 825
        @Option(help: "Code of 新疆生产建设兵团.")
        var corpsCode: UInt32 = Province.defaultCorpsCode

        func validate() throws {
            guard (province != nil) != ministry else { throw ValidationError("give exactly one of --province N or --ministry") }
            if let province, ProvinceCode(province, corpsCode: corpsCode) == nil {
                throw ValidationError("--province \(province): not a provincial authority code")
            }
            guard (1...3650).contains(days) else { throw ValidationError("--days must be 1...3650") }
            if let name, !DataDirectory.isSafeName(name) {
                throw ValidationError("--name \(name): 1-64 characters of a-z, 0-9 and '-' (it names files under pki/clients)")
            }
        }

        func run() async throws {
            let pki = PKIStore(data: options.directory)
            let principal = ministry ? "jzs:ministry" : "jzs:province:\(province!)"
            var file = name ?? (ministry ? "ministry" : "province-\(province!)")
            let taken = Set(try pki.load().map(\.name))
            if name == nil, taken.contains(file) {
                var n = 2
                while taken.contains("\(file)-\(n)") { n += 1 }
                file = "\(file)-\(n)"
            }
            let label = ministry ? "jzs ministry" : "jzs province \(province!) \(Province.name(of: province!, corpsCode: corpsCode) ?? "")"
            let issued = try pki.issue(ca: try pki.loadCA(), principal: principal, name: file, commonName: label, days: days)
            var index = try pki.load()
            index.append(issued)
            try pki.save(index)
            print("issued \(issued.principal) serial \(issued.serial)")
            print("  certificate \(options.directory.clientCertificate(file).path)")
            print("  key         \(options.directory.clientKey(file).path)")
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a client certificate by serial and re-sign the CRL.")
        @OptionGroup var options: DataOption
        @Option(help: "Serial number (hexadecimal, see `jzsd ca list`).")
        var serial: String

        func run() async throws {
            let revoked = try PKIStore(data: options.directory).revoke(serial: serial)
            print("revoked \(revoked.principal) serial \(revoked.serial); new connections with it are refused, and a serving jzsd closes its open ones within a minute")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List issued client certificates.")
        @OptionGroup var options: DataOption

        func run() async throws {
            let formatter = ISO8601DateFormatter()
            for e in try PKIStore(data: options.directory).load() {
                let status = e.revokedAt.map { "revoked \(formatter.string(from: $0))" } ?? "valid"
                print("\(e.serial)  \(e.principal.padding(toLength: 18, withPad: " ", startingAt: 0))  \(e.name.padding(toLength: 14, withPad: " ", startingAt: 0))  until \(formatter.string(from: e.notAfter))  \(status)")
            }
        }
    }
}
