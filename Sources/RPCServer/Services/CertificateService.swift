public import Model
internal import Proto

/// Electronic certificates across the tiers: the ministry issues, downloads and revokes; the
/// holder downloads; anyone verifies by identifier (or by 注册编号 and name) and reads the signing key.
public struct CertificateService: Sendable {
    let certificates: Certificates
    let publicKeyPEM: String

    public init(certificates: Certificates, publicKeyPEM: String) {
        self.certificates = certificates
        self.publicKeyPEM = publicKeyPEM
    }

    public func register(with router: inout Router) {
        let certificates = self.certificates
        let key = publicKeyPEM
        router.register(Methods.Ministry.issueCertificate) { request, context in
            Wire.Common.CertificateRecord(try await certificates.issue(registrationNumber: request.registrationNumber, idempotencyKey: context.idempotencyKey,
                                                                       by: try context.requireMinistry(operatorNeeded: true), audit: context.audit))
        }
        router.register(Methods.Ministry.downloadCertificate) { request, context in
            Wire.Common.CertificateFile(try await certificates.download(certificateID: request.certificateID, for: try context.requireMinistry()))
        }
        router.register(Methods.Ministry.revokeCertificate) { request, context in
            let me = try context.requireMinistry(operatorNeeded: true)
            try await certificates.revoke(request.certificateID, reason: request.reason, by: me, audit: context.audit)
            return Wire.Common.CertificateRecord(try await certificates.record(request.certificateID))
        }
        router.register(Methods.Individual.downloadCertificate) { _, context in
            Wire.Common.CertificateFile(try await certificates.download(certificateID: nil, for: try context.requireIndividual()))
        }
        router.register(Methods.Public.verifyCertificate) { request, _ in
            // By identifier, or by 注册编号 and the holder's name: one form per call.
            let byNumber = !request.registrationNumber.isEmpty || !request.holderName.isEmpty
            if !request.certificateID.isEmpty {
                guard !byNumber else { throw RegistryError.invalid("certificate_id", .certificateLookupForm) }
                return Wire.Common.CertificateRecord(try await certificates.record(request.certificateID))
            }
            guard byNumber else { throw RegistryError.invalid("certificate_id", .certificateLookupForm) }
            return Wire.Common.CertificateRecord(try await certificates.record(registrationNumber: request.registrationNumber, holderName: request.holderName))
        }
        router.register(Methods.Public.getSigningKey) { _, _ in
            .init(publicKeyPem: key)
        }
    }
}
