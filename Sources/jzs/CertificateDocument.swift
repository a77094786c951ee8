import Foundation
import Model

/// The signed document inside a certificate file (format `jzs-ecert-1`, docs/PROTOCOL.md): the
/// facts the ministry certifies, read from the payload under the signature.
///
/// Only ever built from a file whose signature ``CertificateVerifier`` accepted: the facts of a
/// file that does not verify are never shown or drawn. Keys a payload lacks (an older format)
/// read as empty, so every certificate ever issued can still be shown.
struct CertificateDocument {
    struct Specialty: Equatable {
        let name: String
        let validFrom: String
        let validUntil: String
    }

    let certificateID: String
    let version: Int
    let title: String
    let holder: String
    let idType: String
    let idNumber: String
    let registrationNumber: String
    let specialties: [Specialty]
    let employer: String
    let employerCreditCode: String
    let issuer: String
    let issuerCode: String
    let issuedOn: String
    let downloadedOn: String
    let useUntil: String
    /// The signed document as it is, for `--json` (its keys are the machine keys).
    let object: [String: Any]

    /// The certificate is valid from its first specialty's start to its last specialty's end.
    var validFrom: String? { specialties.map(\.validFrom).filter { !$0.isEmpty }.min() }
    var validUntil: String? { specialties.map(\.validUntil).filter { !$0.isEmpty }.max() }

    /// The document of `file`, or nil when the file is not a certificate file or its payload is
    /// not a JSON object.
    init?(file: [UInt8]) {
        guard let wrapper = try? JSONSerialization.jsonObject(with: Data(file)) as? [String: Any],
              let encoded = wrapper["payload"] as? String, let payload = Data(base64Encoded: encoded),
              let object = try? JSONSerialization.jsonObject(with: payload) as? [String: Any] else { return nil }
        func text(_ key: String) -> String { object[key] as? String ?? "" }
        self.object = object
        certificateID = text("certificate_id")
        version = object["version"] as? Int ?? 0
        title = text("title")
        holder = text("holder")
        idType = text("id_type")
        idNumber = text("id_number")
        registrationNumber = text("registration_number")
        specialties = (object["specialties"] as? [[String: Any]] ?? []).map {
            Specialty(name: $0["name"] as? String ?? "", validFrom: $0["valid_from"] as? String ?? "", validUntil: $0["valid_until"] as? String ?? "")
        }
        employer = text("employer")
        employerCreditCode = text("employer_credit_code")
        issuer = text("issuer")
        issuerCode = text("issuer_code")
        issuedOn = text("issued_on")
        downloadedOn = text("downloaded_on")
        useUntil = text("use_until")
    }
}
