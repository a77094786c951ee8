import CertificateRender
import Foundation
import Model

extension CertificateSheet {
    /// The printed page of a verified certificate document: the facts in Chinese with English
    /// labels beneath (one document for every reader), the QR code of its identifier, and the
    /// time it was made in Beijing time.
    init(_ d: CertificateDocument, madeAt: Date) {
        typealias T = CertificateTexts
        func label(_ p: Phrase) -> Label { Label(p.zh, p.en) }
        func zh(_ p: Phrase, _ values: String...) -> String { Phrase.fill(p.zh, values) }
        func en(_ p: Phrase, _ values: String...) -> String { Phrase.fill(p.en, values) }
        func date(_ iso: String) -> String { T.date(iso, in: .zh) }
        let validity = zh(T.range, date(d.validFrom ?? ""), date(d.validUntil ?? ""))
        let made = Self.beijingTime(madeAt)
        self.init(
            title: Label(d.title.isEmpty ? T.title.zh : d.title, T.title.en),
            facts: [
                Fact(label(T.holder), d.holder),
                Fact(label(T.idNumber), [d.idType, d.idNumber].filter { !$0.isEmpty }.joined(separator: " ")),
                Fact(label(T.registrationNumber), d.registrationNumber),
                Fact(label(T.employer), d.employer),
                Fact(label(T.employerCode), d.employerCreditCode),
                Fact(label(T.issuer), d.issuer),
                Fact(label(T.issuedOn), date(d.issuedOn)),
                Fact(label(T.validity), validity),
                Fact(label(T.version), zh(T.versionValue, String(d.version))),
                Fact(label(T.useUntil), zh(T.useUntilValue, date(d.useUntil))),
            ],
            specialtiesHeading: label(T.specialties),
            specialtyColumns: [label(T.specialty), label(T.validFrom), label(T.validUntil)],
            specialties: d.specialties.map { [$0.name, date($0.validFrom), date($0.validUntil)] },
            verificationIdentifier: d.certificateID,
            verificationLabel: label(T.identifier),
            signatureLabel: label(T.signatureBox),
            notes: [
                zh(T.printedSignature), en(T.printedSignature),
                zh(T.printedTime, made, date(d.useUntil)), en(T.printedTime, made, d.useUntil),
                zh(T.printedCheck, d.certificateID), en(T.printedCheck, d.certificateID),
            ],
            documentTitle: "\(d.title.isEmpty ? T.title.zh : d.title) \(d.registrationNumber)")
    }

    /// `2026-11-29 14:03` in Asia/Shanghai.
    static func beijingTime(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }
}
