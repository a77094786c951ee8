public import Model
internal import Proto
internal import Foundation

/// The `jzs.ministry.v1.Ministry` service (ministry certificate; nationwide).
public struct MinistryService: Sendable {
    let applications: Applications

    public init(applications: Applications) { self.applications = applications }

    public func register(with router: inout Router) {
        let applications = self.applications
        router.register(Methods.Ministry.listApplications) { request, context in
            let me = try context.requireMinistry()
            return Wire.Common.ApplicationPage(try await applications.list(for: me, try ApplicationFilter(request, defaultStatuses: [.awaitingMinistry]), audit: context.audit))
        }
        router.register(Methods.Ministry.exportApplications) { request, context, stream in
            let me = try context.requireMinistry()
            try await applications.export(for: me, try ApplicationFilter(request, defaultStatuses: [.awaitingMinistry]), audit: context.audit) { page in
                for a in page.items { try await stream.send(Wire.Common.Application(a)) }
            }
        }
        router.register(Methods.Ministry.getApplication) { request, context in
            Wire.Common.Application(try await applications.application(request.applicationID, for: try context.requireMinistry(), audit: context.audit))
        }
        router.register(Methods.Ministry.decideApplications) { request, context in
            let me = try context.requireMinistry(operatorNeeded: true)
            let results = try await applications.decide(request.decisions.map { MinistryDecision(applicationID: $0.applicationID, approve: $0.approve, reason: $0.reason) },
                                                        idempotencyKey: context.idempotencyKey, by: me, audit: context.audit)
            let applied = results.filter { $0.error == nil }.count
            return .init(results: results.map { r in
                let (code, message, messageCode) = RPCError.item(r.error, language: context.language)
                return Wire.Ministry.DecisionResult(applicationID: r.applicationID, code: code, message: message,
                                                   status: r.status.flatMap(ApplicationStatus.init(rawValue:)).map(Wire.Common.ApplicationStatus.init) ?? .unspecified,
                                                   registrationNumber: r.registrationNumber ?? "", messageCode: messageCode)
            }, applied: UInt32(applied), failed: UInt32(results.count - applied))
        }
        router.register(Methods.Ministry.announce) { request, context in
            Wire.Ministry.Announcement(try await applications.announce(title: request.title, idempotencyKey: context.idempotencyKey, by: try context.requireMinistry(operatorNeeded: true), audit: context.audit))
        }
        router.register(Methods.Ministry.getStatistics) { _, context in
            Wire.Common.ApplicationStatistics(try await applications.statistics(for: try context.requireMinistry()))
        }
        // Announcements are public.
        router.register(Methods.Public.listAnnouncements) { request, _ in
            .init(announcements: try await applications.announcements(limit: request.limit == 0 ? 50 : Int(request.limit)).map(Wire.Ministry.Announcement.init))
        }
        router.register(Methods.Public.getAnnouncement) { request, _ in
            Wire.Ministry.Announcement(try await applications.announcement(request.number))
        }
    }
}

extension CallContext {
    /// The caller as the ministry; with `operatorNeeded`, the `operator` metadata entry must name the acting person.
    func requireMinistry(operatorNeeded: Bool = false) throws(RegistryError) -> Caller {
        guard case .ministry = caller else { throw .forbidden(Text(.needsMinistryCertificate)) }
        if operatorNeeded { try requireOperator() }
        return caller
    }
}
