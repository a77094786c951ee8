public import Proto

/// Typed calls of the `jzs.ministry.v1.Ministry` service (ministry certificate; set `operator`).
public struct MinistryClient: Sendable {
    let client: Client

    public func applications(_ query: Wire.Common.ApplicationQuery = .init()) async throws -> Wire.Common.ApplicationPage {
        try await client.unary(Methods.Ministry.listApplications, query)
    }

    public func export(_ query: Wire.Common.ApplicationQuery = .init()) async throws -> ResponseMessages<Wire.Common.Application> {
        try await client.serverStreaming(Methods.Ministry.exportApplications, query, timeout: .seconds(600))
    }

    public func application(_ id: String) async throws -> Wire.Common.Application {
        try await client.unary(Methods.Ministry.getApplication, .init(applicationID: id))
    }

    /// Decides many applications under one idempotency key (retry with the same key after a failure).
    public func decide(_ decisions: [Wire.Ministry.Decision], idempotencyKey: String) async throws -> Wire.Ministry.DecideApplicationsResponse {
        try await client.unary(Methods.Ministry.decideApplications, .init(decisions: decisions), metadata: .idempotency(idempotencyKey), timeout: .seconds(120))
    }

    /// Publishes a 公告; retried with the same `idempotencyKey` it returns the one it published.
    public func announce(title: String, idempotencyKey: String? = nil) async throws -> Wire.Ministry.Announcement {
        try await client.unary(Methods.Ministry.announce, .init(title: title), metadata: .idempotency(idempotencyKey))
    }

    public func statistics() async throws -> Wire.Common.ApplicationStatistics {
        try await client.unary(Methods.Ministry.getStatistics, .init())
    }
}

extension ProvincialClient {
    public func applications(_ query: Wire.Common.ApplicationQuery = .init()) async throws -> Wire.Common.ApplicationPage {
        try await client.unary(Methods.Provincial.listApplications, query)
    }

    public func export(_ query: Wire.Common.ApplicationQuery = .init()) async throws -> ResponseMessages<Wire.Common.Application> {
        try await client.serverStreaming(Methods.Provincial.exportApplications, query, timeout: .seconds(600))
    }

    public func application(_ id: String) async throws -> Wire.Common.Application {
        try await client.unary(Methods.Provincial.getApplication, .init(applicationID: id))
    }

    public func accept(_ id: String) async throws -> Wire.Common.Application {
        try await client.unary(Methods.Provincial.acceptApplication, .init(applicationID: id))
    }

    public func returnApplication(_ id: String, reason: String) async throws -> Wire.Common.Application {
        try await client.unary(Methods.Provincial.returnApplication, .init(applicationID: id, reason: reason))
    }

    public func refuse(_ id: String, reason: String) async throws -> Wire.Common.Application {
        try await client.unary(Methods.Provincial.refuseApplication, .init(applicationID: id, reason: reason))
    }

    public func statistics() async throws -> Wire.Common.ApplicationStatistics {
        try await client.unary(Methods.Provincial.getStatistics, .init())
    }
}

extension PublicClient {
    public func announcements(limit: UInt32 = 50) async throws -> [Wire.Ministry.Announcement] {
        try await client.unary(Methods.Public.listAnnouncements, .init(limit: limit)).announcements
    }

    public func announcement(_ number: String) async throws -> Wire.Ministry.Announcement {
        try await client.unary(Methods.Public.getAnnouncement, .init(number: number))
    }
}

extension Client {
    public var ministry: MinistryClient { MinistryClient(client: self) }
}

extension MinistryClient {
    /// Issues the next version; retried with the same `idempotencyKey` it returns the version it issued.
    public func issueCertificate(registrationNumber: String, idempotencyKey: String? = nil) async throws -> Wire.Common.CertificateRecord {
        try await client.unary(Methods.Ministry.issueCertificate, .init(registrationNumber: registrationNumber), metadata: .idempotency(idempotencyKey))
    }

    public func downloadCertificate(_ id: String) async throws -> Wire.Common.CertificateFile {
        try await client.unary(Methods.Ministry.downloadCertificate, .init(certificateID: id))
    }

    public func revokeCertificate(_ id: String, reason: String) async throws -> Wire.Common.CertificateRecord {
        try await client.unary(Methods.Ministry.revokeCertificate, .init(certificateID: id, reason: reason))
    }
}

extension IndividualClient {
    public func downloadCertificate() async throws -> Wire.Common.CertificateFile {
        try await client.unary(Methods.Individual.downloadCertificate, .init())
    }
}

extension PublicClient {
    public func verifyCertificate(_ id: String) async throws -> Wire.Common.CertificateRecord {
        try await client.unary(Methods.Public.verifyCertificate, .init(certificateID: id))
    }

    /// The current certificate of a 注册编号, given the holder's full name (NOT_FOUND when
    /// either does not match).
    public func verifyCertificate(registrationNumber: String, holderName: String) async throws -> Wire.Common.CertificateRecord {
        try await client.unary(Methods.Public.verifyCertificate, .init(registrationNumber: registrationNumber, holderName: holderName))
    }

    public func signingKey() async throws -> String {
        try await client.unary(Methods.Public.getSigningKey, .init()).publicKeyPem
    }
}
