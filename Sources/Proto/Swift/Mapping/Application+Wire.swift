public import Model
public import Foundation

extension Wire.Common.RegistrationType {
    public init(_ t: RegistrationType) {
        switch t {
        case .initial: self = .initial
        case .change: self = .change
        case .renewal: self = .renewal
        case .addSpecialty: self = .addSpecialty
        case .reRegistration: self = .reRegistration
        case .cancellation: self = .cancellation
        }
    }

    public var domain: RegistrationType? {
        switch self {
        case .initial: .initial
        case .change: .change
        case .renewal: .renewal
        case .addSpecialty: .addSpecialty
        case .reRegistration: .reRegistration
        case .cancellation: .cancellation
        case .unspecified, .unrecognized: nil
        }
    }
}

extension Wire.Common.ApplicationStatus {
    public init(_ s: ApplicationStatus) {
        switch s {
        case .awaitingEnterprise: self = .awaitingEnterprise
        case .awaitingProvince: self = .awaitingProvince
        case .awaitingMinistry: self = .awaitingMinistry
        case .awaitingAnnouncement: self = .awaitingAnnouncement
        case .returned: self = .returned
        case .withdrawn: self = .withdrawn
        case .refused: self = .refused
        case .rejected: self = .rejected
        case .completed: self = .completed
        }
    }

    public var domain: ApplicationStatus? {
        ApplicationStatus.allCases.first { Wire.Common.ApplicationStatus($0) == self }
    }
}

extension Wire.Common.Timestamp {
    public init(_ date: Date) {
        let t = date.timeIntervalSince1970
        self.init(seconds: Int64(t.rounded(.down)), nanos: Int32((t - t.rounded(.down)) * 1_000_000_000))
    }

    public var date: Date { Date(timeIntervalSince1970: TimeInterval(seconds) + TimeInterval(nanos) / 1_000_000_000) }
}

extension Wire.Common.Application {
    public init(_ a: Application) {
        // The full numbers are set only when the model disclosed them (Disclosure: reviewers, audited).
        self.init(applicationID: a.id, applicantName: a.applicantName, idNumberMasked: a.maskedIDNumber, enterpriseID: a.enterpriseID,
                  enterpriseName: a.enterpriseName, enterpriseCreditCode: a.enterpriseCreditCode, provinceCode: a.provinceCode,
                  type: .init(a.type), specialties: a.specialties.map(\.rawValue), qualificationCertificateNo: a.qualificationCertificateNo,
                  qualificationDate: a.qualificationDate, contractStart: a.contractStart, contractEnd: a.contractEnd,
                  status: .init(a.status), returnReason: a.returnReason ?? "", createdAt: .init(a.createdAt), updatedAt: .init(a.updatedAt),
                  history: a.events.map {
                      .init(at: .init($0.at), actor: $0.actor, action: $0.action, fromStatus: $0.from.map(Wire.Common.ApplicationStatus.init) ?? .unspecified,
                            toStatus: .init($0.to), reason: $0.reason ?? "", actorName: $0.actorName)
                  },
                  attachments: a.attachments.map(Wire.Common.ApplicationAttachment.init),
                  idNumber: a.idNumber ?? "", phoneMasked: a.maskedPhone, phone: a.phone ?? "")
    }
}

extension Wire.Common.ApplicationAttachment {
    public init(_ a: ApplicationAttachment) {
        self.init(attachmentID: a.id, kind: .init(a.kind), contentType: a.contentType, size: UInt32(a.size), sha256: a.sha256)
    }
}

extension Wire.Common.DocumentKind {
    public init(_ k: ApplicationAttachment.Kind) {
        switch k {
        case .qualificationCertificate: self = .qualificationCertificate
        case .idCard: self = .idCard
        case .labourContract: self = .labourContract
        case .education: self = .education
        case .other: self = .other
        }
    }

    public var domain: ApplicationAttachment.Kind? {
        ApplicationAttachment.Kind.allCases.first { Wire.Common.DocumentKind($0) == self }
    }
}

extension Wire.Common.ApplicationPage {
    public init(_ page: Page<Application>) {
        self.init(applications: page.items.map(Wire.Common.Application.init),
                  page: .init(nextPageToken: page.nextPageToken, total: UInt64(page.total)))
    }
}

extension Wire.Common.ApplicationStatistics {
    public init(_ s: ApplicationStatistics) {
        self.init(byStatus: s.byStatus.sorted { $0.key.rawValue < $1.key.rawValue }.map { .init(status: .init($0.key), count: UInt32($0.value)) },
                  byType: s.byType.sorted { $0.key.rawValue < $1.key.rawValue }.map { .init(type: .init($0.key), count: UInt32($0.value)) },
                  total: UInt64(s.total))
    }
}

extension ApplicationDraft {
    public init(_ w: Wire.Common.ApplicationDraft) {
        self.init(type: w.type.domain, specialties: w.specialties, employerCreditCode: w.employerCreditCode,
                  qualificationCertificateNo: w.qualificationCertificateNo, qualificationDate: w.qualificationDate,
                  contractStart: w.contractStart, contractEnd: w.contractEnd)
    }
}

extension ApplicationFilter {
    /// `defaultStatuses` apply when the query names none.
    public init(_ q: Wire.Common.ApplicationQuery, defaultStatuses: [ApplicationStatus] = []) throws(RegistryError) {
        var statuses: [ApplicationStatus] = []
        for (i, s) in q.statuses.enumerated() {
            guard let d = s.domain else { throw .invalid("statuses[\(i)]", .notAStatus) }
            statuses.append(d)
        }
        if q.type != .unspecified && q.type.domain == nil { throw .invalid("type", .notARegistrationType) }
        self.init(statuses: statuses.isEmpty ? defaultStatuses : statuses, type: q.type.domain,
                  enterpriseID: q.enterpriseID.isEmpty ? nil : q.enterpriseID,
                  submittedFrom: q.submittedFrom?.date, submittedUntil: q.submittedUntil?.date,
                  pageSize: Int(q.page?.pageSize ?? 0), pageToken: q.page?.pageToken ?? "")
    }
}
