import ArgumentParser
import Foundation
import Proto
import RPCClient

extension IndividualCommand {
    struct Attach: ClientCommand {
        static let configuration = CommandConfiguration(abstract: "Attach a document (PDF or image, ≤ 2 MB) to your application.")
        @OptionGroup var global: GlobalOptions
        @Argument var applicationID: String
        @Option(help: "qualification, id-card, contract, education or other.") var kind: String
        @Option var file: String
        func run(with client: Client) async throws {
            let kinds: [String: Wire.Common.DocumentKind] = ["qualification": .qualificationCertificate, "id-card": .idCard, "contract": .labourContract,
                                                             "education": .education, "other": .other]
            guard let k = kinds[kind] else { throw ValidationError("--kind: qualification, id-card, contract, education or other") }
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            let a = try await client.individual.attach(k, content: Array(data), to: applicationID)
            if global.json { Output.json(["attachment_id": a.attachmentID, "content_type": a.contentType, "size": a.size]) } else { print("attached \(a.attachmentID) (\(a.contentType), \(a.size) bytes)") }
        }
    }
}

/// `document APPLICATION ATTACHMENT --out FILE` for every tier, the tier taken from the session or certificate kind.
struct DocumentCommand: ClientCommand {
    static let configuration = CommandConfiguration(commandName: "document", abstract: "Download a document attached to an application.")
    @OptionGroup var global: GlobalOptions
    @Argument var applicationID: String
    @Argument var attachmentID: String
    @Option var out: String

    func run(with client: Client) async throws {
        let me = try await client.public.whoAmI()
        let tier: Client.Tier = switch me.kind {
        case .individual: .individual
        case .enterpriseUser: .enterprise
        case .province: .province
        case .ministry: .ministry
        default: throw ValidationError("log in, or use a province or ministry certificate")
        }
        let d = try await client.applicationDocument(attachmentID, of: applicationID, as: tier)
        try Data(d.content).write(to: URL(fileURLWithPath: out))
        if global.json { Output.json(["file": out, "content_type": d.contentType, "bytes": d.content.count]) } else { print("\(out): \(d.contentType), \(d.content.count) bytes") }
    }
}
