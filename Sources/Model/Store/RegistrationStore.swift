// The registrations-and-certificates table group: `registrations`, `registration_specialties`,
// `registration_serials`, `certificates`. The engine implementations own the SQL (SQLite: Store/SQLite/).

/// Whether a registration is in force.
public enum RegistrationStatus: String, Sendable, Equatable {
    case active, cancelled
}

/// A row of `registrations` (one per person, whatever its status).
public struct StoredRegistration: Sendable, Equatable {
    public var id: String
    public var individualID: String
    public var enterpriseID: String
    public var registrationNumber: String
    public var status: RegistrationStatus
    public var registeredAt: Double

    public init(id: String, individualID: String, enterpriseID: String, registrationNumber: String, status: RegistrationStatus, registeredAt: Double) {
        self.id = id
        self.individualID = individualID
        self.enterpriseID = enterpriseID
        self.registrationNumber = registrationNumber
        self.status = status
        self.registeredAt = registeredAt
    }
}

/// One registered specialty with its validity (`YYYY-MM-DD`).
public struct RegisteredSpecialty: Sendable, Equatable {
    public var specialty: String
    public var validFrom: String
    public var validUntil: String

    public init(specialty: String, validFrom: String, validUntil: String) {
        self.specialty = specialty
        self.validFrom = validFrom
        self.validUntil = validUntil
    }
}

/// A registered person as an enterprise's staff list shows them (the ID number in full: the use
/// case masks it through ``Disclosure``).
public struct StaffRecord: Sendable, Equatable {
    public var registration: StoredRegistration
    public var name: String
    public var idNumber: String
    /// Sorted by specialty.
    public var specialties: [RegisteredSpecialty]

    /// For the engines (the store protocols hand these back).
    public init(registration: StoredRegistration, name: String, idNumber: String, specialties: [RegisteredSpecialty]) {
        self.registration = registration
        self.name = name
        self.idNumber = idNumber
        self.specialties = specialties
    }
}

/// How a registration is named: by its 注册编号 or its id.
public enum RegistrationKey: Sendable, Hashable {
    case number(String)
    case id(String)
}

/// `registrations`, `registration_specialties`, `registration_serials`.
///
/// Registrations are visible by one rule (``Scope``: a person their own, an enterprise those of
/// its staff, the ministry all; a province and nobody else none): out of scope is absent. The
/// workflow methods (the ministry's decisions, certificates) act nationwide.
///
/// Invariants every engine keeps: one registration per person and one per 注册编号
/// (``StoreConflict``); serials from ``nextSerial(province:max:)`` never repeat, also across nodes.
public protocol RegistrationStore {
    /// The person's registration, active or cancelled.
    func registration(ofPerson individualID: String) throws -> StoredRegistration?
    func registration(_ key: RegistrationKey) throws -> StoredRegistration?
    /// ``registration(ofPerson:)`` of each of `individualIDs` that has one, by person (a batch's one read).
    func registrations(ofPersons individualIDs: [String]) throws -> [String: StoredRegistration]
    /// Sorted by specialty.
    func specialties(of registrationID: String) throws -> [RegisteredSpecialty]

    func insert(_ registration: StoredRegistration) throws
    /// Many at once (a batch's); a ``StoreConflict`` fails them all.
    func insert(_ registrations: [StoredRegistration]) throws
    /// A cancelled registration in force again (重新注册): new employer and number, its specialties cleared.
    func reactivate(_ id: String, enterpriseID: String, registrationNumber: String, at: Double) throws
    /// A 变更: the new employer and the number's new leading character.
    func transfer(_ id: String, enterpriseID: String, registrationNumber: String) throws
    func cancel(_ id: String) throws
    /// Adds the specialty or replaces its validity.
    func setSpecialty(_ specialty: RegisteredSpecialty, of registrationID: String) throws
    /// ``setSpecialty(_:of:)`` for many (a batch's), in order: a later one for the same
    /// registration and specialty wins.
    func setSpecialties(_ specialties: [(registrationID: String, specialty: RegisteredSpecialty)]) throws
    func extendSpecialty(_ specialty: String, of registrationID: String, until: String) throws

    /// The next `count` serials of registration numbers first registered in `province`, in
    /// order, or as many as are left below `max` (fewer, maybe none): 1, 2, … up to `max`. The
    /// serial point: SQLite's single writer; an engine with concurrent writers holds the
    /// province's row until COMMIT, so two nodes approving at once never allocate the same
    /// number. A batch asks once per province, not once per approval.
    func nextSerials(province: UInt32, count: Int, max: Int) throws -> Range<Int>

    /// Active registrations visible to `scope` whose holder's name contains `nameContains`, by 注册编号.
    func activeStaff(visibleTo scope: Scope, nameContains: String, limit: Int, offset: Int) throws -> [StaffRecord]
    func activeStaffCount(visibleTo scope: Scope, nameContains: String) throws -> Int
    func activeStaffMember(_ key: RegistrationKey, visibleTo scope: Scope) throws -> StaffRecord?
}

extension RegistrationStore {
    /// The next serial of `province` (``nextSerials(province:count:max:)`` of one), nil once `max` was given out.
    public func nextSerial(province: UInt32, max: Int) throws -> Int? {
        try nextSerials(province: province, count: 1, max: max).first
    }
}

