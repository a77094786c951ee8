import ArgumentParser
import Foundation
import Model
import Proto
import RPCClient

extension IndividualCommand {
    struct Attach: ClientCommand {
        static let configuration = CommandConfiguration(abstract: IndividualTexts.attachAbstract.text)
        @OptionGroup var global: GlobalOptions
        @Argument(help: ArgumentHelp(HelpTexts.applicationID)) var applicationID: String
        @Option(help: ArgumentHelp(IndividualTexts.attachKind)) var kind: String
        @Option(help: ArgumentHelp(IndividualTexts.attachFile)) var file: String
        func run(with client: Client) async throws {
            guard let k = DocumentKinds.kind(named: kind) else { throw ValidationError(IndividualTexts.badKind(DocumentKinds.listed)) }
            let data = try LocalFile.read(file, role: FileTexts.document.text)
            let a = try await client.individual.attach(k, content: Array(data), to: applicationID)
            if global.json { Output.json(DocumentKinds.json(a)) } else { print(IndividualTexts.attached(a.attachmentID, a.contentType, "\(a.size)")) }
        }
    }
}

/// The CLI's names of the document kinds (`--kind`, listings, JSON), in one place.
enum DocumentKinds {
    static let all: [(name: String, kind: Wire.Common.DocumentKind)] = [
        ("qualification", .qualificationCertificate), ("id-card", .idCard), ("contract", .labourContract), ("education", .education), ("other", .other),
    ]

    /// A kind by its CLI name (`qualification`) or its name in either language (资格证书).
    static func kind(named name: String) -> Wire.Common.DocumentKind? {
        all.first { $0.name == name }?.kind
            ?? all.first { $0.kind != .other && (shownName(of: $0.kind, .zh) == name || shownName(of: $0.kind, .en).lowercased() == name.lowercased()) }?.kind
            ?? (name == shownName(of: .other, .zh) || name == "其他" ? .other : nil)
    }
    /// Every kind as `--kind` takes it, with its name: qualification（资格证书）、id-card（身份证）…
    static var listed: String {
        all.map { FailureTexts.flagWithLabel($0.name, shownName(of: $0.kind)) }.joined(separator: UILanguage.current == .zh ? "、" : ", ")
    }
    static func name(of kind: Wire.Common.DocumentKind) -> String { all.first { $0.kind == kind }?.name ?? "\(kind)" }

    /// The kind as people read it, in the user's language.
    static func shownName(of kind: Wire.Common.DocumentKind, _ language: Language = UILanguage.current) -> String {
        switch kind {
        case .qualificationCertificate: ApplicationTexts.qualificationCertificate[language]
        case .idCard: ApplicationTexts.idCard[language]
        case .labourContract: ApplicationTexts.labourContract[language]
        case .education: ApplicationTexts.education[language]
        default: ApplicationTexts.other[language]
        }
    }

    static func json(_ a: Wire.Common.ApplicationAttachment) -> [String: Any] {
        ["attachment_id": a.attachmentID, "kind": name(of: a.kind), "content_type": a.contentType, "size": a.size, "sha256": a.sha256]
    }
}

/// `document APPLICATION ATTACHMENT --out FILE` for every tier, the tier taken from the session or certificate kind.
struct DocumentCommand: ClientCommand {
    static let configuration = CommandConfiguration(commandName: "document", abstract: PublicTexts.documentAbstract.text)
    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp(HelpTexts.applicationID)) var applicationID: String
    @Argument(help: ArgumentHelp(PublicTexts.attachmentID)) var attachmentID: String
    @Option(help: ArgumentHelp(HelpTexts.outFile)) var out: String

    func run(with client: Client) async throws {
        let me = try await client.public.whoAmI()
        let tier: Client.Tier = switch me.kind {
        case .individual: .individual
        case .enterpriseUser: .enterprise
        case .province: .province
        case .ministry: .ministry
        default: throw ValidationError(PublicTexts.documentNeedsCaller.text)
        }
        let d = try await client.applicationDocument(attachmentID, of: applicationID, as: tier)
        try LocalFile.write(d.content, to: out)
        if global.json { Output.json(["file": out, "content_type": d.contentType, "bytes": d.content.count]) } else { print(PublicTexts.downloaded(out, d.contentType, "\(d.content.count)")) }
    }
}
