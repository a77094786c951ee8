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
            guard let k = DocumentKinds.kind(named: kind) else { throw ValidationError("--kind: \(DocumentKinds.all.map(\.name).joined(separator: ", "))") }
            let data = try LocalFile.read(file, role: "document")
            let a = try await client.individual.attach(k, content: Array(data), to: applicationID)
            if global.json { Output.json(DocumentKinds.json(a)) } else { print("attached \(a.attachmentID) (\(a.contentType), \(a.size) bytes)") }
        }
    }
}

/// The CLI's names of the document kinds (`--kind`, listings, JSON), in one place.
enum DocumentKinds {
    static let all: [(name: String, kind: Wire.Common.DocumentKind)] = [
        ("qualification", .qualificationCertificate), ("id-card", .idCard), ("contract", .labourContract), ("education", .education), ("other", .other),
    ]

    static func kind(named name: String) -> Wire.Common.DocumentKind? { all.first { $0.name == name }?.kind }
    static func name(of kind: Wire.Common.DocumentKind) -> String { all.first { $0.kind == kind }?.name ?? "\(kind)" }

    static func json(_ a: Wire.Common.ApplicationAttachment) -> [String: Any] {
        ["attachment_id": a.attachmentID, "kind": name(of: a.kind), "content_type": a.contentType, "size": a.size, "sha256": a.sha256]
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
        try LocalFile.write(d.content, to: out)
        if global.json { Output.json(["file": out, "content_type": d.contentType, "bytes": d.content.count]) } else { print("\(out): \(d.contentType), \(d.content.count) bytes") }
    }
}
