public import Crypto
public import Foundation
import GRDB

/// Where a certificate stands, for public verification.
public enum CertificateStatus: String, Sendable, Codable {
    case valid, void, revoked, expired
}

public struct CertificateRecord: Sendable, Equatable {
    public let id: String
    public let registrationNumber: String
    public let holderName: String
    public let version: Int
    public let status: CertificateStatus
    public let issuedAt: Date
    public let reason: String?
    /// What this version certifies: each specialty with its validity, as issued, sorted by name.
    public var specialties: [CertifiedSpecialty] = []
}

/// One registered specialty as a certificate states it (dates `YYYY-MM-DD`, China Standard Time).
public struct CertifiedSpecialty: Sendable, Equatable {
    public let name: String
    public let validFrom: String
    public let validUntil: String
}

/// A downloaded electronic certificate: the signed document and its SM2 signature.
public struct SignedCertificate: Sendable, Equatable {
    /// Canonical JSON (sorted keys, UTF-8): the bytes that were signed.
    public let payload: [UInt8]
    /// SM2 signature with SM3 (DER).
    public let signature: [UInt8]
    public let useUntil: String

    public init(payload: [UInt8], signature: [UInt8], useUntil: String) {
        self.payload = payload
        self.signature = signature
        self.useUntil = useUntil
    }

    /// The certificate file: JSON with the base64 payload and signature.
    public var fileContents: [UInt8] {
        let object: [String: String] = ["format": "jzs-ecert-1", "algorithm": "SM2-with-SM3",
                                        "payload": Data(payload).base64EncodedString(), "signature": Data(signature).base64EncodedString()]
        return Array((try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])) ?? Data())
    }
}

/// Electronic registration certificates (电子注册证书, DOMAIN.md §7): issued by the ministry after
/// the announcement, a version per (re-)issue that voids the previous one, a 180-day use limit
/// per download capped by specialty expiry and the 65th birthday, signed with SM2 over SM3.
public final class Certificates: Sendable {
    let database: RegistryDatabase
    let signingKey: PrivateKey
    let now: @Sendable () -> Date

    /// 颁发机构代码: the ministry's credit code; 证照类型代码 for the 一级 certificate (assumed, see docs).
    public static let issuerCode = "11100000000013338W"
    public static let typeCode = "11100000000013338W002"
    public static let issuerName = "中华人民共和国住房和城乡建设部"
    public static let useDays = 180

    public init(database: RegistryDatabase, signingKey: PrivateKey, now: @escaping @Sendable () -> Date = { Date() }) {
        self.database = database
        self.signingKey = signingKey
        self.now = now
    }

    /// Issues version N+1 for the registration with `registrationNumber`; the previous valid one
    /// becomes void. With an idempotency key, a retry returns the version it issued.
    public func issue(registrationNumber: String, idempotencyKey: String? = nil, by caller: Caller, audit: AuditContext) async throws(RegistryError) -> CertificateRecord {
        guard case .ministry = caller else { throw .forbidden(Text(.onlyMinistryIssues)) }
        let key = try Idempotency.key(idempotencyKey, required: false)
        let now = self.now()
        let id: String = try await database.write { db in
            try Idempotency.once(principal: caller.principal, key: key, method: audit.method, request: registrationNumber.trimmed, at: now, in: db) {
                guard let reg = try Row.fetchOne(db, sql: "SELECT id, individual_id, status FROM registrations WHERE registration_number = ?",
                                                 arguments: [registrationNumber.trimmed]) else {
                    throw RegistryError.notFound(Text(.registrationNotFound, "\(registrationNumber)"))
                }
                guard reg["status"] as String == "active" else { throw RegistryError.failedPrecondition(Text(.registrationCancelled)) }
                if try Bool.fetchOne(db, sql: "SELECT 1 FROM applications WHERE individual_id = ? AND status = 'awaiting_announcement'", arguments: [reg["individual_id"] as String]) == true {
                    throw RegistryError.failedPrecondition(Text(.registrationAwaitsAnnouncement))
                }
                let (id, version) = try Self.issueNext(registrationID: reg["id"], at: now, in: db)
                try AuditLog.append(audit.entry(at: now, tenant: "nationwide", target: "certificate:\(id)", result: "issued version \(version)"), in: db)
                return id
            }
        }
        return try await record(id)
    }

