import ArgumentParser
import Foundation
import Model
import Proto
import RPCClient

/// The ministry's figures on a seeded database (`jzsd seed --bench-ministry N`): one durable call
/// deciding N applications, the announcement, certificate issue, and download + offline verify.
struct MinistryDecideCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ministry", abstract: "Ministry batch decision, announcement and certificate rates.")
    @Option(help: "host:port") var server = "127.0.0.1:7443"
    @Option(help: "CA PEM file") var ca: String
    @Option(help: "Ministry client certificate") var cert: String
    @Option(help: "Its key") var key: String
    @Option var count = 10_000
    @Option(help: "Certificates to issue and to download + verify.") var certificates = 200

    func run() async throws {
        guard let colon = server.lastIndex(of: ":"), let port = Int(server[server.index(after: colon)...]) else { throw ValidationError("--server host:port") }
        var metadata = Metadata()
        metadata[Metadata.Key.operator] = "bench"
        let client = try await Client.connect(ClientConfiguration(host: String(server[..<colon]), port: port, trustRootsFile: ca, certificateFile: cert,
                                                                  privateKeyFile: key, defaultTimeout: .seconds(300), metadata: metadata))
        var ids: [String] = []
        var token = ""
        repeat {
            let page = try await client.ministry.applications(.init(page: .init(pageSize: 500, pageToken: token)))
            ids += page.applications.map(\.applicationID)
            token = page.page?.nextPageToken ?? ""
        } while !token.isEmpty && ids.count < count
        ids = Array(ids.prefix(count))
        guard ids.count == count else { throw ValidationError("only \(ids.count) applications wait for the ministry; seed with --bench-ministry") }
        let clock = ContinuousClock()
        var t = clock.now
        let decided = try await client.ministry.decide(ids.map { .init(applicationID: $0, approve: true) }, idempotencyKey: "bench-\(UUID().uuidString)")
        let decideMs = Double((clock.now - t).microseconds) / 1000
        let numbers = decided.results.map(\.registrationNumber).filter { !$0.isEmpty }
        t = clock.now
        let announcement = try await client.ministry.announce(title: "基准测试公告")
        let announceMs = Double((clock.now - t).microseconds) / 1000
        t = clock.now
        var issued: [String] = []
        for number in numbers.prefix(certificates) { issued.append(try await client.ministry.issueCertificate(registrationNumber: number).certificateID) }
        let issueSeconds = Double((clock.now - t).microseconds) / 1e6
        let publicKey = try await client.public.signingKey()
        var files: [[UInt8]] = []
        t = clock.now
        for id in issued { files.append(try await client.ministry.downloadCertificate(id).file) }
        let downloadSeconds = Double((clock.now - t).microseconds) / 1e6
        t = clock.now
        var valid = 0
        for _ in 0..<5 { for f in files { if case .valid = CertificateVerifier.verify(file: f, publicKeyPEM: publicKey) { valid += 1 } } }
        let verifySeconds = Double((clock.now - t).microseconds) / 1e6
        await client.close()
        func rate(_ n: Int, _ s: Double) -> Double { (Double(n) / s * 10).rounded() / 10 }
        print(#"{"bench":"ministry","decisions":\#(count),"applied":\#(decided.applied),"decide_ms":\#((decideMs * 10).rounded() / 10),"announced":\#(announcement.itemCount),"announce_ms":\#((announceMs * 10).rounded() / 10),"certificates_issued_per_s":\#(rate(issued.count, issueSeconds)),"downloads_signed_per_s":\#(rate(files.count, downloadSeconds)),"offline_verifications_per_s":\#(rate(valid, verifySeconds))}"#)
    }
}
