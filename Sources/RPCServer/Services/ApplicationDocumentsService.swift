public import Model
internal import Proto

/// Documents attached to applications: the applicant attaches them; every tier that may see the
/// application downloads them (the same method in each service, checked by that tier's caller).
public struct ApplicationDocumentsService: Sendable {
    let applications: Applications

    public init(applications: Applications) { self.applications = applications }

    public func register(with router: inout Router) {
        let applications = self.applications
        router.register(Methods.Individual.attachDocument) { request, context in
            let me = try context.requireIndividual()
            guard let kind = request.kind.domain else { throw RegistryError.invalid("kind", .chooseDocumentKind) }
            return Wire.Common.ApplicationAttachment(try await applications.attach(kind, content: request.content, to: request.applicationID,
                                                                                             idempotencyKey: context.idempotencyKey, by: me, audit: context.audit))
        }
        let tiers: [(UnaryMethod<Wire.Common.GetApplicationAttachmentRequest, Wire.Common.GetApplicationAttachmentResponse>, @Sendable (CallContext) throws(RegistryError) -> Caller)] = [
            (Methods.Individual.getApplicationAttachment, { c throws(RegistryError) in try c.requireIndividual() }),
            (Methods.Enterprise.getApplicationAttachment, { c throws(RegistryError) in try c.requireEnterpriseUser() }),
            (Methods.Provincial.getApplicationAttachment, { c throws(RegistryError) in try c.requireProvince() }),
            (Methods.Ministry.getApplicationAttachment, { c throws(RegistryError) in try c.requireMinistry() }),
        ]
        for (method, require) in tiers {
            router.register(method) { request, context in
                let found = try await applications.attachmentContent(request.attachmentID, of: request.applicationID, for: try require(context))
                return .init(contentType: found.contentType, content: found.bytes)
            }
        }
    }
}
