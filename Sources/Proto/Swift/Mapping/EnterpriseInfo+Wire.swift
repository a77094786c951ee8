public import Model

extension Wire.Enterprise.AttachmentKind {
    public init(_ k: AttachmentKind) {
        self = k == .businessLicence ? .businessLicence : .qualificationCertificate
    }

    public var domain: AttachmentKind? {
        switch self {
        case .businessLicence: .businessLicence
        case .qualificationCertificate: .qualificationCertificate
        default: nil
        }
    }
}

extension Wire.Enterprise.EnterpriseChange {
    public init(_ c: EnterpriseChange) {
        self.init(changeID: c.id, enterpriseID: c.enterpriseID, enterpriseName: c.enterpriseName,
                  changes: c.changes.sorted { $0.key.rawValue < $1.key.rawValue }.map { .init(field: $0.key.rawValue, value: $0.value) },
                  status: c.status, reason: c.reason ?? "",
                  attachments: c.attachments.map { .init(kind: .init($0.kind), contentType: $0.contentType, size: UInt32($0.size), sha256: $0.sha256) })
    }
}

extension NewAttachment {
    /// A document of a change request; an unspecified kind is named as `field`.
    public init(_ w: Wire.Enterprise.ChangeAttachment, field: String) throws(RegistryError) {
        guard let kind = w.kind.domain else { throw .invalid(field, .chooseDocumentKind) }
        self.init(kind: kind, content: w.content)
    }
}

extension Wire.Enterprise.EnterpriseInfo {
    public init(_ p: EnterpriseProfile) {
        self.init(enterpriseID: p.id, creditCode: p.creditCode, provinceCode: p.provinceCode,
                  fields: EnterpriseField.allCases.map { .init(field: $0.rawValue, value: p.fields[$0] ?? "") },
                  attachments: p.attachments.map { .init(kind: .init($0.kind), contentType: $0.contentType, size: UInt32($0.size), sha256: $0.sha256) },
                  pendingChange: p.pendingChange.map(Wire.Enterprise.EnterpriseChange.init), lastRejectionReason: p.lastRejection ?? "")
    }
}

extension Wire.Enterprise.RegisteredStaff {
    public init(_ m: StaffMember) {
        self.init(registrationID: m.registrationID, registrationNumber: m.registrationNumber, name: m.name, idNumberMasked: m.maskedIDNumber,
                  specialties: m.specialties.map { .init(specialty: $0.specialty.rawValue, validFrom: $0.validFrom, validUntil: $0.validUntil) })
    }
}

extension Wire.Enterprise.EnterpriseUser {
    public init(_ u: EnterpriseUser) {
        self.init(userID: u.id, account: u.account, name: u.name, administrator: u.administrator, locked: u.locked)
    }
}

/// Field changes by name, naming the unknown ones.
public func enterpriseFieldChanges(_ values: [Wire.Enterprise.FieldValue]) throws(RegistryError) -> [EnterpriseField: String] {
    var out: [EnterpriseField: String] = [:]
    var v = Violations()
    for (i, f) in values.enumerated() {
        guard let field = EnterpriseField(rawValue: f.field) else {
            v.add("changes[\(i)].field", .notEditableField, "\(f.field)")
            continue
        }
        if out[field] != nil { v.add("changes[\(i)].field", .listedTwice) }
        out[field] = f.value
    }
    try v.throwIfAny()
    return out
}
