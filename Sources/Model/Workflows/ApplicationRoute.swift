/// Where an application waits, or how it ended.
public enum ApplicationStatus: String, Sendable, CaseIterable, Codable {
    case awaitingEnterprise = "awaiting_enterprise"      // 待上报: the employer reports or returns it
    case awaitingProvince = "awaiting_province"          // 已上报: provincial review (issue #4)
    case awaitingMinistry = "awaiting_ministry"          // forwarded to the ministry (issue #4)
    case awaitingAnnouncement = "awaiting_announcement"  // approved, waiting for the 公告 (issue #4)
    case returned                                        // back to the applicant, who may edit and resubmit
    case withdrawn                                       // withdrawn by the applicant before the report
    case refused                                         // 不予受理 by the province (terminal)
    case rejected                                        // 不予注册 by the ministry (terminal)
    case completed                                       // registered (and announced where the route has a 公告)

    /// Still in progress (at most one per person).
    public var isOpen: Bool {
        switch self {
        case .awaitingEnterprise, .awaitingProvince, .awaitingMinistry, .awaitingAnnouncement, .returned: true
        case .withdrawn, .refused, .rejected, .completed: false
        }
    }

    /// The ministry has decided it: approved (waiting for or past its 公告) or rejected.
    public var isDecidedByMinistry: Bool {
        switch self {
        case .awaitingAnnouncement, .completed, .rejected: true
        case .awaitingEnterprise, .awaitingProvince, .awaitingMinistry, .returned, .withdrawn, .refused: false
        }
    }
}

/// A step of the route that some party must act on.
public enum RouteStage: String, Sendable, Codable {
    case enterprise, province, ministry, announcement

    public var awaiting: ApplicationStatus {
        switch self {
        case .enterprise: .awaitingEnterprise
        case .province: .awaitingProvince
        case .ministry: .awaitingMinistry
        case .announcement: .awaitingAnnouncement
        }
    }
}

/// The route of each registration type, as data (DESIGN.md §5; DOMAIN.md §3.2–3.3): who acts, in
/// order. 增项 skips the enterprise (seed 000 §3.1.4); 变更 and 注销 have no 公告.
public enum ApplicationRoute {
    public static let stages: [RegistrationType: [RouteStage]] = [
        .initial: [.enterprise, .province, .ministry, .announcement],
        .change: [.enterprise, .province, .ministry],
        .renewal: [.enterprise, .province, .ministry, .announcement],
        .addSpecialty: [.province, .ministry, .announcement],
        .reRegistration: [.enterprise, .province, .ministry, .announcement],
        .cancellation: [.enterprise, .province, .ministry],
    ]

    /// The status a newly submitted (or resubmitted) application of `type` starts in.
    public static func first(_ type: RegistrationType) -> ApplicationStatus {
        stages[type]!.first!.awaiting
    }

    /// The status after the party of `status` approved it; `.completed` after the last stage.
    public static func next(after status: ApplicationStatus, for type: RegistrationType) -> ApplicationStatus? {
        let route = stages[type]!
        guard let i = route.firstIndex(where: { $0.awaiting == status }) else { return nil }
        return i + 1 < route.count ? route[i + 1].awaiting : .completed
    }
}
