import ArgumentParser
import Foundation
import Model
import Proto
import RPCClient

/// How `cert show FILE`, `cert verify` and `cert render` get the key and whether they ask the
/// server for the current status.
struct CertificateKeyOptions: ParsableArguments {
    @Option(name: .customLong("public-key"), help: ArgumentHelp(CertificateTexts.publicKeyOption.text))
    var publicKey: String?

    @Flag(help: ArgumentHelp(CertificateTexts.onlineFlag.text))
    var online = false
}

/// What checking a certificate file found: the signature and the use limit (offline, with the
/// ministry's public key), then the current status when the server was asked; and, when the
/// signature holds, the certified facts.
struct CertificateCheck {
    /// The signed document; nil when the signature does not hold (its facts are not shown).
    private(set) var document: CertificateDocument?
    private(set) var valid = true
    /// The verdict in sentences, in the reader's language.
    private(set) var verdict: [String] = []
    /// The first reason it is not valid.
    private(set) var reason: String?
    /// The current status the server gave (machine word: valid, void, revoked, expired).
    private(set) var currentStatus: String?

    /// Checks `file` offline with `publicKeyPEM`.
    init(file: [UInt8], publicKeyPEM: String, today: Date = Date()) {
        typealias T = CertificateTexts
        switch CertificateVerifier.verify(file: file, publicKeyPEM: publicKeyPEM, today: today) {
        case .valid(let id, let version, let useUntil):
            document = CertificateDocument(file: file)
            verdict = [T.signatureValid(id, String(version), T.date(useUntil))]
        case .expiredUseLimit(let until):
            // The signature holds: the facts are the ministry's, but this copy may not be used.
            document = CertificateDocument(file: file)
            fail(T.useLimitPassed(T.date(until)))
        case .tampered:
            fail(T.tampered.text)
        case .malformed:
            fail(T.malformed.text)
        }
    }

    /// Reads `path`, then checks it with the key of `keys` (or the server's), and asks the server
    /// for the current status with `--online`.
    /// - Throws: ``LocalFile/Problem`` for the file or key, a failed call.
    static func run(file path: String, keys: CertificateKeyOptions, global: GlobalOptions) async throws -> CertificateCheck {
        let bytes = Array(try LocalFile.read(path, role: CertificateTexts.fileRole.text))
        if let publicKey = keys.publicKey, !keys.online {
            return CertificateCheck(file: bytes, publicKeyPEM: try LocalFile.text(publicKey, role: CertificateTexts.keyRole.text))
        }
        return try await global.withClient(anonymous: true) { client in
            let key: String
            if let publicKey = keys.publicKey {
                key = try LocalFile.text(publicKey, role: CertificateTexts.keyRole.text)
            } else {
                key = try await client.public.signingKey()
            }
            var check = CertificateCheck(file: bytes, publicKeyPEM: key)
            if keys.online, check.valid, let id = check.document?.certificateID {
                check.apply(try await client.public.verifyCertificate(id))
            }
            return check
        }
    }

    /// The server's word on the certificate now: only a valid one keeps the verdict valid.
    mutating func apply(_ record: Wire.Common.CertificateRecord) {
        typealias T = CertificateTexts
        currentStatus = Self.machineWord(record.status)
        if record.status == .valid {
            verdict.append(T.currentValid(String(record.version)))
        } else {
            let status = record.status == .void ? T.voidExplained.text : T.status(record.status).text
            fail(record.reason.isEmpty ? T.isNow(status) : T.isNowBecause(status, T.reasonText(record.reason)))
        }
    }

    private mutating func fail(_ why: String) {
        valid = false
        verdict.append(CertificateTexts.notValid(why))
        if reason == nil { reason = why }
    }

    static func machineWord(_ status: Wire.Common.CertificateStatus) -> String {
        switch status {
        case .valid: "valid"
        case .void: "void"
        case .revoked: "revoked"
        case .expired: "expired"
        default: "unknown"
        }
    }

    // MARK: Output

    /// The certified facts as (label, value) rows in the reader's language; a specialty a row.
    var factRows: [(String, String)] {
        guard let d = document else { return [] }
        typealias T = CertificateTexts
        var rows: [(String, String)] = [
            (T.holder.text, d.holder),
            (T.idNumber.text, [d.idType, d.idNumber].filter { !$0.isEmpty }.joined(separator: " ")),
            (T.registrationNumber.text, d.registrationNumber),
        ]
        for (i, s) in d.specialties.enumerated() {
            rows.append((i == 0 ? T.specialties.text : "", T.specialtyValidity(s.name, T.date(s.validFrom), T.date(s.validUntil))))
        }
        rows += [
            (T.employer.text, d.employerCreditCode.isEmpty ? d.employer : T.employerWithCode(d.employer, d.employerCreditCode)),
            (T.issuer.text, d.issuer),
            (T.issuedOn.text, T.date(d.issuedOn)),
            (T.validity.text, T.range(T.date(d.validFrom ?? ""), T.date(d.validUntil ?? ""))),
            (T.version.text, T.versionValue(String(d.version))),
            (T.useUntil.text, T.useUntilValue(T.date(d.useUntil))),
            (T.identifier.text, d.certificateID),
        ]
        return rows
    }

    /// One JSON object: the signed document's own keys, then `valid`, `reason`, `current_status`.
    var jsonObject: [String: Any] {
        var object = document?.object ?? [:]
        object["valid"] = valid
        if let reason { object["reason"] = reason }
        if let currentStatus { object["current_status"] = currentStatus }
        return object
    }

    /// Prints the facts and the verdict (or, with `json`, one object).
    func print(json: Bool) {
        if json {
            Output.json(jsonObject)
            return
        }
        let rows = factRows
        if !rows.isEmpty {
            Output.fields(rows)
            Swift.print()
        }
        verdict.forEach { Swift.print($0) }
    }
}
