public import Model

extension Wire.Ministry.Announcement {
    public init(_ a: Announcement) {
        self.init(number: a.number, title: a.title, publishedAt: .init(a.publishedAt), itemCount: UInt32(a.itemCount),
                  items: a.items.map { .init(name: $0.name, registrationNumber: $0.registrationNumber, enterpriseName: $0.enterpriseName,
                                             type: .init($0.type), specialties: $0.specialties.map(\.rawValue)) })
    }
}

extension Wire.Common.CertificateRecord {
    public init(_ r: CertificateRecord) {
        let status: Wire.Common.CertificateStatus = switch r.status {
        case .valid: .valid
        case .void: .void
        case .revoked: .revoked
        case .expired: .expired
        }
        self.init(certificateID: r.id, registrationNumber: r.registrationNumber, holderName: r.holderName, version: UInt32(r.version),
                  status: status, issuedAt: .init(r.issuedAt), reason: r.reason ?? "",
                  specialties: r.specialties.map { .init(name: $0.name, validFrom: $0.validFrom, validUntil: $0.validUntil) })
    }
}

extension Wire.Common.CertificateFile {
    public init(_ s: SignedCertificate) {
        self.init(file: s.fileContents, useUntil: s.useUntil)
    }
}
