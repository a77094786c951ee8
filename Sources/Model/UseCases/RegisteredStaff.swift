public import Foundation

/// A registered constructor of an enterprise (已注册人员).
public struct StaffMember: Sendable, Equatable {
    public let registrationID: String
    public let registrationNumber: String
    public let name: String
    public let maskedIDNumber: String
    /// The full ID number: only for a ``Disclosure/full`` view (never an enterprise's).
    public let idNumber: String?
    public let specialties: [(specialty: Specialty, validFrom: String, validUntil: String)]
    public let registeredAt: Date

    public static func == (a: Self, b: Self) -> Bool {
        a.registrationID == b.registrationID && a.specialties.map(\.specialty) == b.specialties.map(\.specialty)
    }
}

extension EnterpriseInfo {
    /// The caller's enterprise's registered staff, by name, paged (offset token).
    public func staff(for caller: Caller, nameContains: String = "", pageSize: Int = 50, pageToken: String = "") async throws(RegistryError) -> Page<StaffMember> {
        guard case .enterpriseUser = caller else { throw .forbidden(Text(.onlyEnterpriseUsers)) }
        let size = pageSize == 0 ? 50 : pageSize
        guard (1...500).contains(size) else { throw .invalid("page.page_size", .pageSize) }
        let offset = pageToken.isEmpty ? 0 : Int(pageToken) ?? -1
        guard offset >= 0 else { throw .invalid("page.page_token", .pageToken) }
        let name = nameContains.trimmed
        let scope = Scope(caller)
        // Only enterprises call this (masked); the one policy decides it all the same.
        let disclosure = Disclosure(for: caller, audited: nil)
        return try await store.read { tx in
            let total = try tx.registrations.activeStaffCount(visibleTo: scope, nameContains: name)
            let items = try tx.registrations.activeStaff(visibleTo: scope, nameContains: name, limit: size, offset: offset)
                .map { Self.member($0, disclosure: disclosure) }
            return Page(items: items, nextPageToken: offset + size < total ? String(offset + size) : "", total: total)
        }
    }

    /// How a registered person is named in a request: the 注册编号 people know (preferred), or
    /// the registration id.
    public enum StaffReference: Sendable, Hashable {
        case registrationNumber(String)
        case registrationID(String)
    }

    public func staffMember(_ registrationID: String, for caller: Caller) async throws(RegistryError) -> StaffMember {
        try await staffMember(.registrationID(registrationID), for: caller)
    }

    /// One registered person of the caller's enterprise, by 注册编号 or id; another enterprise's
    /// answers NOT_FOUND like an unknown one.
    public func staffMember(_ reference: StaffReference, for caller: Caller) async throws(RegistryError) -> StaffMember {
        guard case .enterpriseUser = caller else { throw .forbidden(Text(.onlyEnterpriseUsers)) }
        let scope = Scope(caller)
        let disclosure = Disclosure(for: caller, audited: nil)
        let (key, field): (RegistrationKey, String) = switch reference {
        case .registrationNumber(let n): (.number(n.trimmed), "registration_number")
        case .registrationID(let id): (.id(id.trimmed), "registration_id")
        }
        let text = switch key {
        case .number(let n): n
        case .id(let id): id
        }
        guard !text.isEmpty else { throw .invalid(field, .required) }
        let found = try await store.read { tx in try tx.registrations.activeStaffMember(key, visibleTo: scope).map { Self.member($0, disclosure: disclosure) } }
        guard let found else { throw .notFound(Text(.registeredPersonNotFound, "\(text)")) }
        return found
    }

    static func member(_ record: StaffRecord, disclosure: Disclosure) -> StaffMember {
        let idNumber = disclosure.idNumber(record.idNumber)
        return StaffMember(registrationID: record.registration.id, registrationNumber: record.registration.registrationNumber, name: record.name,
                           maskedIDNumber: idNumber.masked, idNumber: idNumber.full,
                           specialties: record.specialties.compactMap { s in
                               Specialty(rawValue: s.specialty).map { (specialty: $0, validFrom: s.validFrom, validUntil: s.validUntil) }
                           },
                           registeredAt: Date(timeIntervalSince1970: record.registration.registeredAt))
    }
}
