extension Catalogue {
    /// Application statuses, registration types and change-request statuses, as the seeds' screens name them.
    static let statuses: [TextCode: Entry] = [
        .statusAwaitingEnterprise: .init("待企业上报", "waiting for the employer's report"),
        .statusAwaitingProvince: .init("待省级审查", "under provincial review"),
        .statusAwaitingMinistry: .init("待住房城乡建设部审批", "waiting for the ministry's decision"),
        .statusAwaitingAnnouncement: .init("已批准，待公告", "approved, waiting for the announcement"),
        .statusReturned: .init("已退回", "returned for correction"),
        .statusWithdrawn: .init("已撤回", "withdrawn"),
        .statusRefused: .init("不予受理", "refused by the province"),
        .statusRejected: .init("不予注册", "rejected by the ministry"),
        .statusCompleted: .init("已办结", "completed"),
        .typeInitial: .init("初始注册", "initial registration"),
        .typeChange: .init("变更注册", "change of employer"),
        .typeRenewal: .init("延续注册", "renewal"),
        .typeAddSpecialty: .init("增项注册", "added specialty"),
        .typeReRegistration: .init("重新注册", "re-registration"),
        .typeCancellation: .init("注销注册", "cancellation"),
        .changePending: .init("待审核", "pending"),
        .changeApproved: .init("已同意", "approved"),
        .changeRejected: .init("已驳回", "rejected"),
    ]
}

extension ApplicationStatus {
    /// How a person reads this status (待省级审查).
    public var textCode: TextCode {
        switch self {
        case .awaitingEnterprise: .statusAwaitingEnterprise
        case .awaitingProvince: .statusAwaitingProvince
        case .awaitingMinistry: .statusAwaitingMinistry
        case .awaitingAnnouncement: .statusAwaitingAnnouncement
        case .returned: .statusReturned
        case .withdrawn: .statusWithdrawn
        case .refused: .statusRefused
        case .rejected: .statusRejected
        case .completed: .statusCompleted
        }
    }
}

extension RegistrationType {
    /// How a person reads this type (初始注册).
    public var textCode: TextCode {
        switch self {
        case .initial: .typeInitial
        case .change: .typeChange
        case .renewal: .typeRenewal
        case .addSpecialty: .typeAddSpecialty
        case .reRegistration: .typeReRegistration
        case .cancellation: .typeCancellation
        }
    }
}

extension Text.Arg {
    /// A stored application status as an argument: its text when known, else the value as is.
    public static func status(_ raw: String) -> Text.Arg {
        ApplicationStatus(rawValue: raw).map { .text($0.textCode) } ?? .value(raw)
    }

    /// A stored change-request status as an argument.
    public static func changeStatus(_ raw: String) -> Text.Arg {
        switch raw {
        case "pending": .text(.changePending)
        case "approved": .text(.changeApproved)
        case "rejected": .text(.changeRejected)
        default: .value(raw)
        }
    }
}