    /// Inside the caller's transaction: voids the valid certificate of the registration and issues
    /// the next version of its number with the facts as they stand now (the signed content never
    /// changes after issue). Versions count per registration number (its digits, which a 变更 keeps).
    static func issueNext(registrationID: String, at now: Date, in db: Database) throws -> (id: String, version: Int) {
        let facts = try certifiedFacts(registrationID: registrationID, in: db)
        let number = facts["registration_number"] as? String ?? ""
        let serial = String(number.filter { $0.isASCII && $0.isNumber })
        let version = (try Int.fetchOne(db, sql: "SELECT MAX(version) FROM certificates WHERE serial = ?", arguments: [serial]) ?? 0) + 1
        guard version <= 999 else { throw RegistryError.failedPrecondition(Text(.certificateVersionsExhausted)) }
        let id = identifier(registrationNumber: number, version: version)
        try db.execute(sql: "UPDATE certificates SET status = 'void', reason = ? WHERE registration_id = ? AND status = 'valid'",
                       arguments: ["superseded by \(id)", registrationID])
        guard let encoded = try? JSONSerialization.data(withJSONObject: facts, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            throw RegistryError.storage("the certified facts of \(id) cannot be encoded")
        }
        let content = String(decoding: encoded, as: UTF8.self)
        try db.execute(sql: "INSERT INTO certificates (id, registration_id, serial, version, status, issued_at, content) VALUES (?, ?, ?, ?, 'valid', ?, ?)",
                       arguments: [id, registrationID, serial, version, now.timeIntervalSince1970, content])
        return (id, version)
    }

    /// When an approval takes effect (at its 公告, or at the decision where the route has none),
    /// inside that transaction: the person's active registration gets its next version with the
    /// new facts, and the valid one (if any) becomes void. The first certificate of an 初始 or
    /// 重新注册 is issued this way, so the holder can download it once the 公告 is published. Not
    /// when the newest certificate of the number was revoked (吊销): after a revocation only the
    /// ministry issues again (``issue(registrationNumber:idempotencyKey:by:audit:)``).
    ///
    /// Issuing writes the certified facts only; each download signs them. So nothing here can
    /// fail half-way outside the transaction, and an issue is never lost.
    static func issueOnEffect(individualID: String, at now: Date, in db: Database) throws -> (id: String, version: Int)? {
        guard let registration = try Row.fetchOne(db.cachedStatement(sql: "SELECT id, registration_number FROM registrations WHERE individual_id = ? AND status = 'active'"),
                                                  arguments: [individualID]) else { return nil }
        let serial = String((registration["registration_number"] as String).filter { $0.isASCII && $0.isNumber })
        let newest = try String.fetchOne(db.cachedStatement(sql: "SELECT status FROM certificates WHERE serial = ? ORDER BY version DESC LIMIT 1"), arguments: [serial])
        guard newest != CertificateStatus.revoked.rawValue else { return nil }
        return try issueNext(registrationID: registration["id"], at: now, in: db)
    }

    /// After an approved change of an enterprise's name (or another certified employer fact),
    /// inside that transaction: every valid certificate of its registered people is re-issued
    /// with the new facts; the previous versions become void.
    static func reissue(employerID: String, at now: Date, in db: Database) throws -> [(id: String, version: Int)] {
        let registrations = try String.fetchAll(db.cachedStatement(sql: """
            SELECT c.registration_id FROM certificates c JOIN registrations r ON r.id = c.registration_id
            WHERE r.enterprise_id = ? AND r.status = 'active' AND c.status = 'valid' ORDER BY r.registration_number
            """), arguments: [employerID])
        return try registrations.map { try issueNext(registrationID: $0, at: now, in: db) }
    }

    /// Active registrations that should hold a certificate and hold none of their number: every
    /// approval announced (nothing waiting for a 公告), no version ever issued for the number.
    /// Empty unless the data predates automatic issue (jzsd 0.2) or was edited by hand.
    static let outstandingSQL = """
        SELECT r.id FROM registrations r WHERE r.status = 'active'
        AND NOT EXISTS (SELECT 1 FROM certificates c WHERE c.registration_id = r.id
                        AND c.serial = substr(r.registration_number, length(r.registration_number) - 11))
        AND NOT EXISTS (SELECT 1 FROM applications a WHERE a.individual_id = r.individual_id AND a.status = 'awaiting_announcement')
        ORDER BY r.registration_number
        """

