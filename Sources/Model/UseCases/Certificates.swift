public import Crypto
public import Foundation

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
    let store: any RegistryStore
    let signingKey: PrivateKey
    let now: @Sendable () -> Date

    /// 颁发机构代码: the ministry's credit code; 证照类型代码 for the 一级 certificate (assumed, see docs).
    public static let issuerCode = "11100000000013338W"
    public static let typeCode = "11100000000013338W002"
    public static let issuerName = "中华人民共和国住房和城乡建设部"
    public static let useDays = 180

    public convenience init(database: RegistryDatabase, signingKey: PrivateKey, now: @escaping @Sendable () -> Date = { Date() }) {
        self.init(store: database.store, signingKey: signingKey, now: now)
    }

    /// - Parameter store: the engine (``SQLiteStore`` embedded, or another ``RegistryStore``).
    public init(store: any RegistryStore, signingKey: PrivateKey, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.signingKey = signingKey
        self.now = now
    }

    /// Issues version N+1 for the registration with `registrationNumber`; the previous valid one
    /// becomes void. With an idempotency key, a retry returns the version it issued.
    public func issue(registrationNumber: String, idempotencyKey: String? = nil, by caller: Caller, audit: AuditContext) async throws(RegistryError) -> CertificateRecord {
        guard case .ministry = caller else { throw .forbidden(Text(.onlyMinistryIssues)) }
        let key = try Idempotency.key(idempotencyKey, required: false)
        let now = self.now()
        let id: String = try await store.write { tx in
            try Idempotency.once(principal: caller.principal, key: key, method: audit.method, request: registrationNumber.trimmed, at: now,
                                 in: tx.idempotency) {
                guard let registration = try tx.registrations.registration(.number(registrationNumber.trimmed)) else {
                    throw RegistryError.notFound(Text(.registrationNotFound, "\(registrationNumber)"))
                }
                guard registration.status == .active else { throw RegistryError.failedPrecondition(Text(.registrationCancelled)) }
                if try tx.applications.exists(individualID: registration.individualID, in: [.awaitingAnnouncement], except: nil) {
                    throw RegistryError.failedPrecondition(Text(.registrationAwaitsAnnouncement))
                }
                let (id, version) = try Self.issueNext(registrationID: registration.id, at: now, in: tx.certificates)
                try tx.audit.append(audit.entry(at: now, tenant: "nationwide", target: "certificate:\(id)", result: "issued version \(version)"))
                return id
            }
        }
        return try await record(id)
    }

    /// Inside the caller's unit of work: voids the valid certificate of the registration and
    /// issues the next version of its number with the facts as they stand now (the signed content
    /// never changes after issue). Versions count per registration number (its digits, which a 变更 keeps).
    static func issueNext(registrationID: String, at now: Date, in certificates: any CertificateStore) throws -> (id: String, version: Int) {
        guard let facts = try certificates.certifiedFacts(registrationID: registrationID) else {
            throw RegistryError.notFound(Text(.registrationNotFound, ""))
        }
        let next = try Self.nextVersion(registrationID: registrationID, facts: facts, newest: certificates.newest(serial: Self.serial(facts.registrationNumber)),
                                        at: now)
        try certificates.voidValid(registrationID: registrationID, reason: "superseded by \(next.id)")
        try certificates.insert(next)
        return (next.id, next.version)
    }

    /// The version that follows `newest` (the highest issued under the number's serial, if any),
    /// stating `facts`; one version per registration number at most 999.
    static func nextVersion(registrationID: String, facts: CertifiedFacts, newest: StoredCertificate?, at now: Date) throws -> StoredCertificate {
        let serial = Self.serial(facts.registrationNumber)
        let version = (newest?.version ?? 0) + 1
        guard version <= 999 else { throw RegistryError.failedPrecondition(Text(.certificateVersionsExhausted)) }
        let id = identifier(registrationNumber: facts.registrationNumber, version: version)
        guard let encoded = try? JSONSerialization.data(withJSONObject: Self.json(facts), options: [.sortedKeys, .withoutEscapingSlashes]) else {
            throw RegistryError.storage("the certified facts of \(id) cannot be encoded")
        }
        return StoredCertificate(id: id, registrationID: registrationID, serial: serial, version: version, status: .valid,
                                 issuedAt: now.timeIntervalSince1970, content: String(decoding: encoded, as: UTF8.self))
    }

    /// The 12 digits of a registration number (a 变更 changes only its leading character).
    static func serial(_ registrationNumber: String) -> String {
        String(registrationNumber.filter { $0.isASCII && $0.isNumber })
    }

    /// When an approval takes effect (at its 公告, or at the decision where the route has none),
    /// inside that unit of work: the person's active registration gets its next version with the
    /// new facts, and the valid one (if any) becomes void. The first certificate of an 初始 or
    /// 重新注册 is issued this way, so the holder can download it once the 公告 is published. Not
    /// when the newest certificate of the number was revoked (吊销): after a revocation only the
    /// ministry issues again (``issue(registrationNumber:idempotencyKey:by:audit:)``).
    ///
    /// Issuing writes the certified facts only; each download signs them. So nothing here can
    /// fail half-way outside the unit of work, and an issue is never lost.
    static func issueOnEffect(individualID: String, at now: Date, in tx: any StoreTransaction) throws -> (id: String, version: Int)? {
        try issueOnEffect(individualIDs: [individualID], at: now, in: tx).first
    }

    /// ``issueOnEffect(individualID:at:in:)`` for every person a 公告 takes effect for (each id
    /// once), as batch work: the registrations, their certified facts and the newest version of
    /// each number are read once, then every valid version is voided and the new ones inserted
    /// together. What was issued, in the order of `individualIDs`.
    static func issueOnEffect(individualIDs: [String], at now: Date, in tx: any StoreTransaction) throws -> [(id: String, version: Int)] {
        var seen = Set<String>()
        let people = individualIDs.filter { seen.insert($0).inserted }   // one version per person, even if named twice
        let registrations = try tx.registrations.registrations(ofPersons: people)
        let active = people.compactMap { registrations[$0] }.filter { $0.status == .active }
        guard !active.isEmpty else { return [] }
        let certificates = tx.certificates
        let newest = try certificates.newest(serials: active.map { Self.serial($0.registrationNumber) })
        let facts = try certificates.certifiedFacts(registrationIDs: active.map(\.id))
        var issued: [StoredCertificate] = []
        for registration in active where newest[Self.serial(registration.registrationNumber)]?.status != .revoked {
            guard let stated = facts[registration.id] else { throw RegistryError.notFound(Text(.registrationNotFound, "")) }
            issued.append(try Self.nextVersion(registrationID: registration.id, facts: stated,
                                               newest: newest[Self.serial(stated.registrationNumber)], at: now))
        }
        try certificates.voidValid(issued.map { ($0.registrationID, "superseded by \($0.id)") })
        try certificates.insert(issued)
        return issued.map { ($0.id, $0.version) }
    }

    /// After an approved change of an enterprise's name (or another certified employer fact),
    /// inside that unit of work: every valid certificate of its registered people is re-issued
    /// with the new facts; the previous versions become void.
    static func reissue(employerID: String, at now: Date, in certificates: any CertificateStore) throws -> [(id: String, version: Int)] {
        try certificates.registrationsWithValidCertificate(employerID: employerID).map { try issueNext(registrationID: $0, at: now, in: certificates) }
    }

    /// Issues the first certificate of every registration that should hold one and holds none
    /// of its number (``CertificateStore/outstandingRegistrations()``: every approval announced,
    /// no version ever issued for the number), in one unit of work, each with an audit row.
    /// Empty unless the data predates automatic issue (jzsd 0.2) or was edited by hand. `jzsd
    /// serve` runs it at start, so such a database catches up; returns how many were issued.
    public func issueOutstanding(audit: AuditContext) async throws(RegistryError) -> Int {
        let now = self.now()
        return try await store.write { tx in
            let ids = try tx.certificates.outstandingRegistrations()
            for registration in ids {
                let (id, version) = try Self.issueNext(registrationID: registration, at: now, in: tx.certificates)
                try tx.audit.append(audit.entry(at: now, tenant: "nationwide", target: "certificate:\(id)", result: "issued version \(version) (outstanding)"))
            }
            return ids.count
        }
    }

    /// How many registrations ``issueOutstanding(audit:)`` would issue for (0 is the invariant the tests check).
    public func outstandingCount() async throws(RegistryError) -> Int {
        try await store.read { tx in try tx.certificates.outstandingRegistrations().count }
    }

    /// What a certificate certifies, as the JSON object that is stored and signed.
    static func json(_ facts: CertifiedFacts) -> [String: Any] {
        ["holder": facts.holder, "id_number": facts.idNumber, "registration_number": facts.registrationNumber,
         "employer": facts.employer, "employer_credit_code": facts.employerCreditCode,
         "specialties": facts.specialties.map { ["name": $0.specialty, "valid_from": $0.validFrom, "valid_until": $0.validUntil] }]
    }

    /// The certified facts a certificate states: as stored at issue, or (versions from before v9,
    /// which stored none) the registration's current ones.
    static func facts(of certificate: StoredCertificate, in certificates: any CertificateStore) throws -> [String: Any]? {
        if let content = certificate.content, let stored = try? JSONSerialization.jsonObject(with: Data(content.utf8)) as? [String: Any] {
            return stored
        }
        return try certificates.certifiedFacts(registrationID: certificate.registrationID).map(json)
    }

    /// The signed certificate of the caller (an individual: their own valid one) or any valid one (the ministry).
    public func download(certificateID: String?, for caller: Caller) async throws(RegistryError) -> SignedCertificate {
        let now = self.now()
        // A person downloads their own valid certificate; the ministry names any one.
        let scope = Scope(caller)
        var id: String?
        var status: CertificateStatus?
        switch caller {
        case .individual:
            status = .valid
        case .ministry:
            guard let certificateID = certificateID?.trimmed, !certificateID.isEmpty else { throw .invalid("certificate_id", .required) }
            id = certificateID
        default: throw .forbidden(Text(.certificateDownloadWho))
        }
        let (wanted, wantedStatus) = (id, status)
        struct Found: Sendable { let id: String, version: Int, status: CertificateStatus, issuedAt: Double, facts: Data }
        let found = try await store.read { tx -> Found? in
            guard let certificate = try tx.certificates.newest(visibleTo: scope, id: wanted, status: wantedStatus) else { return nil }
            // Certificates issued before v9 have no stored facts: they certify the current ones.
            let facts = try certificate.content.map { Data($0.utf8) }
                ?? JSONSerialization.data(withJSONObject: tx.certificates.certifiedFacts(registrationID: certificate.registrationID).map(Self.json) ?? [:])
            return Found(id: certificate.id, version: certificate.version, status: certificate.status, issuedAt: certificate.issuedAt, facts: facts)
        }
        guard let found else { throw .notFound(Text(.certificateNotFound, "")) }
        guard found.status == .valid else { throw .failedPrecondition(Text(.certificateNotValid, .text(.certificateStatus(found.status.rawValue)))) }
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
        let found = try await store.read { tx in try tx.certificates.view(id).map { try Self.record($0, now: now, in: tx.certificates) } }
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
        let found = try await store.read { tx -> CertificateRecord? in
            guard let registration = try tx.certificates.registrationID(number: number, serial: serial, holderName: name),
                  let view = try tx.certificates.view(registrationID: registration, serial: serial) else { return nil }
            return try Self.record(view, now: now, in: tx.certificates)
        }
        guard let found else { throw .notFound(Text(.certificateLookupNotFound, "\(number)")) }
        return found
    }

    /// The public view of a certificate: status worked out for today, the holder's name masked,
    /// the specialties it certifies.
    static func record(_ view: CertificateView, now: Date, in certificates: any CertificateStore) throws -> CertificateRecord {
        let c = view.certificate
        var status = c.status
        if status == .valid {
            if let latest = view.latestValidUntil, let end = try? Applications.date(latest), end < CalendarDate(now) { status = .expired }
            if view.registrationStatus != .active { status = .void }
        }
        let facts = try Self.facts(of: c, in: certificates) ?? [:]
        let specialties = (facts["specialties"] as? [[String: String]] ?? []).map {
            CertifiedSpecialty(name: $0["name"] ?? "", validFrom: $0["valid_from"] ?? "", validUntil: $0["valid_until"] ?? "")
        }
        let number = facts["registration_number"] as? String ?? view.registrationNumber
        let name = view.holderName
        return CertificateRecord(id: c.id, registrationNumber: number, holderName: String(name.prefix(1)) + String(repeating: "*", count: max(0, name.count - 1)),
                                 version: c.version, status: status, issuedAt: Date(timeIntervalSince1970: c.issuedAt), reason: c.reason,
                                 specialties: specialties)
    }

    public func revoke(_ id: String, reason: String, by caller: Caller, audit: AuditContext) async throws(RegistryError) {
        guard case .ministry = caller else { throw .forbidden(Text(.onlyMinistryRevokes)) }
        let why = try Applications.reason(reason)
        let now = self.now()
        try await store.write { tx in
            guard let status = try tx.certificates.certificate(id)?.status else {
                throw RegistryError.notFound(Text(.certificateNotFound, "\(id)"))
            }
            guard status == .valid else { throw RegistryError.failedPrecondition(Text(.certificateNotValid, .text(.certificateStatus(status.rawValue)))) }
            try tx.certificates.revoke(id, reason: why)
            try tx.audit.append(audit.entry(at: now, tenant: "nationwide", target: "certificate:\(id)", result: "revoked: \(why)"))
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
