public import Proto

extension IndividualClient {
    /// Attaches a document; retried with the same `idempotencyKey` it returns the one attached, not a second copy.
    public func attach(_ kind: Wire.Common.DocumentKind, content: [UInt8], to applicationID: String, idempotencyKey: String? = nil) async throws -> Wire.Common.ApplicationAttachment {
        try await client.unary(Methods.Individual.attachDocument, .init(applicationID: applicationID, kind: kind, content: content), metadata: .idempotency(idempotencyKey))
    }
}

extension Metadata {
    /// Call metadata carrying the `idempotency-key` entry when a key is given.
    static func idempotency(_ key: String?) -> Metadata {
        var metadata = Metadata()
        if let key { metadata[Metadata.Key.idempotencyKey] = key }
        return metadata
    }
}

/// Downloading an application's document: the same call for every tier; the method follows the
/// caller's tier.
extension Client {
    public enum Tier: Sendable { case individual, enterprise, province, ministry }

    public func applicationDocument(_ attachmentID: String, of applicationID: String, as tier: Tier) async throws -> Wire.Common.GetApplicationAttachmentResponse {
        let request = Wire.Common.GetApplicationAttachmentRequest(applicationID: applicationID, attachmentID: attachmentID)
        let method = switch tier {
        case .individual: Methods.Individual.getApplicationAttachment
        case .enterprise: Methods.Enterprise.getApplicationAttachment
        case .province: Methods.Provincial.getApplicationAttachment
        case .ministry: Methods.Ministry.getApplicationAttachment
        }
        return try await unary(method, request)
    }
}