    /// Issues the first certificate of every registration ``outstandingSQL`` finds, in one
    /// transaction, each with an audit row. `jzsd serve` runs it at start, so a database from
    /// before automatic issue catches up; returns how many were issued.
    public func issueOutstanding(audit: AuditContext) async throws(RegistryError) -> Int {
        let now = self.now()
        return try await database.write { db in
            let ids = try String.fetchAll(db, sql: Self.outstandingSQL)
            for registration in ids {
                let (id, version) = try Self.issueNext(registrationID: registration, at: now, in: db)
                try AuditLog.append(audit.entry(at: now, tenant: "nationwide", target: "certificate:\(id)", result: "issued version \(version) (outstanding)"), in: db)
            }
            return ids.count
        }
    }

    /// How many registrations ``outstandingSQL`` finds (0 is the invariant the tests check).
    public func outstandingCount() async throws(RegistryError) -> Int {
        try await database.read { db in try String.fetchAll(db, sql: Self.outstandingSQL).count }
    }

    /// What a certificate certifies: holder, registration number, specialties with their validity, employer.
    static func certifiedFacts(registrationID: String, in db: Database) throws -> [String: Any] {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT r.registration_number, i.name, i.id_number, e.name AS employer, e.credit_code FROM registrations r
            JOIN individuals i ON i.id = r.individual_id JOIN enterprises e ON e.id = r.enterprise_id WHERE r.id = ?
            """, arguments: [registrationID]) else { throw RegistryError.notFound(Text(.registrationNotFound, "")) }
        let specialties = try Row.fetchAll(db, sql: "SELECT specialty, valid_from, valid_until FROM registration_specialties WHERE registration_id = ? ORDER BY specialty",
                                           arguments: [registrationID])
        return ["holder": row["name"] as String, "id_number": row["id_number"] as String, "registration_number": row["registration_number"] as String,
                "employer": row["employer"] as String, "employer_credit_code": row["credit_code"] as String,
                "specialties": specialties.map { ["name": $0["specialty"] as String, "valid_from": $0["valid_from"] as String, "valid_until": $0["valid_until"] as String] }]
    }

    /// The signed certificate of the caller (an individual: their own valid one) or any valid one (the ministry).
    public func download(certificateID: String?, for caller: Caller) async throws(RegistryError) -> SignedCertificate {
        let now = self.now()
        let scope = Scope(caller).registrationsFilter
        var condition = scope.sql
        var arguments = scope.arguments
        switch caller {
        case .individual:
            condition += " AND c.status = 'valid'"
        case .ministry:
            guard let certificateID = certificateID?.trimmed, !certificateID.isEmpty else { throw .invalid("certificate_id", .required) }
            condition += " AND c.id = ?"
            arguments += [certificateID]
        default: throw .forbidden(Text(.certificateDownloadWho))
        }
        let (filter, filterArguments) = (condition, arguments)
        struct Found: Sendable { let id: String, version: Int, status: String, issuedAt: Double, facts: Data }
        let found = try await database.read { db -> Found? in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT c.id, c.version, c.status, c.issued_at, c.content, c.registration_id FROM certificates c
                JOIN registrations r ON r.id = c.registration_id WHERE \(filter) ORDER BY c.version DESC LIMIT 1
                """, arguments: filterArguments) else { return nil }
            // Certificates issued before v9 have no stored facts: they certify the current ones.
            let facts = try (row["content"] as String?).map { Data($0.utf8) }
                ?? JSONSerialization.data(withJSONObject: Self.certifiedFacts(registrationID: row["registration_id"], in: db))
            return Found(id: row["id"], version: row["version"], status: row["status"], issuedAt: row["issued_at"], facts: facts)
        }
        guard let found else { throw .notFound(Text(.certificateNotFound, "")) }
        guard found.status == "valid" else { throw .failedPrecondition(Text(.certificateNotValid, .text(.certificateStatus(found.status)))) }
        guard let facts = try? JSONSerialization.jsonObject(with: found.facts) as? [String: Any] else { throw .storage("unreadable certificate content") }
        guard let specialties = facts["specialties"] as? [[String: String]] else { throw .storage("certificate \(found.id) has unreadable specialties") }
        let useUntil = Self.useLimit(now: now, specialtyExpiries: specialties.compactMap { $0["valid_until"] }, idNumber: facts["id_number"] as? String ?? "")
        var payload = facts
        payload.merge([
            "certificate_id": found.id, "version": found.version, "title": "中华人民共和国一级建造师注册证书",
            "id_type": "居民身份证", "issuer": Self.issuerName, "issuer_code": Self.issuerCode,
            "issued_on": CalendarDate(Date(timeIntervalSince1970: found.issuedAt)).description,
            "downloaded_on": CalendarDate(now).description, "use_until": useUntil.description,
        ]) { _, new in new }
        let bytes = Array((try? JSONSerialization.data(withJSONObject: payload, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data())
        let signature: [UInt8]
        do { signature = try Signature.sign(bytes, with: signingKey) } catch { throw .storage("signing failed: \(error)") }
        return SignedCertificate(payload: bytes, signature: signature, useUntil: useUntil.description)
    }

    /// 180 days from the download, capped by the earliest specialty expiry and the 65th birthday.
    public static func useLimit(now: Date, specialtyExpiries: [String], idNumber: String) -> CalendarDate {
        var limit = CalendarDate(now).adding(days: useDays)
        for e in specialtyExpiries { if let d = try? Applications.date(e), d < limit { limit = d } }
        if let id = try? IDNumber(validating: idNumber, today: .distantFuture) {
            let birthday = id.birthDate.adding(years: Applications.ageLimit)
            if birthday < limit { limit = birthday }
        }
        return limit
    }

    /// Public verification by identifier.
    public func record(_ id: String) async throws(RegistryError) -> CertificateRecord {
        let now = self.now()
        let found = try await database.read { db in try Self.record(where: "c.id = ?", [id], now: now, in: db) }
        guard let found else { throw .notFound(Text(.certificateNotFound, "\(id)")) }
        return found
    }

    /// Public verification by 注册编号 and the holder's exact name: the newest version of that
    /// number (its 12 digits). The number may be the registration's current one or one a version
    /// was issued with (a 变更 to another province changes the leading character). A name that
    /// does not match answers exactly like an unknown number (same code, same text, one query
    /// path), so the answer never tells whether a number exists.
    public func record(registrationNumber: String, holderName: String) async throws(RegistryError) -> CertificateRecord {
        let number = registrationNumber.trimmed
        let name = holderName.trimmed
        var v = Violations()
        if number.isEmpty { v.add("registration_number", .required) } else if number.count > 32 { v.add("registration_number", .tooLong, "32") }
        if name.isEmpty { v.add("holder_name", .required) } else if name.count > 64 { v.add("holder_name", .tooLong, "64") }
        try v.throwIfAny()
        let serial = String(number.filter { $0.isASCII && $0.isNumber })
        let now = self.now()
        let found = try await database.read { db -> CertificateRecord? in
            guard let registration = try String.fetchOne(db, sql: """
                SELECT r.id FROM registrations r JOIN individuals i ON i.id = r.individual_id
                WHERE r.registration_number = ? AND i.name = ?
                UNION
                SELECT c.registration_id FROM certificates c JOIN registrations r ON r.id = c.registration_id JOIN individuals i ON i.id = r.individual_id
                WHERE c.serial = ? AND json_extract(c.content, '$.registration_number') = ? AND i.name = ?
                LIMIT 1
                """, arguments: [number, name, serial, number, name]) else { return nil }
            return try Self.record(where: "c.registration_id = ? AND c.serial = ?", [registration, serial], now: now, in: db)
        }
        guard let found else { throw .notFound(Text(.certificateLookupNotFound, "\(number)")) }
        return found
    }

    /// The public view of the newest certificate matching `condition` (on `certificates c`):
    /// status worked out for today, the holder's name masked, the specialties it certifies.
    static func record(where condition: String, _ arguments: StatementArguments, now: Date, in db: Database) throws -> CertificateRecord? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT c.*, r.registration_number, r.status AS registration_status, i.name FROM certificates c
            JOIN registrations r ON r.id = c.registration_id JOIN individuals i ON i.id = r.individual_id
            WHERE \(condition) ORDER BY c.version DESC LIMIT 1
            """, arguments: arguments) else { return nil }
        var status = CertificateStatus(rawValue: row["status"]) ?? .void
        if status == .valid {
            let latest = try String.fetchOne(db, sql: "SELECT MAX(valid_until) FROM registration_specialties WHERE registration_id = ?", arguments: [row["registration_id"] as String])
            if let latest, let end = try? Applications.date(latest), end < CalendarDate(now) { status = .expired }
            if row["registration_status"] as String != "active" { status = .void }
        }
        // What the version states (stored at issue); versions from before v9 certify the current facts.
        let facts = try (row["content"] as String?).flatMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            ?? certifiedFacts(registrationID: row["registration_id"], in: db)
        let specialties = (facts["specialties"] as? [[String: String]] ?? []).map {
            CertifiedSpecialty(name: $0["name"] ?? "", validFrom: $0["valid_from"] ?? "", validUntil: $0["valid_until"] ?? "")
        }
        let number = facts["registration_number"] as? String ?? row["registration_number"]
        let name: String = row["name"]
        return CertificateRecord(id: row["id"], registrationNumber: number, holderName: String(name.prefix(1)) + String(repeating: "*", count: max(0, name.count - 1)),
                                 version: row["version"], status: status, issuedAt: Date(timeIntervalSince1970: row["issued_at"]), reason: row["reason"],
                                 specialties: specialties)
    }

    public func revoke(_ id: String, reason: String, by caller: Caller, audit: AuditContext) async throws(RegistryError) {
        guard case .ministry = caller else { throw .forbidden(Text(.onlyMinistryRevokes)) }
        let why = try Applications.reason(reason)
        let now = self.now()
        try await database.write { db in
            guard let status = try String.fetchOne(db, sql: "SELECT status FROM certificates WHERE id = ?", arguments: [id]) else {
                throw RegistryError.notFound(Text(.certificateNotFound, "\(id)"))
            }
            guard status == "valid" else { throw RegistryError.failedPrecondition(Text(.certificateNotValid, .text(.certificateStatus(status)))) }
            try db.execute(sql: "UPDATE certificates SET status = 'revoked', reason = ? WHERE id = ?", arguments: [why, id])
            try AuditLog.append(audit.entry(at: now, tenant: "nationwide", target: "certificate:\(id)", result: "revoked: \(why)"), in: db)
        }
    }

    /// 证照标识 (DOMAIN.md §7.3): 1.2.156.3005.2.<type>.<issuer>.<serial>.<version>.<check>, the
    /// check character by ISO/IEC 7064 MOD 37,36 over the identifier without root and dots.
    public static func identifier(registrationNumber: String, version: Int) -> String {
        let serial = String(registrationNumber.filter { $0.isASCII && $0.isNumber })
        let body = [typeCode, issuerCode, serial, String(format: "%03d", version)]
        return "1.2.156.3005.2." + body.joined(separator: ".") + "." + checkCharacter(body.joined())
    }

    static func checkCharacter(_ text: String) -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        var p = 36
        for c in text.uppercased() {
            guard let v = alphabet.firstIndex(of: c) else { continue }
            p = (p + v) % 36
            if p == 0 { p = 36 }
            p = (p * 2) % 37
        }
        let check = (37 - p) % 37
        return String(alphabet[check == 36 ? 0 : check])
    }
}

/// Offline verification of a certificate file with the ministry's public key.
public enum CertificateVerifier {
    public enum Outcome: Sendable, Equatable {
        case valid(certificateID: String, version: Int, useUntil: String)
        case tampered
        case expiredUseLimit(String)
        case malformed(String)
    }

    public static func verify(file: [UInt8], publicKeyPEM: String, today: Date = Date()) -> Outcome {
        guard let object = try? JSONSerialization.jsonObject(with: Data(file)) as? [String: String],
              object["format"] == "jzs-ecert-1", let payload = object["payload"].flatMap({ Data(base64Encoded: $0) }),
              let signature = object["signature"].flatMap({ Data(base64Encoded: $0) }) else {
            return .malformed("not a jzs electronic certificate file")
        }
        guard Signature.verify(Array(signature), of: Array(payload), publicKeyPEM: publicKeyPEM) else { return .tampered }
        guard let document = try? JSONSerialization.jsonObject(with: payload) as? [String: Any],
              let id = document["certificate_id"] as? String, let version = document["version"] as? Int,
              let useUntil = document["use_until"] as? String, let limit = try? Applications.date(useUntil) else {
            return .malformed("the signed document lacks its identifier, version or use limit")
        }
        guard CalendarDate(today) <= limit else { return .expiredUseLimit(useUntil) }
        return .valid(certificateID: id, version: version, useUntil: useUntil)
    }
}
