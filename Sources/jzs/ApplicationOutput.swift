import Foundation
import Proto
import Model

/// Printing applications for people and scripts.
enum ApplicationOutput {
    static func typeName(_ t: Wire.Common.RegistrationType) -> String {
        t.domain?.chineseName ?? "?"
    }

    static func statusName(_ s: Wire.Common.ApplicationStatus) -> String {
        switch s {
        case .awaitingEnterprise: "待企业上报"
        case .awaitingProvince: "待省级审查"
        case .awaitingMinistry: "待部级审批"
        case .awaitingAnnouncement: "待公告"
        case .returned: "已退回"
        case .withdrawn: "已撤回"
        case .refused: "不予受理"
        case .rejected: "不予注册"
        case .completed: "已办结"
        default: "?"
        }
    }

    static func json(_ a: Wire.Common.Application) -> [String: Any] {
        var o: [String: Any] = [
            "application_id": a.applicationID, "applicant": a.applicantName, "id_number": idNumber(a), "phone": phone(a),
            "enterprise": a.enterpriseName, "enterprise_credit_code": a.enterpriseCreditCode, "type": typeName(a.type),
            "specialties": a.specialties, "status": "\(a.status)", "return_reason": a.returnReason,
            "qualification_certificate_no": a.qualificationCertificateNo, "contract": "\(a.contractStart)..\(a.contractEnd)",
        ]
        if !a.attachments.isEmpty { o["documents"] = a.attachments.map(DocumentKinds.json) }
        if !a.history.isEmpty {
            o["history"] = a.history.map { ["at": ISO8601DateFormatter().string(from: $0.at?.date ?? Date()), "actor": $0.actor, "actor_name": $0.actorName,
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
        if json { Output.json(self.json(a)) } else { print(line ?? "\(a.applicationID): \(statusName(a.status))") }
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
        Output.table(["application", "applicant", "ID number", "type", "specialties", "status"], page.applications.map {
            [$0.applicationID, $0.applicantName, idNumber($0), typeName($0.type), $0.specialties.joined(separator: "、"), statusName($0.status)]
        })
        let more = page.page?.nextPageToken.isEmpty == false ? "; next page: --page-token \(page.page!.nextPageToken)" : ""
        print("\(page.applications.count) of \(page.page?.total ?? 0)\(more)")
    }

    static func detail(_ a: Wire.Common.Application) {
        Output.fields([("application", a.applicationID), ("applicant", "\(a.applicantName) \(idNumber(a))"), ("phone", phone(a)),
                       ("employer", "\(a.enterpriseName) (\(a.enterpriseCreditCode))"), ("type", typeName(a.type)),
                       ("specialties", a.specialties.joined(separator: "、")), ("qualification", "\(a.qualificationCertificateNo) of \(a.qualificationDate)"),
                       ("contract", "\(a.contractStart) to \(a.contractEnd)"), ("status", statusName(a.status))]
                      + (a.returnReason.isEmpty ? [] : [("return reason", a.returnReason)]))
        if !a.attachments.isEmpty {
            print("documents (jzs document \(a.applicationID) ID --out FILE):")
            for d in a.attachments { print("  \(d.attachmentID)  \(DocumentKinds.name(of: d.kind))  \(d.contentType)  \(d.size) bytes") }
        }
        if !a.history.isEmpty {
            print("history:")
            for e in a.history {
                let when = ISO8601DateFormatter().string(from: e.at?.date ?? Date())
                print("  \(when)  \(e.action) → \(statusName(e.toStatus))\(e.reason.isEmpty ? "" : ": \(e.reason)")  (\(e.actorName.isEmpty ? e.actor : e.actorName))")
            }
        }
    }

    /// The applicant's ID number as the server disclosed it: in full to reviewers, masked to others.
    static func idNumber(_ a: Wire.Common.Application) -> String { a.idNumber.isEmpty ? a.idNumberMasked : a.idNumber }

    /// The applicant's phone, in full to reviewers, masked to others.
    static func phone(_ a: Wire.Common.Application) -> String { a.phone.isEmpty ? a.phoneMasked : a.phone }

    static func registrationType(_ text: String) -> Wire.Common.RegistrationType? {
        switch text {
        case "initial", "初始", "01": .initial
        case "change", "变更", "02": .change
        case "renewal", "延续", "03": .renewal
        case "add-specialty", "增项", "04": .addSpecialty
        case "re-registration", "重新", "05": .reRegistration
        case "cancellation", "注销", "07": .cancellation
        default: nil
        }
    }
}
