import ArgumentParser
import Foundation
import Model
import Proto
import RPCClient

extension ProvinceCommand {
    /// 企业注册审核: the province's sign-ups waiting for on-site authentication (list, one in
    /// full, its uploaded 营业执照 / 资质证明 to compare with the papers).
    struct Signups: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: ReviewTexts.signupsAbstract.text, subcommands: [List.self, Show.self, Attachment.self], defaultSubcommand: List.self)

        struct List: ClientCommand {
            static let configuration = CommandConfiguration(abstract: ReviewTexts.signupsAbstract.text)
            @OptionGroup var global: GlobalOptions

            func run(with client: Client) async throws {
                let list = try await client.provincial.pendingSignups()
                if global.json {
                    Output.json(list.map { s -> [String: Any] in
                        let i = s.info ?? .init()
                        return ["enterprise_id": s.enterpriseID, "credit_code": s.creditCode, "name": s.name, "method": "\(s.method)",
                                "administrator_account": s.administratorAccount, "enterprise_type": i.enterpriseType,
                                "economic_nature": i.economicNature, "qualification_certificate_no": i.qualificationCertificateNo]
                    })
                } else if list.isEmpty {
                    print(ReviewTexts.noSignup.text)
                } else {
                    Output.table([ReviewTexts.enterprise.text, ReviewTexts.creditCode.text, ReviewTexts.name.text, ReviewTexts.method.text, ReviewTexts.admin.text], list.map {
                        [$0.enterpriseID, $0.creditCode, $0.name, ($0.method == .onSiteAssociated ? StatusTexts.onSiteAssociated : StatusTexts.onSite).text, $0.administratorAccount]
                    })
                    print(SignupReviewTexts.signupsShowHint.text)
                }
            }
        }

        /// One waiting sign-up with everything step 1-4 recorded, as the reviewer compares it.
        struct Show: ClientCommand {
            static let configuration = CommandConfiguration(abstract: SignupReviewTexts.signupShowAbstract.text)
            @OptionGroup var global: GlobalOptions
            @Argument(help: ArgumentHelp(ReviewTexts.enterpriseIDHelp)) var enterpriseID: String

            func run(with client: Client) async throws {
                guard let s = try await client.provincial.pendingSignups().first(where: { $0.enterpriseID == enterpriseID }) else {
                    throw Failure(precondition: SignupReviewTexts.signupNotWaiting(enterpriseID), json: global.json)
                }
                let i = s.info ?? .init()
                if global.json {
                    Output.json(["enterprise_id": s.enterpriseID, "credit_code": s.creditCode, "name": s.name, "method": "\(s.method)",
                                 "administrator_account": s.administratorAccount, "administrator_name": s.administratorName,
                                 "legal_representative": i.legalRepresentative, "enterprise_type": i.enterpriseType,
                                 "economic_nature": i.economicNature, "registered_address": i.registeredAddress,
                                 "correspondence_address": i.correspondenceAddress, "postcode": i.postcode, "contact": i.contact,
                                 "contact_phone": i.contactPhone, "qualification_certificate_no": i.qualificationCertificateNo,
                                 "business_licence_sha256": s.businessLicenceSha256, "qualification_certificate_sha256": s.qualificationCertificateSha256,
                                 "other_signups": s.otherSignups])
                    return
                }
                let language = UILanguage.current
                let fields: [(String, String)] = [
                    ("info.legal_representative", i.legalRepresentative), ("info.enterprise_type", i.enterpriseType),
                    ("info.economic_nature", i.economicNature), ("info.registered_address", i.registeredAddress),
                    ("info.correspondence_address", i.correspondenceAddress), ("info.postcode", i.postcode), ("info.contact", i.contact),
                    ("info.contact_phone", i.contactPhone), ("info.qualification_certificate_no", i.qualificationCertificateNo),
                ]
                let none = SignupReviewTexts.notGiven.text
                var rows: [(String, String)] = [(ReviewTexts.name.text, StatusTexts.withNote(s.name, s.enterpriseID)), (ReviewTexts.creditCode.text, s.creditCode)]
                rows += fields.map { (FieldLabels.name(of: $0.0, language), $0.1.isEmpty ? none : $0.1) }
                rows += [(StatusTexts.businessLicence.text, s.businessLicenceUploaded ? SignupReviewTexts.uploadedDownload("licence") : none),
                         (StatusTexts.qualificationCertificate.text, s.qualificationCertificateUploaded ? SignupReviewTexts.uploadedDownload("qualification") : none),
                         (ReviewTexts.admin.text, StatusTexts.withNote(s.administratorAccount, s.administratorName)),
                         (ReviewTexts.method.text, (s.method == .onSiteAssociated ? StatusTexts.onSiteAssociated : StatusTexts.onSite).text)]
                if s.otherSignups > 0 { rows.append((SignupReviewTexts.otherSignups.text, "\(s.otherSignups)")) }
                Output.fields(rows)
            }
        }

        /// `jzs province signups attachment ID --kind licence --out FILE` (file 0600; the view is audited).
        struct Attachment: ClientCommand {
            static let configuration = CommandConfiguration(abstract: SignupReviewTexts.signupAttachmentAbstract.text)
            @OptionGroup var global: GlobalOptions
            @Argument(help: ArgumentHelp(ReviewTexts.enterpriseIDHelp)) var enterpriseID: String
            @Option(help: ArgumentHelp(SignupReviewTexts.kindHelp)) var kind: DocumentKind = .licence
            @Option(help: ArgumentHelp(HelpTexts.outFile)) var out: String
            var fieldNaming: FieldNaming { FieldNaming(flags: ["kind": "--kind", "enterprise_id": "<enterprise-id>"]) }

            func run(with client: Client) async throws {
                let a = try await client.provincial.signupAttachment(enterpriseID: enterpriseID, kind: kind.wire)
                try LocalFile.write(a.content, to: out)
                if global.json {
                    Output.json(["file": out, "content_type": a.contentType, "bytes": a.content.count, "sha256": a.sha256])
                } else {
                    print(SignupReviewTexts.attachmentSaved(kind.label, out, a.contentType, "\(a.content.count)", String(a.sha256.prefix(16))))
                }
            }
        }
    }
}

/// `--kind licence|qualification`: 营业执照 or 资质证明.
enum DocumentKind: String, ExpressibleByArgument, CaseIterable {
    case licence, qualification

    /// By its CLI name or its Chinese name (营业执照, 资质证明; 资质证书 too).
    init?(argument: String) {
        switch argument.trimmingCharacters(in: .whitespaces) {
        case "licence", "license", "营业执照": self = .licence
        case "qualification", "资质证明", "资质证书": self = .qualification
        default: return nil
        }
    }

    var wire: Wire.Enterprise.AttachmentKind { self == .licence ? .businessLicence : .qualificationCertificate }
    var label: String { (self == .licence ? StatusTexts.businessLicence : StatusTexts.qualificationCertificate).text }
}
