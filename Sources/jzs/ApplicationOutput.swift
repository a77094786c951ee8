import Foundation
import Proto
import Model

/// Printing applications for people and scripts.
enum ApplicationOutput {
    /// The machine name of a registration type in `--json` (as before: its Chinese name).
    static func typeName(_ t: Wire.Common.RegistrationType) -> String {
        t.domain?.chineseName ?? "?"
    }

    /// A status for people, in the user's language.
    static func statusName(_ s: Wire.Common.ApplicationStatus) -> String { StatusTexts.application(s) }

    static func json(_ a: Wire.Common.Application) -> [String: Any] {
        var o: [String: Any] = [
            "application_id": a.applicationID, "applicant": a.applicantName, "id_number": idNumber(a), "phone": phone(a),
            "enterprise": a.enterpriseName, "enterprise_credit_code": a.enterpriseCreditCode, "type": typeName(a.type),
            "specialties": a.specialties, "status": "\(a.status)", "return_reason": a.returnReason,
            "qualification_certificate_no": a.qualificationCertificateNo, "contract": "\(a.contractStart)..\(a.contractEnd)",
        ]
        if !a.attachments.isEmpty { o["documents"] = a.attachments.map(DocumentKinds.json) }
        if !a.history.isEmpty {
            o["history"] = a.history.map { ["at": ShownTime.iso($0.at?.date ?? Date()), "actor": $0.actor, "actor_name": $0.actorName,
                                              "action": $0.action, "to": "\($0.toStatus)", "reason": $0.reason] }
        }
        return o
    }

    /// One application: its detail, or the `--json` object.
    static func show(_ a: Wire.Common.Application, json: Bool) {
        if json { Output.json(self.json(a)) } else { detail(a) }
    }

    /// After a change: one line (default: the id and the new status), or the `--json` object.
    static func changed(_ a: Wire.Common.Application, json: Bool, _ line: String? = nil) {
        if json { Output.json(self.json(a)) } else { print(line ?? ApplicationTexts.changedStatus(a.applicationID, statusName(a.status))) }
    }

    /// A page of applications: the table, or the `--json` object with the paging fields.
    static func page(_ page: Wire.Common.ApplicationPage, json: Bool) {
        if json {
            Output.json(["applications": page.applications.map(self.json), "next_page_token": page.page?.nextPageToken ?? "", "total": page.page?.total ?? 0])
        } else {
            table(page)
        }
    }

    static func table(_ page: Wire.Common.ApplicationPage) {
        Output.table([ApplicationTexts.application.text, ApplicationTexts.applicant.text, ApplicationTexts.idNumber.text,
                      ApplicationTexts.type.text, ApplicationTexts.specialties.text, ApplicationTexts.status.text], page.applications.map {
            [$0.applicationID, $0.applicantName, idNumber($0), StatusTexts.registrationType($0.type),
             StatusTexts.specialties($0.specialties), statusName($0.status)]
        })
        let token = page.page?.nextPageToken ?? ""
        print(ApplicationTexts.pageSummary("\(page.applications.count)", "\(page.page?.total ?? 0)") + (token.isEmpty ? "" : ApplicationTexts.nextPage(token)))
    }

    static func detail(_ a: Wire.Common.Application) { detailLines(a).forEach { print($0) } }

    /// Where a detail goes: the result on standard output, or what a question shows on standard error.
    enum Destination { case standardOutput, standardError }

    static func detail(_ a: Wire.Common.Application, to destination: Destination) {
        switch destination {
        case .standardOutput: detail(a)
        case .standardError: Output.toStandardError(detailLines(a))
        }
    }

    static func detailLines(_ a: Wire.Common.Application) -> [String] {
        var lines: [String] = []
        let open = UILanguage.current == .zh ? "（" : " (", close = UILanguage.current == .zh ? "）" : ")"
        lines += Output.fieldLines([(ApplicationTexts.application.text, a.applicationID), (ApplicationTexts.applicant.text, "\(a.applicantName) \(idNumber(a))"), (ApplicationTexts.phone.text, phone(a)),
                       (ApplicationTexts.employer.text, a.enterpriseName + open + a.enterpriseCreditCode + close),
                       (ApplicationTexts.type.text, StatusTexts.registrationType(a.type))]
                       // A type that does not ask for a field (延续, 注销, 变更) shows no empty row for it.
                       + (a.specialties.isEmpty ? [] : [(ApplicationTexts.specialties.text, StatusTexts.specialties(a.specialties))])
                       + (a.qualificationCertificateNo.isEmpty ? [] : [(ApplicationTexts.qualification.text, ApplicationTexts.qualificationValue(a.qualificationCertificateNo, a.qualificationDate))])
                       + (a.contractStart.isEmpty ? [] : [(ApplicationTexts.contract.text, ApplicationTexts.contractValue(a.contractStart, a.contractEnd))])
                       + [(ApplicationTexts.status.text, statusName(a.status))]
                      + (a.returnReason.isEmpty ? [] : [(ApplicationTexts.returnReason.text, a.returnReason)]))
        if !a.attachments.isEmpty {
            lines.append(ApplicationTexts.documents(CommandHint.jzs("document \(a.applicationID)")))
            for d in a.attachments {
                lines.append("  \(d.attachmentID)  \(DocumentKinds.shownName(of: d.kind))  \(d.contentType)  \(ApplicationTexts.bytes("\(d.size)"))")
            }
        }
        if !a.history.isEmpty {
            let separator = UILanguage.current == .zh ? "：" : ": "
            lines.append(ApplicationTexts.history.text)
            for e in a.history {
                let when = ShownTime.text(e.at?.date ?? Date())
                lines.append("  \(when)  \(StatusTexts.action(e.action)) → \(statusName(e.toStatus))\(e.reason.isEmpty ? "" : separator + e.reason)  \(open)\(e.actorName.isEmpty ? e.actor : e.actorName)\(close)")
            }
        }
        return lines
    }

    /// The applicant's ID number as the server disclosed it: in full to reviewers, masked to others.
    static func idNumber(_ a: Wire.Common.Application) -> String { a.idNumber.isEmpty ? a.idNumberMasked : a.idNumber }

    /// The applicant's phone, in full to reviewers, masked to others.
    static func phone(_ a: Wire.Common.Application) -> String { a.phone.isEmpty ? a.phoneMasked : a.phone }

    static func registrationType(_ text: String) -> Wire.Common.RegistrationType? {
        // The short and the full Chinese names both: 初始 and 初始注册, as every output prints.
        switch text.trimmingCharacters(in: .whitespaces) {
        case "initial", "初始", "初始注册", "01": .initial
        case "change", "变更", "变更注册", "02": .change
        case "renewal", "延续", "延续注册", "03": .renewal
        case "add-specialty", "增项", "增项注册", "04": .addSpecialty
        case "re-registration", "重新", "重新注册", "05": .reRegistration
        case "cancellation", "注销", "注销注册", "07": .cancellation
        default: nil
        }
    }
}
