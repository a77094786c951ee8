public import Foundation

/// Counts of applications by status and type within the caller's scope.
public struct ApplicationStatistics: Sendable {
    public let byStatus: [ApplicationStatus: Int]
    public let byType: [RegistrationType: Int]
    public let total: Int
}

/// Provincial review (省级审查): accept and forward to the ministry, return for correction, or
/// refuse. The caller's scope (its own province) bounds every call; the route table says where an
/// accepted application goes next.
extension Applications {
    public func accept(_ id: String, by caller: Caller, audit: AuditContext) async throws(RegistryError) -> Application {
        try Self.requireProvince(caller)
        try await transition(id, by: caller, audit: audit, action: "accepted by province", from: [.awaitingProvince],
                             refusal: .onlyAwaitingProvinceAccept) { type in
            (ApplicationRoute.next(after: .awaitingProvince, for: type)!, nil)
        }
        return try await application(id, for: caller, audit: audit)
    }

    /// Returns an application for correction (退回修改): back to the applicant, who may resubmit.
    public func returnForCorrection(_ id: String, reason: String, by caller: Caller, audit: AuditContext) async throws(RegistryError) -> Application {
        try Self.requireProvince(caller)
        let why = try Self.reason(reason)
        try await transition(id, by: caller, audit: audit, action: "returned by province", from: [.awaitingProvince],
                             refusal: .onlyAwaitingProvinceReturn) { _ in (.returned, why) }
        return try await application(id, for: caller, audit: audit)
    }

    /// Refuses an application (不予受理): terminal; a new application is needed.
    public func refuse(_ id: String, reason: String, by caller: Caller, audit: AuditContext) async throws(RegistryError) -> Application {
        try Self.requireProvince(caller)
        let why = try Self.reason(reason)
        try await transition(id, by: caller, audit: audit, action: "refused by province", from: [.awaitingProvince],
                             refusal: .onlyAwaitingProvinceRefuse) { _ in (.refused, why) }
        return try await application(id, for: caller, audit: audit)
    }

    public func statistics(for caller: Caller) async throws(RegistryError) -> ApplicationStatistics {
        switch caller {
        case .province, .ministry: break
        default: throw .forbidden(Text(.statisticsForAuthorities))
        }
        let scope = Scope(caller)
        return try await store.read { tx in
            var byStatus: [ApplicationStatus: Int] = [:], byType: [RegistrationType: Int] = [:], total = 0
            for (status, type, n) in try tx.applications.counts(visibleTo: scope) {
                total += n
                byStatus[status, default: 0] += n
                byType[type, default: 0] += n
            }
            return ApplicationStatistics(byStatus: byStatus, byType: byType, total: total)
        }
    }

    /// Every application matching `filter` in the caller's scope, page by page, for streaming exports.
    /// With `audit`, a province or the ministry gets full numbers and each page of 500 writes its
    /// disclosure row before it is handed to `each` (so a stream cut short is recorded as far as
    /// it went).
    public func export(for caller: Caller, _ filter: ApplicationFilter, audit: AuditContext? = nil,
                       _ each: (Page<Application>) async throws -> Void) async throws {
        var query = filter
        query.pageSize = 500
        repeat {
            let page = try await list(for: caller, query, audit: audit)
            try await each(page)
            query.pageToken = page.nextPageToken
        } while !query.pageToken.isEmpty
    }

    static func requireProvince(_ caller: Caller) throws(RegistryError) {
        guard case .province = caller else { throw .forbidden(Text(.onlyProvincesReview)) }
    }

    static func reason(_ text: String) throws(RegistryError) -> String {
        let why = text.trimmed
        guard !why.isEmpty else { throw .invalid("reason", .reasonRequired) }
        guard why.count <= 500 else { throw .invalid("reason", .tooLong, "500") }
        return why
    }
}
