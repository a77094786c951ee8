public import Model

extension Wire.Ministry.Announcement {
    public init(_ a: Announcement) {
        self.init(number: a.number, title: a.title, publishedAt: .init(a.publishedAt), itemCount: UInt32(a.itemCount),
                  items: a.items.map { .init(name: $0.name, registrationNumber: $0.registrationNumber, enterpriseName: $0.enterpriseName,
                                             type: .init($0.type), specialties: $0.specialties.map(\.rawValue)) })
    }
}

extension Wire.Ministry.DecisionResult {
    public init(_ r: DecisionResult) {
        self.init(applicationID: r.applicationID, code: r.error.map { StatusCode.named($0.code).rawValue } ?? 0, message: r.error?.message ?? "",
                  status: r.status.flatMap(ApplicationStatus.init(rawValue:)).map(Wire.Common.ApplicationStatus.init) ?? .unspecified,
                  registrationNumber: r.registrationNumber ?? "")
    }
}