/// A row of `certificates`: one version of a registration's certificate. (`expired` is worked
/// out when read, never stored.)
public struct StoredCertificate: Sendable, Equatable {
    public var id: String
    public var registrationID: String
    /// The 12 digits of the registration number it was issued under.
    public var serial: String
    public var version: Int
    public var status: CertificateStatus
    public var issuedAt: Double
    public var reason: String?
    /// The certified facts as signed (JSON); nil for versions from before v9.
    public var content: String?

    public init(id: String, registrationID: String, serial: String, version: Int, status: CertificateStatus, issuedAt: Double,
                reason: String? = nil, content: String?) {
        self.id = id
        self.registrationID = registrationID
        self.serial = serial
        self.version = version
        self.status = status
        self.issuedAt = issuedAt
        self.reason = reason
        self.content = content
    }
}

/// What a certificate certifies, as the registration stands.
public struct CertifiedFacts: Sendable, Equatable {
    public var holder: String
    public var idNumber: String
    public var registrationNumber: String
    public var employer: String
    public var employerCreditCode: String
    /// Sorted by specialty.
    public var specialties: [RegisteredSpecialty]

    /// For the engines (the store protocols hand these back).
    public init(holder: String, idNumber: String, registrationNumber: String, employer: String, employerCreditCode: String, specialties: [RegisteredSpecialty]) {
        self.holder = holder
        self.idNumber = idNumber
        self.registrationNumber = registrationNumber
        self.employer = employer
        self.employerCreditCode = employerCreditCode
        self.specialties = specialties
    }
}

/// A certificate with what public verification shows beside it.
public struct CertificateView: Sendable, Equatable {
    public var certificate: StoredCertificate
    /// The registration's current number.
    public var registrationNumber: String
    public var registrationStatus: RegistrationStatus
    public var holderName: String
    /// The latest end of the registration's specialties.
    public var latestValidUntil: String?

    /// For the engines (the store protocols hand these back).
    public init(certificate: StoredCertificate, registrationNumber: String, registrationStatus: RegistrationStatus, holderName: String, latestValidUntil: String?) {
        self.certificate = certificate
        self.registrationNumber = registrationNumber
        self.registrationStatus = registrationStatus
        self.holderName = holderName
        self.latestValidUntil = latestValidUntil
    }
}

/// `certificates` (and the registration facts they certify).
///
/// Invariants every engine keeps: one valid certificate per registration, one row per (serial,
/// version) (``StoreConflict``).
public protocol CertificateStore {
    func certificate(_ id: String) throws -> StoredCertificate?
    /// The highest version issued under `serial`.
    func newest(serial: String) throws -> StoredCertificate?
    /// The highest version of a registration visible to `scope` (``RegistrationStore``'s rule),
    /// optionally only with that id or in that status.
    func newest(visibleTo scope: Scope, id: String?, status: CertificateStatus?) throws -> StoredCertificate?
    func insert(_ certificate: StoredCertificate) throws
    /// The registration's valid certificate (if any) becomes void with `reason`.
    func voidValid(registrationID: String, reason: String) throws
    func revoke(_ id: String, reason: String) throws

    func certifiedFacts(registrationID: String) throws -> CertifiedFacts?
    /// Registrations of `employerID`'s active staff holding a valid certificate, by 注册编号.
    func registrationsWithValidCertificate(employerID: String) throws -> [String]
    /// Active registrations with nothing waiting for a 公告 and no version ever issued for their number.
    func outstandingRegistrations() throws -> [String]

    /// The newest version with this id, for public verification.
    func view(_ id: String) throws -> CertificateView?
    /// The newest version issued under `serial` for the registration.
    func view(registrationID: String, serial: String) throws -> CertificateView?
    /// The registration a public look-up names: by its current number, or by the number a
    /// version of its certificate (serial `serial`) was issued with; only when the holder's name
    /// is exactly `holderName`.
    func registrationID(number: String, serial: String, holderName: String) throws -> String?

    // Batch work (a 公告 issues one version per person announced; docs/STORE.md "Batch work"):
    // the defaults below loop over the single-row methods, which is what SQLite's cached
    // statements do best; PostgreSQL answers each with one statement.

    /// The certified facts of each registration that exists, by registration id.
    func certifiedFacts(registrationIDs: [String]) throws -> [String: CertifiedFacts]
    /// The highest version issued under each serial that has one, by serial.
    func newest(serials: [String]) throws -> [String: StoredCertificate]
    /// Each registration's valid certificate (if any) becomes void with its reason.
    func voidValid(_ reasons: [(registrationID: String, reason: String)]) throws
    func insert(_ certificates: [StoredCertificate]) throws
}

extension CertificateStore {
    public func certifiedFacts(registrationIDs: [String]) throws -> [String: CertifiedFacts] {
        var found: [String: CertifiedFacts] = [:]
        for id in registrationIDs { found[id] = try certifiedFacts(registrationID: id) }
        return found
    }

    public func newest(serials: [String]) throws -> [String: StoredCertificate] {
        var found: [String: StoredCertificate] = [:]
        for serial in serials { found[serial] = try newest(serial: serial) }
        return found
    }

    public func voidValid(_ reasons: [(registrationID: String, reason: String)]) throws {
        for (registrationID, reason) in reasons { try voidValid(registrationID: registrationID, reason: reason) }
    }

    public func insert(_ certificates: [StoredCertificate]) throws {
        for certificate in certificates { try insert(certificate) }
    }
}
